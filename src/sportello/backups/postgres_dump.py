"""PostgreSQL's half of a backup: ``pg_dump``/``pg_restore`` (custom format) when installed.

The dump is one consistent snapshot (pg_dump's own transaction); the revision, counts and
storage keys are read just after it, so the files copied afterwards include every file the
dump names, and the counts are those of a moment after the dump.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from sportello.config import Settings
from sportello.storage import tables
from sportello.storage.database import Database

from .manifest import BackupError

TABLES = {
    "contacts": tables.contacts,
    "messages": tables.messages,
    "files": tables.files,
    "events": tables.events,
    "agents": tables.agents,
    "services": tables.services,
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools "
            "(Debian: postgresql-client), or back the database up yourself "
            "(docs/operations.md, Backups)"
        )
    return path


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes in PGPASSWORD, out of the process list)."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def dump_postgresql(database_url: str, target: Path) -> None:
    dbname, env = _libpq(database_url)
    _run([_tool("pg_dump"), "--format=custom", "--file", str(target), "--dbname", dbname], env)


def restore_postgresql(database_url: str, dump: Path) -> None:
    """Into the configured database: its Sportello objects are dropped and recreated."""
    dbname, env = _libpq(database_url)
    command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*command, "--dbname", dbname, str(dump)], env)


def read_postgresql_facts(settings: Settings) -> tuple[str, dict[str, int], list[str]]:
    async def read() -> tuple[str, dict[str, int], list[str]]:
        db = Database(settings.database_url)
        try:
            async with db.read() as conn:
                revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
                counts = {
                    name: int(await conn.scalar(select(func.count()).select_from(table)) or 0)
                    for name, table in TABLES.items()
                }
                head = await conn.scalar(select(func.max(tables.events.c.position)))
                counts["event_head"] = int(head or 0)
                rows = await conn.execute(
                    select(tables.files.c.storage_key, tables.files.c.thumb_key).order_by(
                        tables.files.c.id
                    )
                )
                keys = [key for row in rows for key in row if key is not None]
        finally:
            await db.dispose()
        return str(revision), counts, keys

    return asyncio.run(read())


async def has_tables(database_url: str) -> bool:
    """Whether the configured PostgreSQL database already holds Sportello's tables."""
    db = Database(database_url)
    try:
        async with db.read() as conn:
            found = await conn.scalar(select(func.to_regclass("public.contacts")))
    finally:
        await db.dispose()
    return found is not None
