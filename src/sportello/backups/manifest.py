"""A backup's description (``manifest.json``): what it holds and the checksums to trust it.

A backup is a directory::

    manifest.json        this description, written last
    database.sqlite3     the SQLite database (or database.pgdump, pg_dump's custom format)
    files/ab/abcdef…     the file store's files that the database names
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"


class BackupError(Exception):
    """A backup cannot be taken or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Entry:
    """One file of the backup, by its path inside the backup directory."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    sportello_version: str
    database_kind: str
    revision: str
    taken_at: str
    counts: dict[str, int]
    database: Entry
    files: list[Entry] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        (directory / MANIFEST).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not directory.is_dir():
            raise BackupError(f"{directory} is not a backup directory")
        try:
            raw: dict[str, Any] = json.loads(path.read_text())
        except FileNotFoundError as exc:
            raise BackupError(f"{directory} holds no {MANIFEST}: not a complete backup") from exc
        except (OSError, ValueError) as exc:
            raise BackupError(f"cannot read {path}: {exc}") from exc
        if raw.get("format") != FORMAT:
            raise BackupError(f"{path}: backup format {raw.get('format')!r} is not {FORMAT}")
        try:
            return cls(
                **{
                    **raw,
                    "database": Entry(**raw["database"]),
                    "files": [Entry(**entry) for entry in raw["files"]],
                }
            )
        except (KeyError, TypeError) as exc:
            raise BackupError(f"{path} is not a valid manifest: {exc}") from exc


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def entry_for(directory: Path, path: Path) -> Entry:
    return Entry(str(path.relative_to(directory)), path.stat().st_size, sha256_of(path))


def verify(directory: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is there with its size and checksum; BackupError if not."""
    for entry in [manifest.database, *manifest.files]:
        path = directory / entry.path
        if not path.is_file():
            raise BackupError(f"backup damaged: {entry.path} is missing")
        if path.stat().st_size != entry.size or sha256_of(path) != entry.sha256:
            raise BackupError(f"backup damaged: {entry.path} does not match its checksum")
