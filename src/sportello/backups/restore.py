"""``sportello restore PATH``: check the whole backup, then put the file store and the database
back, then migrate up if the backup is older than the code.

Run it with the server stopped. Nothing is touched until every checksum matched; an existing
database or file store is replaced only with ``force``.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
from pathlib import Path, PurePosixPath

from sportello.config import Settings
from sportello.storage.database import sqlite_path
from sportello.storage.migrate import head_revisions, known_revisions, upgrade

from .manifest import FILES, BackupError, Manifest, verify
from .postgres_dump import has_tables, restore_postgresql

SHM_DEAD_MAN_SWITCH = 128


def restore_backup(settings: Settings, source: Path, *, force: bool = False) -> Manifest:
    source = source.absolute()
    manifest = Manifest.read(source)
    kind = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest.database_kind != kind:
        raise BackupError(
            f"the backup holds a {manifest.database_kind} database; the settings name a {kind} one"
        )
    if manifest.revision not in known_revisions():
        raise BackupError(
            f"the backup comes from a newer Sportello (its schema revision {manifest.revision} "
            "is unknown to this version): restore it with that version or a later one"
        )
    _check_paths(manifest)
    verify(source, manifest)
    root = settings.files_root
    if settings.is_sqlite and _open_elsewhere(Path(sqlite_path(settings.database_url))):
        raise BackupError(
            f"the database {sqlite_path(settings.database_url)} is open in another process "
            "(a server still running?): stop it first"
        )
    if not force:
        occupied = [*_occupied_database(settings)]
        if _holds_files(root):
            occupied.append(f"the file store {root}")
        if occupied:
            raise BackupError(
                f"refusing to overwrite {' and '.join(occupied)}: "
                "stop the server and run restore with --force to replace them"
            )
    _restore_files(source, manifest, root)
    if settings.is_sqlite:
        _restore_sqlite(source / manifest.database.path, Path(sqlite_path(settings.database_url)))
    else:
        restore_postgresql(settings.database_url, source / manifest.database.path)
    if manifest.revision not in head_revisions():
        upgrade(settings.database_url)
    return manifest


def _check_paths(manifest: Manifest) -> None:
    """Paths stay inside the backup: the database at its top, files under ``files/``."""
    if len(PurePosixPath(manifest.database.path).parts) != 1:
        raise BackupError(f"backup damaged: odd database path {manifest.database.path!r}")
    for entry in manifest.files:
        parts = PurePosixPath(entry.path).parts
        if len(parts) != 3 or parts[0] != FILES or ".." in parts or parts[2].startswith("."):
            raise BackupError(f"backup damaged: odd file path {entry.path!r}")


def _occupied_database(settings: Settings) -> list[str]:
    if settings.is_sqlite:
        path = Path(sqlite_path(settings.database_url))
        return [f"the database {path}"] if path.exists() and path.stat().st_size > 0 else []
    if asyncio.run(has_tables(settings.database_url)):
        return ["the PostgreSQL database's Sportello tables"]
    return []


def _open_elsewhere(database: Path) -> bool:
    """Whether a process has the WAL database open: each connection holds a shared lock on
    the "dead man switch" byte of the ``-shm`` file (SQLite's unix VFS, offset 128) for as
    long as it is open, so an exclusive lock on that byte cannot be had."""
    shm = Path(f"{database}-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DEAD_MAN_SWITCH)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DEAD_MAN_SWITCH)
        return False
    finally:
        os.close(fd)


def _holds_files(root: Path) -> bool:
    """Whether the file store has any file outside its staging folder."""
    if not root.is_dir():
        return False
    return any(
        path.is_file() for path in root.rglob("*") if ".staging" not in path.relative_to(root).parts
    )


def _restore_files(source: Path, manifest: Manifest, root: Path) -> None:
    """Built beside the store, then swapped in: a failed copy leaves the old store as it was."""
    building = root.with_name(f".{root.name}.restoring")
    shutil.rmtree(building, ignore_errors=True)
    (building / ".staging").mkdir(parents=True)
    for entry in manifest.files:
        target = building / PurePosixPath(entry.path).relative_to(FILES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / entry.path, target)
    if root.exists():
        shutil.rmtree(root)
    building.rename(root)


def _restore_sqlite(copy: Path, target: Path) -> None:
    """The copy replaces the database file; the old WAL and shared memory go with the old file
    (left behind, SQLite would replay the old WAL into the restored database)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(copy, incoming)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, target)
