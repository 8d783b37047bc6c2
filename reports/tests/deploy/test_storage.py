"""The file storage from the environment (govopen/storage.py): a local folder by default, S3-compatible
object storage with GOVOPEN_S3_BUCKET. No object storage is reached: only the mapping is tested."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.files.storage import FileSystemStorage, StorageHandler

from govopen.storage import storage_from_env

ROOT = Path(__file__).resolve().parents[3]

S3_ENV = {
    "GOVOPEN_S3_BUCKET": "govopen-files",
    "GOVOPEN_S3_ENDPOINT_URL": "https://oss-cn-beijing.aliyuncs.com",
    "GOVOPEN_S3_REGION": "cn-beijing",
    "GOVOPEN_S3_ACCESS_KEY": "key-id",
    "GOVOPEN_S3_SECRET_KEY": "key-secret",
    "GOVOPEN_S3_PREFIX": "/govopen/",
    "GOVOPEN_S3_ADDRESSING_STYLE": "path",
}


def test_without_a_bucket_files_stay_in_the_local_folder():
    entry = storage_from_env({"GOVOPEN_S3_ENDPOINT_URL": "https://ignored.example"})
    assert entry == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert isinstance(StorageHandler({"default": entry})["default"], FileSystemStorage)


def test_a_bucket_selects_private_s3_storage_with_the_given_options():
    entry = storage_from_env(S3_ENV)
    assert entry == {
        "BACKEND": "govopen.s3_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": "govopen-files",
            "file_overwrite": False,
            "custom_domain": None,
            "default_acl": None,
            "endpoint_url": "https://oss-cn-beijing.aliyuncs.com",
            "region_name": "cn-beijing",
            "access_key": "key-id",
            "secret_key": "key-secret",
            "location": "govopen",
            "addressing_style": "path",
        },
    }
    assert storage_from_env({"GOVOPEN_S3_BUCKET": "b"})["OPTIONS"].keys() == {
        "bucket_name",
        "file_overwrite",
        "custom_domain",
        "default_acl",
    }, "unset variables leave django-storages' and boto3's own defaults"


def test_s3_files_are_linked_through_the_sites_own_view_never_the_bucket():
    """An original's URL (the admin links it) is /media/…, the permission-checked view; nothing is fetched."""
    storage = StorageHandler({"default": storage_from_env(S3_ENV)})["default"]
    assert storage.bucket_name == "govopen-files" and storage.file_overwrite is False
    assert (
        storage.url("originals/2024/湛江 报告.pdf")
        == "/media/originals/2024/%E6%B9%9B%E6%B1%9F%20%E6%8A%A5%E5%91%8A.pdf"
    )


def test_the_settings_read_the_storage_from_the_environment():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        **S3_ENV,
        "DJANGO_SETTINGS_MODULE": "govopen.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
    }
    code = "from django.core.files.storage import default_storage as s; b = s.bucket_name; print(type(s._wrapped).__name__, b)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "PrivateS3Storage govopen-files"
