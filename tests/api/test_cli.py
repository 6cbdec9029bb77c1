"""The `sportello` command: migrate, admin commands, and a served OpenAPI document."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.api.test_sign_out import ended
from tests.support.clients import AgentClient, VisitorClient
from tests.support.server import ServerProcess


def sportello(
    *args: str, db: str, tmp_path: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sportello.cli", *args, "--database-url", db],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "SPORTELLO_DATA_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            # the code under test (a worktree's src/), not only the installed package
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        },
        check=False,
        input=stdin,
    )


def test_admin_commands_create_what_the_server_then_uses(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    assert sportello("migrate", db=db, tmp_path=tmp_path).returncode == 0
    made = sportello(
        "create-service",
        "Billing",
        "--tag",
        "billing",
        "--dissuasion",
        "45",
        "--site",
        "https://shop.example",
        db=db,
        tmp_path=tmp_path,
    )
    assert made.returncode == 0 and "service 'Billing' created" in made.stdout
    made = sportello(
        "create-agent",
        "zoe",
        "--name",
        "Zoe Z",
        "--password",
        "zoe-secret-1",
        "--tag",
        "billing",
        db=db,
        tmp_path=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    again = sportello("create-agent", "zoe", "--password", "zoe-secret-1", db=db, tmp_path=tmp_path)
    assert again.returncode == 1 and "duplicate" in again.stderr
    bad = sportello("create-service", "Slow", "--dissuasion", "2", db=db, tmp_path=tmp_path)
    assert bad.returncode == 1 and "invalid_input" in bad.stderr
    group = ("create-transfer-group", "Billing desk", "--tag", "billing", "--all")
    made = sportello(*group, "--priority", "3", db=db, tmp_path=tmp_path)
    assert made.returncode == 0 and "transfer group 'Billing desk' created" in made.stdout
    again = sportello(*group, db=db, tmp_path=tmp_path)  # it was stored
    assert again.returncode == 1 and "duplicate" in again.stderr

    server = ServerProcess(db, data_dir=tmp_path)
    server.start()
    try:
        login = httpx.post(
            f"{server.url}/api/auth/login", json={"login": "zoe", "password": "zoe-secret-1"}
        )
        assert login.status_code == 200 and login.json()["agent"]["tags"] == ["billing"]
        spec = httpx.get(f"{server.url}/openapi.json").json()
        for path in (
            "/api/visitor/contacts",
            "/api/contacts/{contact_id}/accept",
            "/api/me/status",
            "/api/admin/transfer-groups",
            "/api/contacts/{contact_id}/transfer",
        ):
            assert path in spec["paths"], path
    finally:
        server.stop()


def test_bad_settings_stop_the_command_with_a_message(tmp_path: Path) -> None:
    result = sportello("migrate", db="mysql://nope", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "database_url" in result.stderr


def test_several_workers_are_refused_without_postgresql_and_redis(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'one.sqlite3'}"
    result = sportello("serve", "--workers", "2", db=db, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--workers needs the scale-out mode" in result.stderr
    assert not (tmp_path / "one.sqlite3").exists()  # refused before migrating anything


def test_translation_pairs_lists_what_apertium_can_do(tmp_path: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "sportello.cli", "translation-pairs"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "SPORTELLO_DATA_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            # the code under test (a worktree's src/), not only the installed package
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        },
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "engine: apertium"
    assert "es -> en" in lines and "en -> es" in lines
    assert "en -> it (through es, lower quality)" in lines
    off = subprocess.run(
        [sys.executable, "-m", "sportello.cli", "translation-pairs"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "SPORTELLO_DATA_DIR": str(tmp_path),
            "SPORTELLO_TRANSLATION_ENGINE": "off",
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )
    assert off.returncode == 1 and "no pairs available" in off.stdout


async def test_account_emergencies_from_the_command_reach_the_running_server(
    tmp_path: Path,
) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"

    async def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(sportello, *args, db=db, tmp_path=tmp_path, stdin=stdin)

    made = await run("create-agent", "ann", "--password", "ann-password", "--role", "admin")
    assert made.returncode == 0, made.stderr
    server = ServerProcess(db, data_dir=tmp_path)
    server.start()
    bob = AgentClient(server.url, server.ws_url, "bob", "bob-password")
    ann = AgentClient(server.url, server.ws_url, "ann", "ann-password")
    visitor = VisitorClient(server.url, server.ws_url)
    try:
        await ann.sign_in()
        service = await ann.post("/api/admin/services", {"name": "Sales"})
        agent = {"login": "bob", "password": "bob-password", "display_name": "Bob"}
        assert (await ann.post("/api/admin/agents", agent)).status_code == 201
        await bob.sign_in()
        console = await bob.open_console()
        await visitor.request(service.json()["id"])
        assert (await bob.accept(visitor.contact_id)).status_code == 200
        widget = await visitor.open_widget()

        disabled = await run("disable-agent", "bob")
        assert disabled.returncode == 0, disabled.stderr
        assert "agent bob disabled; 1 contact(s) handed back" in disabled.stdout
        requeued = await widget.wait_event("contact.requeued")  # another process wrote it
        assert requeued["data"]["reason"] == "agent_disabled"
        assert await ended(console) == 4401
        login = {"login": "bob", "password": "bob-password"}
        refused = await bob.http.post("/api/auth/login", json=login)
        assert refused.json()["code"] == "account_disabled"

        reset = await run("reset-password", "bob")
        assert reset.returncode == 0, reset.stderr
        one_time = reset.stdout.splitlines()[-1]
        assert len(one_time) >= 12 and "bob-password" not in reset.stdout
        assert (await run("enable-agent", "bob")).returncode == 0
        old = await bob.http.post("/api/auth/login", json=login)
        assert old.status_code == 401
        bob.password = one_time
        await bob.sign_in()
        typed = await run("reset-password", "bob", "--stdin", stdin="typed-password-9\n")
        assert typed.returncode == 0 and "typed-password-9" not in typed.stdout
        bob.password = "typed-password-9"
        await bob.sign_in()
        unknown = await run("disable-agent", "nobody")
        assert unknown.returncode == 1 and "not_found" in unknown.stderr

        audit = (await ann.http.get("/api/admin/audit", params={"target_kind": "agent"})).json()
        rows = [(r["action"], r["actor"], r["after"]) for r in audit["items"]]
        command = {"id": None, "login": "sportello command"}
        assert rows[:4] == [
            ("agent.password_reset", command, {"password": "reset"}),
            ("agent.changed", command, {"enabled": True}),
            ("agent.password_reset", command, {"password": "reset"}),
            ("agent.changed", command, {"enabled": False}),
        ]
    finally:
        for client in (bob, ann, visitor):
            await client.aclose()
        server.stop()


async def test_erase_visitor_removes_a_person_by_address(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'erase.sqlite3'}"
    assert sportello("migrate", db=db, tmp_path=tmp_path).returncode == 0
    made = sportello("create-service", "Help", db=db, tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    server = ServerProcess(db, data_dir=tmp_path)
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            left = await http.post(
                "/api/visitor/left-messages",
                json={"name": "Ida", "email": "ida@example.org", "text": "call me back"},
            )
            assert left.status_code == 201, left.text
    finally:
        server.stop()
    both = sportello(
        "erase-visitor", "--email", "x@y.z", "--visitor-id", "abc", db=db, tmp_path=tmp_path
    )
    assert both.returncode == 2 and "not allowed with" in both.stderr
    erased = sportello("erase-visitor", "--email", "IDA@example.org", db=db, tmp_path=tmp_path)
    assert erased.returncode == 0, erased.stderr
    assert "1 left message(s)" in erased.stdout
    again = sportello("erase-visitor", "--email", "ida@example.org", db=db, tmp_path=tmp_path)
    assert "0 left message(s)" in again.stdout
