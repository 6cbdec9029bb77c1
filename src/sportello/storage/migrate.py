"""Run Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``. Safe to run on every start."""
    if database_url.startswith("sqlite"):
        _ensure_sqlite_dir(database_url)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(alembic_config(database_url), revision)
        return
    raise RuntimeError("call upgrade() outside the event loop")


def _ensure_sqlite_dir(database_url: str) -> None:
    path = database_url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def head_revisions() -> frozenset[str]:
    """The revisions a database at head records in ``alembic_version``."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def known_revisions() -> frozenset[str]:
    """Every revision this code's migrations know (a backup from another one is newer)."""
    from alembic.script import ScriptDirectory

    return frozenset(rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions())
