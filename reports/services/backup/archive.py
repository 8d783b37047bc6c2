"""Where a backup is kept: a directory, or the same content as one uncompressed ``.tar``.

Writers hash what they copy as they copy it (one read of every file); readers open members by name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

from reports.services.backup.manifest import CHUNK, BackupError, sha256_of


class _Hashing:
    """A file wrapper that hashes what is read through it (tarfile reads members with ``read``)."""

    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.handle.read(n)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class DirectoryWriter:
    """A backup written into a new (or empty) directory; removed again if the backup fails."""

    def __init__(self, root: Path):
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise BackupError(f"{root} 已存在且不是空目录:不会覆盖已有的内容,请指定新的目录。")
        self.created = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.scratch = root

    def _path(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add_stream(self, name: str, handle, size: int) -> tuple[str, int]:
        reader = _Hashing(handle)
        with open(self._path(name), "wb") as out:
            shutil.copyfileobj(reader, out, CHUNK)
        return reader.digest.hexdigest(), reader.size

    def add_file(self, name: str, path: Path) -> tuple[str, int]:
        target = self._path(name)
        if path != target:
            shutil.move(path, target)
        with open(target, "rb") as handle:
            return sha256_of(handle)

    def finish(self) -> None:
        pass

    def abort(self) -> None:
        if self.created:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            for child in self.root.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)


class TarWriter:
    """A backup written as ``<name>.tar.partial``, renamed to ``<name>.tar`` only when complete."""

    def __init__(self, target: Path):
        if target.exists():
            raise BackupError(f"{target} 已存在:不会覆盖已有的备份,请指定新的文件名。")
        if not target.parent.is_dir():
            raise BackupError(f"目录 {target.parent} 不存在。")
        self.target = target
        self.partial = target.with_name(target.name + ".partial")
        self.tar = tarfile.open(self.partial, "w", format=tarfile.PAX_FORMAT)  # closed in finish/abort
        self.scratch = Path(tempfile.mkdtemp(prefix=".govopen-backup-", dir=target.parent))

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o644
        return info

    def add_stream(self, name: str, handle, size: int) -> tuple[str, int]:
        reader = _Hashing(handle)
        self.tar.addfile(self._info(name, size), reader)
        return reader.digest.hexdigest(), reader.size

    def add_file(self, name: str, path: Path) -> tuple[str, int]:
        with open(path, "rb") as handle:
            result = self.add_stream(name, handle, path.stat().st_size)
        path.unlink()
        return result

    def finish(self) -> None:
        self.tar.close()
        os.replace(self.partial, self.target)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def abort(self) -> None:
        self.tar.close()
        self.partial.unlink(missing_ok=True)
        shutil.rmtree(self.scratch, ignore_errors=True)


class DirectoryReader:
    """A backup directory, read by member name."""

    def __init__(self, root: Path):
        self.root = root

    def has(self, name: str) -> bool:
        return (self.root / name).is_file()

    def open(self, name: str):
        return open(self.root / name, "rb")

    @contextlib.contextmanager
    def local_path(self, name: str):
        yield self.root / name

    def close(self) -> None:
        pass


class TarReader:
    """A backup ``.tar``, read by member name (nothing is extracted but the database, to a temporary file)."""

    def __init__(self, path: Path):
        try:
            self.tar = tarfile.open(path, "r:*")  # closed by close()
            self.members = {m.name: m for m in self.tar.getmembers() if m.isfile()}
        except (tarfile.TarError, OSError, EOFError) as e:
            raise BackupError(f"无法读取 tar 文件 {path}:{e}") from None

    def has(self, name: str) -> bool:
        return name in self.members

    def open(self, name: str):
        return self.tar.extractfile(self.members[name])

    @contextlib.contextmanager
    def local_path(self, name: str):
        # The database engines read a file by its path: the member is copied to a temporary file.
        with tempfile.TemporaryDirectory(prefix="govopen-restore-") as folder:
            path = Path(folder) / PurePosixPath(name).name
            with self.open(name) as source, open(path, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            yield path

    def close(self) -> None:
        self.tar.close()


def open_backup(source: Path):
    """The reader of the backup at ``source`` (a directory or a tar file), or BackupError naming why not."""
    if not source.exists():
        raise BackupError(f"找不到备份:{source} 不存在。")
    if source.is_dir():
        return DirectoryReader(source)
    if not tarfile.is_tarfile(source):
        raise BackupError(f"{source} 既不是备份目录,也不是 tar 文件。")
    return TarReader(source)


def new_backup(target: Path):
    """The writer of a new backup at ``target``: a ``.tar`` file, or else a directory."""
    return TarWriter(target) if target.suffix.lower() == ".tar" else DirectoryWriter(target)
