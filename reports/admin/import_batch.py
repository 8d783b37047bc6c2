"""Uploaded documents waiting between the admin's import steps (upload → preview → confirm).

The bytes wait in a folder of their own under a random token, kept in the editor's session so that
one editor cannot open another's batch; the folder is removed on confirm or abandon, and forgotten
batches are swept after a day. Nothing here touches the database.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.http import Http404

from reports.importers import UnreadableDocument
from reports.importers.dispatch import iter_documents

SESSION_KEY = "govopen_import_batches"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
BATCH_TTL_SECONDS = 24 * 3600
MAX_DOCUMENTS = 200  # per batch in the admin; whole archives go through `import_reports`


def _root() -> Path:
    return Path(settings.GOVOPEN_IMPORT_DIR or Path(tempfile.gettempdir()) / "govopen-imports")


# --- The batch: uploaded bytes between the steps ---------------------------------------------------


@dataclass
class Batch:
    token: str
    folder: Path
    documents: list[dict] = field(default_factory=list)  # name, file, error, corrections

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
        return cls(token, folder, manifest["documents"])

    def add(self, name: str, data: bytes) -> None:
        file = f"{len(self.documents):04d}.bin"
        (self.folder / file).write_bytes(data)
        self.documents.append({"name": name, "file": file, "error": "", "corrections": {}})

    def add_error(self, name: str, error: str) -> None:
        self.documents.append({"name": name, "file": None, "error": error, "corrections": {}})

    def data(self, document: dict) -> bytes:
        return (self.folder / document["file"]).read_bytes()

    def write_manifest(self) -> None:
        manifest = {"created": time.time(), "documents": self.documents}
        (self.folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

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
