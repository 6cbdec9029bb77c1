"""Pure rules of webhooks: which events an endpoint gets, how a delivery is signed, when to
try again and when to park, and which addresses may be called."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from urllib.parse import urlsplit

MAX_DELAY = 3600.0

AGENT_SIDE_KINDS = ("note.*", "whisper", "whisper.*")
"""Private notes and whispers: only for an endpoint that asks for agent-side events."""

KIND_PATTERN = re.compile(r"^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$")
"""``*``, an exact kind (``contact.closed``) or a family (``message.*``)."""


def kind_matches(pattern: str, kind: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return kind.startswith(pattern[:-1])
    return kind == pattern


def wanted(kinds: list[str], agent_side: bool, kind: str) -> bool:
    """Whether an endpoint asking for ``kinds`` is sent an event of ``kind``."""
    if not agent_side and any(kind_matches(p, kind) for p in AGENT_SIDE_KINDS):
        return False
    return any(kind_matches(p, kind) for p in kinds)


def delivery_id(endpoint_id: int, position: int) -> str:
    """The same for every attempt of one event to one endpoint: the receiver's de-dup key."""
    return f"{endpoint_id}-{position}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``<timestamp>.<body>`` under the endpoint's secret, in hex."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def retry_delay(attempts: int, first: float, jitter: float) -> float:
    """Exponential backoff: ``first`` after the first failure, doubling after each one, at
    most an hour; ``jitter`` (0 to 1, drawn by the caller) takes up to half of it away so
    endpoints failing together do not come back in step."""
    full = min(first * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return float(full * (1.0 - 0.5 * jitter))


def should_park(first_failed_at: float, now: float, window: float) -> bool:
    """Give up on the event at the cursor once it has failed for longer than the window."""
    return now - first_failed_at >= window


def url_problem(url: str) -> str | None:
    """Why a URL cannot be an endpoint's (None: it can, as far as its text goes)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https"):
        return "only http and https URLs"
    if not parts.hostname:
        return "the URL names no host"
    if parts.username or parts.password:
        return "credentials in the URL are not allowed (use the secret)"
    return None


def address_refused(address: str) -> bool:
    """Loopback, link-local, private, shared, multicast, reserved or unspecified: not the
    public internet (server-side request forgery)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def literal_address(host: str) -> str | None:
    """The address a host names when it is an IP literal, else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None
