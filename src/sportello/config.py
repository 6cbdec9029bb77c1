"""Settings from SPORTELLO_* environment variables and an optional TOML file.

Precedence: explicit keyword arguments, then environment variables, then the TOML file
named by ``SPORTELLO_CONFIG`` (keys are the setting names in lower case), then defaults.
Everything is validated at start so a typo fails loudly instead of at first use.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sportello.domain.proxies import parse_networks

DENIED_TYPES = (
    "application/x-dosexec",
    "application/x-msdownload",
    "application/vnd.microsoft.portable-executable",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-pie-executable",
    "application/x-mach-binary",
    "application/x-msi",
)
"""Programs: refused by default (``SPORTELLO_UPLOAD_DENIED_TYPES`` replaces the list)."""


class ConfigError(Exception):
    """The settings are invalid; the message says which and why."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPORTELLO_", extra="forbid")

    database_url: str = "sqlite+aiosqlite:///sportello.sqlite3"
    redis_url: str | None = None
    database_writers: int = Field(default=2, ge=1, le=32)
    """PostgreSQL: write transactions one process runs at once (SQLite has one writer)."""
    host: str = "127.0.0.1"
    port: int = Field(default=8300, ge=1, le=65535)
    public_url: str | None = None
    secret_key: str = Field(default="", description="HMAC key for visitor tokens")
    data_dir: Path = Path("var")
    session_days: int = Field(default=7, ge=1, le=365)
    visitor_token_hours: int = Field(default=24, ge=1, le=24 * 30)
    agent_grace_seconds: int = Field(default=60, ge=10, le=600)
    visitor_grace_seconds: int = Field(default=60, ge=10, le=600)
    call_reconnect_seconds: int = Field(default=20, ge=1, le=300)
    node_dead_seconds: int = Field(default=45, ge=3, le=600)
    drain_seconds: int = Field(default=0, ge=0, le=600)
    """After SIGTERM: answer ``/health/ready`` with 503 for this long, still serving, before
    closing (a load balancer's health checks take the process out of rotation meanwhile)."""
    transfer_timeout_seconds: int = Field(default=60, ge=10, le=600)
    idle_seconds: int = Field(default=60)
    ended_panel_seconds: int = Field(default=300, ge=0, le=12 * 3600)
    max_message_chars: int = Field(default=10_000, ge=1, le=100_000)
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    upload_denied_types: list[str] = Field(default_factory=lambda: list(DENIED_TYPES))
    upload_visitor_bytes: int = Field(default=50 * 1024 * 1024, ge=0)
    """What a visitor may upload in one contact, all files together (0: no budget)."""
    files_dir: Path | None = None
    replay_limit: int = Field(default=10_000, ge=100)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)
    allowed_console_origins: list[str] = Field(default_factory=list)
    trusted_proxies: list[str] = Field(default_factory=list)
    """Reverse proxies (IPs, CIDRs) whose ``X-Forwarded-For``/``-Proto`` are believed
    (domain/proxies.py); none by default: the socket's peer is the client."""
    geoip_database: Path | None = None
    """A MaxMind/DB-IP country ``.mmdb`` used instead of the bundled IP-to-country data."""
    rate_contacts_per_minute: int = Field(default=20, ge=0)
    rate_left_messages_per_minute: int = Field(default=5, ge=0)
    rate_messages_per_minute: int = Field(default=60, ge=0)
    rate_ip_messages_per_minute: int = Field(default=600, ge=0)
    rate_call_signals_per_minute: int = Field(default=600, ge=0)
    rate_translation_previews_per_minute: int = Field(default=120, ge=0)
    intake_max_in_flight: int = Field(default=32, ge=0)
    """Contact requests one process works on at once; more answer ``overloaded`` (0: no bound)."""
    intake_retry_after_seconds: int = Field(default=2, ge=1, le=60)
    log_level: str = "info"
    log_format: Literal["text", "json"] = "text"
    """``json``: one object per line for a log collector (sportello/log_format.py)."""
    translation_engine: Literal["apertium", "libretranslate", "deepl", "off"] = "apertium"
    translation_languages: list[str] = Field(
        default_factory=lambda: ["en", "es", "it", "fr", "pt", "ca"]
    )
    translation_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    translation_concurrency: int = Field(default=16, ge=1, le=256)
    translation_queue_limit: int = Field(default=200, ge=1)
    """Translations waiting or under way at once per process; more fail at once (``busy``)."""
    translation_cache_size: int = Field(default=10_000, ge=0)
    apertium_modes_dir: Path = Path("/usr/share/apertium/modes")
    apertium_pipelines: int = Field(default=2, ge=1, le=16)
    libretranslate_url: str = "http://127.0.0.1:5000"
    libretranslate_api_key: str | None = None
    deepl_url: str = "https://api-free.deepl.com"
    deepl_api_key: str | None = None
    stun_urls: list[str] = Field(default_factory=list)
    turn_urls: list[str] = Field(default_factory=list)
    turn_secret: str | None = None
    turn_ttl_seconds: int = Field(default=3600, ge=60, le=86_400)
    ice_transport_policy: Literal["all", "relay"] = "all"
    metrics_token: str | None = None
    # E-mail (transcripts): nothing is sent while smtp_host is unset; requests wait in the
    # outbox and go out once it is set (docs/operations.md, E-mail).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Sportello <noreply@localhost>"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    mail_max_attempts: int = Field(default=8, ge=1, le=50)
    mail_retry_seconds: float = Field(default=30.0, gt=0, le=3600)
    """The first retry's delay; each further retry waits twice as long (at most an hour)."""
    # Webhooks (docs/integrations.md): each endpoint a consumer of the event stream.
    webhooks_allow_private: bool = False
    """Let endpoints be on loopback, link-local or private addresses (off: refused, after
    DNS resolution too)."""
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhooks_retry_seconds: float = Field(default=5.0, gt=0, le=3600)
    """The first retry's delay; each further one waits twice as long (at most an hour), less
    a random part of up to half."""
    webhooks_park_after_seconds: float = Field(default=86_400.0, gt=0)
    """How long an event may keep failing before its endpoint is parked."""
    webhooks_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    """How often an idle endpoint looks for new events, and an unleased one for a process."""
    same_agent_seconds: int = Field(default=15, ge=0, le=300)
    """"Start a new conversation" is offered to the previous agent alone this long (0: off)."""
    identity_max_age_seconds: int = Field(default=600, ge=30, le=86_400)
    """A visitor's signed identity claim is honoured this long either side of its
    ``issued_at`` (domain/identity.py)."""

    @field_validator("idle_seconds")
    @classmethod
    def _idle_range(cls, value: int) -> int:
        if value != 0 and not 60 <= value <= 600:
            raise ValueError("must be 0 (off) or between 60 and 600")
        return value

    @field_validator("translation_languages")
    @classmethod
    def _iso_codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not (len(code) == 2 and code.isascii() and code.isalpha() and code.islower()):
                raise ValueError(f"{code!r} is not a two-letter ISO 639-1 code")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        parse_networks(value)
        return value

    @field_validator("geoip_database")
    @classmethod
    def _database_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @property
    def translation_hold_seconds(self) -> float:
        """How long an agent message may wait for its translation before the visitor gets the
        original anyway (the engine's timeout plus a margin for a lost worker)."""
        return self.translation_timeout_seconds + 5.0

    @property
    def files_root(self) -> Path:
        return self.files_dir or self.data_dir / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: Any) -> Settings:
    """Build settings, reading the TOML file named by SPORTELLO_CONFIG if set."""
    file_values: dict[str, Any] = {}
    path = os.environ.get("SPORTELLO_CONFIG")
    if path:
        try:
            file_values = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    env_names = {
        name for name in Settings.model_fields if f"SPORTELLO_{name.upper()}" in os.environ
    }
    merged = {k: v for k, v in file_values.items() if k not in env_names}
    merged.update(overrides)
    try:
        settings = Settings(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
    if not settings.secret_key:
        settings.secret_key = _persistent_secret(settings.data_dir)
    return settings


def _persistent_secret(data_dir: Path) -> str:
    """A random key kept in the data dir so visitor tokens survive a restart."""
    import secrets

    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
