"""Uploaded files, stored by content: the name on disk is the SHA-256 of the bytes, never a
name a user chose, so no upload can reach outside the folder or overwrite another's file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from credstack.domain.errors import NotFound

_SHA256 = re.compile(r"[0-9a-f]{64}")


class FileStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> Path:
        """Store ``data`` (whose digest the caller checked) once; storing it again is a no-op."""
        target = self.path(sha256)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound("stored file", sha256) from None

    def count(self) -> int:
        """How many files are stored (for tests: a refused upload stores nothing)."""
        if not self.root.is_dir():
            return 0
        return sum(1 for p in self.root.glob("??/*") if p.is_file() and not p.name.startswith("."))
