"""``sportello webhooks …``: the same actions as the admin API, from the shell."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.test_cli import sportello


def test_webhooks_are_managed_from_the_command(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"

    def run(*args: str) -> tuple[int, str, str]:
        done = sportello("webhooks", *args, db=db, tmp_path=tmp_path)
        return done.returncode, done.stdout, done.stderr

    code, out, _ = run(
        "add", "https://crm.example/hook", "--kind", "message.*", "--kind", "contact.closed"
    )
    assert code == 0, out
    assert "its secret, shown once: " in out
    code, _, err = run("add", "http://127.0.0.1:9/hook")
    assert code == 1 and "webhook_url_refused" in err
    code, _, err = run("add", "https://crm.example/hook", "--secret", "short")
    assert code == 1 and "invalid_input" in err
    code, out, _ = run("change", "1", "--no-enabled", "--agent-side")
    assert code == 0 and "disabled agent-side" in out
    code, out, _ = run("replay", "1", "--from", "1")
    assert code == 0
    code, out, _ = run("list", "--json")
    [hook] = json.loads(out)
    assert hook["url"] == "https://crm.example/hook"
    assert hook["kinds"] == ["contact.closed", "message.*"]
    assert (hook["enabled"], hook["agent_side"], hook["state"]) == (False, True, "active")
    assert "secret" not in hook
    assert run("remove", "1")[0] == 0
    code, _, err = run("remove", "1")
    assert code == 1 and "not_found" in err
