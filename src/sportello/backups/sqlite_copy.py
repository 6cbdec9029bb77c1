"""A consistent copy of a live SQLite database, taken beside the server that writes it.

The copy reads one snapshot: a read transaction is open on the source for the whole copy, so
SQLite's online backup (``Connection.backup``) copies the pages as they were when it began,
instead of starting over each time the server commits. In WAL mode a reader never blocks a
writer, so the chat goes on committing meanwhile (the WAL grows until the copy ends, since a
checkpoint cannot pass an open reader). The pages go over a few at a time with a short pause
between batches, leaving the disk to the server.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from .manifest import BackupError

PAGES_PER_STEP = 256
PAUSE_SECONDS = 0.005


def copy_live_sqlite(
    source: Path,
    target: Path,
    *,
    pages: int = PAGES_PER_STEP,
    pause: float = PAUSE_SECONDS,
) -> None:
    """Copy ``source`` to a new self-contained file ``target`` (rollback journal, no WAL)."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    src = sqlite3.connect(source, isolation_level=None, timeout=30)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        src.execute("PRAGMA journal_mode=WAL")  # what the server runs in; readers never block it
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
        src.backup(dst, pages=pages, progress=lambda _status, _left, _total: time.sleep(pause))
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the copy fails SQLite's integrity check: {problems[:5]}")
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from exc
    finally:
        dst.close()
        src.close()


def read_facts(database: Path) -> tuple[str, dict[str, int], list[str]]:
    """The copy's migration revision, its row counts, and the storage keys it names."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        counts = {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("contacts", "messages", "files", "events", "agents", "services")
        }
        counts["event_head"] = int(
            conn.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()[0]
        )
        keys = [
            key
            for row in conn.execute("SELECT storage_key, thumb_key FROM files ORDER BY id")
            for key in row
            if key is not None
        ]
        return str(revision), counts, keys
    except sqlite3.Error as exc:
        raise BackupError(f"{database} is not a Sportello database: {exc}") from exc
    finally:
        conn.close()
