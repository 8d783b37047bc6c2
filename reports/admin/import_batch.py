"""Uploaded documents waiting between the admin's import steps (upload → preview → confirm).

The bytes wait in a folder of their own under a random token, kept in the editor's session so that
one editor cannot open another's batch; the folder is removed on confirm or abandon, and forgotten
batches are swept after a day. Nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.http import Http404

from reports.importers import UnreadableDocument
from reports.importers.dispatch import iter_documents

SESSION_KEY = "govopen_import_batches"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
BATCH_TTL_SECONDS = 24 * 3600
# Per batch in the admin (the preview is paged and the import runs in steps, so this bounds the
# folder, not a request); whole archives go through `import_reports`.
MAX_DOCUMENTS = 2000


def _root() -> Path:
    return Path(settings.GOVOPEN_IMPORT_DIR or Path(tempfile.gettempdir()) / "govopen-imports")


# --- The batch: uploaded bytes between the steps ---------------------------------------------------


@dataclass
class Batch:
    token: str
    folder: Path
    # name, file, error, corrections (the editor's, once a page was posted) and outcome (once
    # confirmed: status, report id and title, or the error)
    documents: list[dict] = field(default_factory=list)
    # The confirmation in progress: the next document to look at and what was done so far.
    run: dict = field(default_factory=dict)

    @classmethod
    def create(cls, request, uploads) -> Batch:
        sweep()
        token = secrets.token_urlsafe(24)
        folder = _root() / token
        folder.mkdir(parents=True, mode=0o700)
        batch = cls(token, folder)
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
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), token][-20:]
        return batch

    @classmethod
    def load(cls, request, token: str) -> Batch:
        if not TOKEN.match(token) or token not in request.session.get(SESSION_KEY, []):
            raise Http404("导入批次不存在或已过期")
        folder = _root() / token
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise Http404("导入批次不存在或已过期") from None
        return cls(token, folder, manifest["documents"], manifest.get("run") or {})

    def add(self, name: str, data: bytes) -> None:
        file = f"{len(self.documents):04d}.bin"
        (self.folder / file).write_bytes(data)
        self.documents.append({"name": name, "file": file, "error": "", "corrections": {}})

    def add_error(self, name: str, error: str) -> None:
        self.documents.append({"name": name, "file": None, "error": error, "corrections": {}})

    def data(self, document: dict) -> bytes:
        return (self.folder / document["file"]).read_bytes()

    def write_manifest(self) -> None:
        manifest = {"created": time.time(), "documents": self.documents, "run": self.run}
        # Written whole and then renamed: a request that dies mid-write leaves the last manifest.
        temporary = self.folder / "manifest.json.tmp"
        temporary.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.folder / "manifest.json")

    def pending(self) -> list[int]:
        """The documents not yet imported, skipped or failed, in upload order."""
        return [i for i, document in enumerate(self.documents) if not document.get("outcome")]

    @contextlib.contextmanager
    def lock(self) -> Iterator[bool]:
        """Hold the batch for one confirmation step; yields False if another request holds it (a
        double click), so that no document is imported twice."""
        with open(self.folder / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def discard(self, request) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != self.token]


def sweep() -> None:
    """Remove the folders of batches nobody confirmed or abandoned within a day."""
    root = _root()
    if not root.is_dir():
        return
    cutoff = time.time() - BATCH_TTL_SECONDS
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
