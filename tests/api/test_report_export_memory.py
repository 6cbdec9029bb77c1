"""The contacts CSV streams page by page: the memory it needs does not grow with the rows."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from bench.history import write_history

from sportello.actions.agent_accounts import do_create_agent
from sportello.actions.context import Ctx
from sportello.actions.services import do_create_service
from sportello.config import Settings
from sportello.reports.contacts_list import ContactFilter
from sportello.reports.export import CHUNK, contacts_csv
from sportello.reports.scope import ReportScope
from sportello.storage.database import Database


async def _export_peak(db: Database) -> tuple[int, int]:
    """(rows exported, peak bytes allocated while exporting them)."""
    tracemalloc.start()
    rows = 0
    async for chunk in contacts_csv(db, ReportScope(True, frozenset(), 0), ContactFilter()):
        rows += chunk.count("\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows - 1, peak  # less the header


async def test_exporting_four_times_the_rows_needs_no_more_memory(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'export.sqlite3'}"
    db = Database(url)
    await db.create_all()
    ctx = Ctx(settings=Settings(database_url=url, secret_key="x"), db=db)
    service = await do_create_service(ctx, name="Sales", tags_=["sales"])
    agent = await do_create_agent(
        ctx, login="ann", password="ann-password-1", display_name="Ann", tags_=["sales"]
    )
    people = [{"id": agent["id"], "service_id": service["id"]}]
    small, large = 2 * CHUNK, 8 * CHUNK
    await write_history(url, people, small, time.time(), seed=1)
    await _export_peak(db)  # warm: compiled statements, caches
    rows, small_peak = await _export_peak(db)
    assert rows == small
    await write_history(url, people, large - small, time.time(), seed=2)
    rows, large_peak = await _export_peak(db)
    assert rows == large
    # A whole export held in memory would take four times as much; one page at a time, the same.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
    await db.dispose()
