"""``sportello backup PATH``: the database first, then the files it names.

Files are never changed once written and are kept before the database row that names them
is committed (actions/files.py), so files copied after the database snapshot include every
file that snapshot names. The backup is built in a hidden sibling directory and renamed to
``PATH`` when complete: a directory at ``PATH`` with a manifest is a whole backup.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sportello import __version__
from sportello.config import Settings
from sportello.files.storage import key_path
from sportello.storage.database import sqlite_path

from .manifest import FILES, BackupError, Entry, Manifest, entry_for
from .postgres_dump import dump_postgresql, read_postgresql_facts
from .sqlite_copy import PAGES_PER_STEP, PAUSE_SECONDS, copy_live_sqlite, read_facts

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


def take_backup(
    settings: Settings,
    target: Path,
    *,
    pages: int = PAGES_PER_STEP,
    pause: float = PAUSE_SECONDS,
) -> Manifest:
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not empty: give a new path")
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        if settings.is_sqlite:
            database = partial / SQLITE_FILE
            source = Path(sqlite_path(settings.database_url))
            copy_live_sqlite(source, database, pages=pages, pause=pause)
            revision, counts, keys = read_facts(database)
        else:
            database = partial / PG_FILE
            dump_postgresql(settings.database_url, database)
            revision, counts, keys = read_postgresql_facts(settings)
        files, missing = _copy_files(settings.files_root, keys, partial)
        manifest = Manifest(
            sportello_version=__version__,
            database_kind="sqlite" if settings.is_sqlite else "postgresql",
            revision=revision,
            taken_at=datetime.now(UTC).isoformat(timespec="seconds"),
            counts=counts,
            database=entry_for(partial, database),
            files=files,
            missing_files=missing,
        )
        manifest.write(partial)
        if target.exists():
            target.rmdir()
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _copy_files(root: Path, keys: list[str], backup: Path) -> tuple[list[Entry], list[str]]:
    """Copy the files the database names; a key with no file (removed since the database was
    copied) is listed as missing rather than failing the backup."""
    entries: list[Entry] = []
    missing: list[str] = []
    for key in keys:
        source = key_path(root, key)
        copy = key_path(backup / FILES, key)
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, copy)
        except FileNotFoundError:
            missing.append(key)
            continue
        entries.append(entry_for(backup, copy))
    return entries, missing
