"""The default file storage from the environment: a local folder, or S3-compatible object storage.

- By default ``FileSystemStorage`` in ``DJANGO_MEDIA_ROOT``: one machine, or a folder every app
  server mounts.
- With ``GOVOPEN_S3_BUCKET`` set: django-storages' S3 backend, for any object storage that speaks
  the S3 API (AWS S3, MinIO, Ceph, 阿里云 OSS, 腾讯云 COS, 华为云 OBS …), shared by every app server
  and worker. ``GOVOPEN_S3_ENDPOINT_URL``, ``GOVOPEN_S3_REGION``, ``GOVOPEN_S3_ACCESS_KEY`` /
  ``GOVOPEN_S3_SECRET_KEY`` (else boto3's own chain: ``AWS_ACCESS_KEY_ID``…, an instance role),
  ``GOVOPEN_S3_PREFIX`` (a folder inside the bucket) and ``GOVOPEN_S3_ADDRESSING_STYLE`` (``path``
  for most self-hosted servers) complete it.

Files never leave through the storage's own addresses: originals go through a permission check
(reports/web/files.py), downloads and open-data files through their views. So there is no custom
domain, the bucket stays private, and :class:`PrivateS3Storage` names the site's own ``/media/…``
view as a file's URL (the admin links an original there) instead of a presigned bucket address
(govopen/s3_storage.py).
"""

from __future__ import annotations

from collections.abc import Mapping

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
# The S3 backend in a module of its own, so that boto3 is imported only when it is configured.
S3 = "govopen.s3_storage.PrivateS3Storage"

# Environment variable -> S3Storage option, each set only when the variable is.
S3_OPTIONS = {
    "GOVOPEN_S3_ENDPOINT_URL": "endpoint_url",
    "GOVOPEN_S3_REGION": "region_name",
    "GOVOPEN_S3_ACCESS_KEY": "access_key",
    "GOVOPEN_S3_SECRET_KEY": "secret_key",
    "GOVOPEN_S3_PREFIX": "location",
    "GOVOPEN_S3_ADDRESSING_STYLE": "addressing_style",
}


def storage_from_env(environ: Mapping[str, str]) -> dict:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    bucket = environ.get("GOVOPEN_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": FILE_SYSTEM}
    options = {
        "bucket_name": bucket,
        # Two uploads of the same name keep both (Django picks a new name), as on a local disk;
        # django-storages would overwrite by default.
        "file_overwrite": False,
        "custom_domain": None,
        "default_acl": None,  # the bucket's own policy: private
    }
    for variable, option in S3_OPTIONS.items():
        value = environ.get(variable, "").strip()
        if value:
            options[option] = value.strip("/") if option == "location" else value
    return {"BACKEND": S3, "OPTIONS": options}
