"""Where file bytes live. A small interface so another backend (object storage) can replace
the local disk; keys are opaque to callers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol


class FileStore(Protocol):
    def staging_path(self) -> Path:
        """A fresh path on the same filesystem for an upload being received."""

    def keep(self, staged: Path, suffix: str = "") -> str:
        """Move a staged file into the store; returns its key."""

    def path(self, key: str) -> Path:
        """A readable local path for a key (local stores serve straight from disk)."""

    def delete(self, key: str) -> None: ...


class LocalFileStore:
    """Files under ``root`` as ``ab/abcdef…``; uploads are staged in ``root/.staging``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / ".staging"
        self.staging.mkdir(parents=True, exist_ok=True)

    def staging_path(self) -> Path:
        return self.staging / secrets.token_hex(16)

    def keep(self, staged: Path, suffix: str = "") -> str:
        key = secrets.token_hex(16) + suffix
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        return key

    def path(self, key: str) -> Path:
        return key_path(self.root, key)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def key_path(root: Path, key: str) -> Path:
    """Where a local store under ``root`` keeps ``key`` (``ab/abcdef…``)."""
    if not key or "/" in key or key.startswith("."):
        raise ValueError(f"not a storage key: {key!r}")
    return root / key[:2] / key
