"""`sportello backup` under traffic, `sportello restore`, and the backups restore refuses."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from sportello.cli import main
from sportello.storage.database import Database
from sportello.storage.migrate import head_revisions, upgrade
from sportello.storage.tables import agents
from tests.support.clients import AgentClient, VisitorClient
from tests.support.files import PDF
from tests.support.postgres import ThrowawayPostgres
from tests.support.seed import seed, seed_async
from tests.support.server import ServerProcess


def sportello(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sportello.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "SPORTELLO_DATA_DIR": str(data_dir),
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        },
        check=False,
    )


def consistency_problems(path: Path) -> list[str]:
    """What is wrong with a restored database: SQLite's checks, and the stream against the
    rows it reports on (every message has its event, every event's contact exists, the
    positions run without a gap up to the head)."""
    conn = sqlite3.connect(path)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        unannounced = conn.execute(
            "SELECT id FROM messages WHERE id NOT IN (SELECT json_extract(payload, "
            "'$.message.id') FROM events WHERE kind = 'message.created')"
        ).fetchall()
        problems += [f"message {row[0]} has no message.created event" for row in unannounced]
        orphans = conn.execute(
            "SELECT position FROM events WHERE contact_id IS NOT NULL "
            "AND contact_id NOT IN (SELECT id FROM contacts)"
        ).fetchall()
        problems += [f"event {row[0]} names no stored contact" for row in orphans]
        positions = [row[0] for row in conn.execute("SELECT position FROM events ORDER BY 1")]
        if positions != list(range(1, len(positions) + 1)):
            problems.append("the event positions have a gap")
        return problems
    finally:
        conn.close()


async def test_a_backup_taken_during_traffic_restores_every_acknowledged_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live_dir, restored_dir = tmp_path / "live", tmp_path / "restored"
    live_dir.mkdir()
    live = f"sqlite+aiosqlite:///{live_dir / 'sportello.sqlite3'}"
    seeded = await seed_async(live)
    server = ServerProcess(live, data_dir=live_dir)
    server.start()
    ann = AgentClient(server.url, server.ws_url, "ann", seeded.passwords["ann"])
    visitor = VisitorClient(server.url, server.ws_url)
    try:
        await ann.sign_in()
        console = await ann.open_console()
        await visitor.request(seeded.services["Sales"]["id"])
        assert (await ann.accept(visitor.contact_id)).status_code == 200
        sent = await visitor.http.post(
            "/api/visitor/contact/files", params={"name": "invoice.pdf"}, content=PDF
        )
        assert sent.status_code == 201, sent.text

        acked: list[int] = []
        backup_done, warmed_up = asyncio.Event(), asyncio.Event()

        async def chat() -> None:
            i = 0
            while not backup_done.is_set():
                speaker = visitor.say(f"v{i}") if i % 2 else ann.say(visitor.contact_id, f"a{i}")
                response = await speaker
                assert response.status_code in (200, 201), response.text
                acked.append(int(response.json()["id"]))
                if len(acked) == 20:
                    warmed_up.set()
                i += 1
                await asyncio.sleep(0.02)  # a busy chat, leaving the machine's cores to the rest

        traffic = asyncio.create_task(chat())
        await asyncio.wait_for(warmed_up.wait(), 30)
        acked_before = set(acked)
        # one page a step: the chat commits many times while the copy runs
        taken = await asyncio.to_thread(
            sportello,
            *("backup", str(tmp_path / "backup"), "--database-url", live),
            *("--pages", "1", "--pause-ms", "1"),
            data_dir=live_dir,
        )
        backup_done.set()
        await traffic
        assert taken.returncode == 0, taken.stderr
        await console.close()
        over_live = ["restore", str(tmp_path / "backup"), "--database-url", live, "--force"]
        monkeypatch.setenv("SPORTELLO_DATA_DIR", str(live_dir))
        assert await asyncio.to_thread(main, over_live) == 1
        assert "open in another process (a server still running?)" in capsys.readouterr().err
    finally:
        await ann.aclose()
        await visitor.aclose()
        server.stop()

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["counts"]["messages"] >= len(acked_before)
    assert len(manifest["files"]) == 1 and manifest["missing_files"] == []

    restored = f"sqlite+aiosqlite:///{restored_dir / 'sportello.sqlite3'}"
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(restored_dir))
    restore = ["restore", str(tmp_path / "backup"), "--database-url", restored]
    assert await asyncio.to_thread(main, restore) == 0
    assert consistency_problems(restored_dir / "sportello.sqlite3") == []
    conn = sqlite3.connect(restored_dir / "sportello.sqlite3")
    stored = {row[0] for row in conn.execute("SELECT id FROM messages WHERE file IS NULL")}
    [(key,)] = conn.execute("SELECT storage_key FROM files").fetchall()
    (head,) = conn.execute("SELECT max(position) FROM events").fetchone()
    conn.close()
    assert acked_before <= stored <= set(acked)
    assert head == manifest["counts"]["event_head"]
    assert (restored_dir / "files" / key[:2] / key).read_bytes() == PDF


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().err


def test_restore_refuses_to_overwrite_a_newer_or_a_damaged_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(tmp_path / "data"))
    old = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(old, "0021")  # a backup from an older version
    assert run(capsys, "backup", str(tmp_path / "backup"), "--database-url", old)[0] == 0
    status, err = run(capsys, "backup", str(tmp_path / "backup"), "--database-url", old)
    assert status == 1 and "exists and is not empty" in err
    fresh = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"

    assert run(capsys, "restore", str(tmp_path / "backup"), "--database-url", fresh)[0] == 0
    conn = sqlite3.connect(tmp_path / "fresh.sqlite3")
    (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    conn.close()
    assert {revision} == head_revisions()  # migrated up after the restore

    status, err = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", old)
    assert status == 1 and "refusing to overwrite the database" in err and "--force" in err
    status, _ = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", old, "--force")
    assert status == 0

    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "revision": "9999"}))
    target = f"sqlite+aiosqlite:///{tmp_path / 'target.sqlite3'}"
    status, err = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", target)
    assert status == 1 and "newer Sportello" in err and "9999" in err

    outside = {"path": "files/../escape", "size": 1, "sha256": "0" * 64}
    manifest_path.write_text(json.dumps({**manifest, "files": [outside]}))
    status, err = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", target)
    assert status == 1 and "odd file path" in err

    manifest_path.write_text(json.dumps(manifest))
    with (tmp_path / "backup" / "database.sqlite3").open("r+b") as database:
        database.seek(5000)
        database.write(b"\xff")
    status, err = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", target)
    assert status == 1 and "database.sqlite3 does not match its checksum" in err
    manifest_path.unlink()  # an interrupted copy
    status, err = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", target)
    assert status == 1 and "not a complete backup" in err
    assert not (tmp_path / "target.sqlite3").exists()


def test_postgresql_is_dumped_and_restored_with_its_client_tools(
    postgres: ThrowawayPostgres,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(tmp_path / "data"))
    for name in ("bk_live", "bk_restored"):
        postgres.psql(f"DROP DATABASE IF EXISTS {name}")
        postgres.psql(f"CREATE DATABASE {name}")
    live, restored = postgres.url("bk_live"), postgres.url("bk_restored")
    seed(live)
    assert run(capsys, "backup", str(tmp_path / "backup"), "--database-url", live)[0] == 0
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database_kind"] == "postgresql" and manifest["counts"]["agents"] == 3

    assert run(capsys, "restore", str(tmp_path / "backup"), "--database-url", restored)[0] == 0
    assert asyncio.run(agent_logins(restored)) == ["ann", "bob", "cyd"]
    status, err = run(capsys, "restore", str(tmp_path / "backup"), "--database-url", restored)
    assert status == 1 and "refusing to overwrite the PostgreSQL database" in err
    forced = ("restore", str(tmp_path / "backup"), "--database-url", restored, "--force")
    assert run(capsys, *forced)[0] == 0
    assert asyncio.run(agent_logins(restored)) == ["ann", "bob", "cyd"]


async def agent_logins(database_url: str) -> list[str]:
    db = Database(database_url)
    try:
        async with db.read() as conn:
            return list(await conn.scalars(select(agents.c.login).order_by(agents.c.login)))
    finally:
        await db.dispose()
