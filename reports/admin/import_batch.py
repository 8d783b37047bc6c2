"""Uploaded documents waiting between the admin's import steps (upload → preview → confirm).

The bytes wait in the default storage (a local folder or the object storage every app server
shares, reports/services/files.py) under ``imports/<random token>/``, so that the preview and the
confirmation may land on any server; the token is kept in the editor's session (in the database)
so that one editor cannot open another's batch. The folder is removed on confirm or abandon, and
forgotten batches are swept after a day (here on each upload, and by ``prune_files``). The folder
is never served. Nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

from reports.importers import UnreadableDocument
from reports.importers.dispatch import iter_documents
from reports.services.files import (
    IMPORT_UPLOAD_DIR,
    MANIFEST_DIR,
    import_uploads_prune,
    storage_delete_folder,
)
from reports.services.locks import cluster_lock

SESSION_KEY = "govopen_import_batches"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Per batch in the admin (the preview is paged and the import runs in steps, so this bounds the
# folder, not a request); whole archives go through `import_reports`.
MAX_DOCUMENTS = 2000


# --- The batch: uploaded bytes between the steps ---------------------------------------------------


@dataclass
class Batch:
    token: str
    # name, file, error, corrections (the editor's, once a page was posted) and outcome (once
    # confirmed: status, report id and title, or the error)
    documents: list[dict] = field(default_factory=list)
    # The confirmation in progress: the next document to look at and what was done so far.
    run: dict = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return f"{IMPORT_UPLOAD_DIR}/{self.token}"

    @classmethod
    def create(cls, request, uploads) -> Batch:
        sweep()
        batch = cls(secrets.token_urlsafe(24))
        max_bytes = settings.GOVOPEN_MAX_UPLOAD_BYTES
        for upload in uploads:
            name = PurePath(upload.name).name
            if upload.size > max_bytes:
                batch.add_error(name, f"文件过大:{upload.size / 1048576:.1f} MB,上限为 {max_bytes / 1048576:.0f} MB")
                continue
            try:
                for member in iter_documents(name, upload.read(), max_bytes=max_bytes):
                    if member.data is None:
                        batch.add_error(member.name, member.error)
                    elif len(batch.documents) >= MAX_DOCUMENTS:
                        batch.add_error(
                            member.name, f"一次最多预览 {MAX_DOCUMENTS} 个文件,更多请分批上传或用命令行导入"
                        )
                    else:
                        batch.add(member.name, member.data)
            except UnreadableDocument as e:
                batch.add_error(name, str(e))
        batch.write_manifest()
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), batch.token][-20:]
        return batch

    @classmethod
    def load(cls, request, token: str) -> Batch:
        if not TOKEN.match(token) or token not in request.session.get(SESSION_KEY, []):
            raise Http404("导入批次不存在或已过期")
        batch = cls(token)
        manifest = batch._read_manifest()
        if manifest is None:
            raise Http404("导入批次不存在或已过期")
        batch.documents = manifest["documents"]
        batch.run = manifest.get("run") or {}
        return batch

    def add(self, name: str, data: bytes) -> None:
        name_in_storage = f"{self.folder}/{len(self.documents):04d}.bin"
        saved = default_storage.save(name_in_storage, ContentFile(data))  # not the ORM: the file storage
        self.documents.append({"name": name, "file": PurePath(saved).name, "error": "", "corrections": {}})

    def add_error(self, name: str, error: str) -> None:
        self.documents.append({"name": name, "file": None, "error": error, "corrections": {}})

    def data(self, document: dict) -> bytes:
        with default_storage.open(f"{self.folder}/{document['file']}", "rb") as handle:
            return handle.read()

    def write_manifest(self) -> None:
        """Store the manifest anew. Storage has no atomic rename, so each version is a file of its own
        named by the time it was written; the older ones are deleted once it is stored, and a reader
        takes the newest that reads whole (a request that dies mid-write leaves the last manifest)."""
        stamp = time.time_ns()
        manifest = {"created": stamp / 1e9, "documents": self.documents, "run": self.run}
        content = ContentFile(json.dumps(manifest, ensure_ascii=False).encode())
        default_storage.save(f"{self.folder}/{MANIFEST_DIR}/{stamp:020d}.json", content)  # not the ORM
        for name in self._manifest_names():
            if name < f"{stamp:020d}.json":
                with contextlib.suppress(FileNotFoundError):
                    default_storage.delete(f"{self.folder}/{MANIFEST_DIR}/{name}")  # not the ORM

    def _manifest_names(self) -> list[str]:
        try:
            _, names = default_storage.listdir(f"{self.folder}/{MANIFEST_DIR}")
        except FileNotFoundError:
            return []
        return sorted((n for n in names if n.endswith(".json")), reverse=True)

    def _read_manifest(self) -> dict | None:
        for name in self._manifest_names():
            try:
                with default_storage.open(f"{self.folder}/{MANIFEST_DIR}/{name}", "rb") as handle:
                    return json.loads(handle.read().decode("utf-8"))
            except (OSError, ValueError):
                continue  # deleted meanwhile by a newer write, or cut short: the next older one
        return None

    def pending(self) -> list[int]:
        """The documents not yet imported, skipped or failed, in upload order."""
        return [i for i, document in enumerate(self.documents) if not document.get("outcome")]

    @contextlib.contextmanager
    def lock(self) -> Iterator[bool]:
        """Hold the batch for one confirmation step, on whichever server; yields False if another
        request holds it (a double click), so that no document is imported twice."""
        with cluster_lock(f"import-batch:{self.token}", wait=0) as held:
            yield held

    def discard(self, request) -> None:
        storage_delete_folder(self.folder)
        request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != self.token]


def sweep() -> None:
    """Remove the batches nobody confirmed or abandoned within a day."""
    import_uploads_prune()
