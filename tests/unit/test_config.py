"""Settings: environment, TOML file, validation with clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from sportello.config import ConfigError, load_settings


def test_defaults_run_on_sqlite_without_any_service(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.is_sqlite
    assert settings.redis_url is None
    assert settings.max_message_chars == 10_000
    assert settings.agent_grace_seconds == 60
    assert (tmp_path / "secret.key").read_text() == settings.secret_key
    assert load_settings(data_dir=tmp_path).secret_key == settings.secret_key


def test_environment_beats_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "sportello.toml"
    config.write_text('port = 9001\nidle_seconds = 120\nsecret_key = "from-file"\n')
    monkeypatch.setenv("SPORTELLO_CONFIG", str(config))
    monkeypatch.setenv("SPORTELLO_PORT", "9002")
    settings = load_settings(data_dir=tmp_path)
    assert (settings.port, settings.idle_seconds, settings.secret_key) == (9002, 120, "from-file")


@pytest.mark.parametrize(
    ("env", "value", "fragment"),
    [
        (
            "SPORTELLO_IDLE_SECONDS",
            "30",
            "idle_seconds: Value error, must be 0 (off) or between 60",
        ),
        ("SPORTELLO_PORT", "http", "port: Input should be a valid integer"),
        ("SPORTELLO_DATABASE_URL", "mysql://x", "database_url: Value error, use sqlite+aiosqlite"),
        ("SPORTELLO_AGENT_GRACE_SECONDS", "5", "agent_grace_seconds: Input should be greater"),
    ],
)
def test_invalid_settings_fail_at_start_with_a_clear_message(
    env: str, value: str, fragment: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(data_dir=tmp_path)
    assert fragment in str(caught.value)


def test_unknown_key_in_toml_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "sportello.toml"
    config.write_text("prot = 1\n")
    monkeypatch.setenv("SPORTELLO_CONFIG", str(config))
    with pytest.raises(ConfigError, match="prot: Extra inputs are not permitted"):
        load_settings(data_dir=tmp_path)
