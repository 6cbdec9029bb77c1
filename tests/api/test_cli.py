"""The `sportello` command: migrate, admin commands, and a served OpenAPI document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.server import ServerProcess


def sportello(*args: str, db: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sportello.cli", *args, "--database-url", db],
        capture_output=True,
        text=True,
        timeout=60,
        env={"SPORTELLO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
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


def test_translation_pairs_lists_what_apertium_can_do(tmp_path: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "sportello.cli", "translation-pairs"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"SPORTELLO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
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
