"""Verified identity: a site whose visitors are signed in vouches for who they are.

The site signs ``user_id``, ``name``, ``email`` and ``issued_at`` (Unix seconds) with the
service's identity secret (HMAC-SHA256, hex), and the widget passes the claim with the
contact request. The signed text is the four values joined by newlines, in that order::

    "{user_id}\\n{name}\\n{email}\\n{issued_at}"

so no field may hold a newline. A claim is honoured only when the service has a secret,
the signature matches it, and ``issued_at`` is within ``max_age`` seconds of now (either
side: a clock a little ahead is no reason to refuse, a claim from tomorrow is). Anything
else is *not verified*, with a reason for the log, and never an error: the visitor goes on
as anyone would (docs/integrations.md)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

USER_ID_MAX = 200
NAME_MAX = 120
EMAIL_MAX = 200
SIGNATURE_LENGTH = 64
SECRET_BYTES = 32


@dataclass(frozen=True)
class VerifiedIdentity:
    user_id: str
    name: str
    email: str


@dataclass(frozen=True)
class Unverified:
    reason: str
    """``no_secret``, ``malformed``, ``expired``, ``bad_signature`` (for the debug log)."""


def new_secret() -> str:
    """A fresh per-service secret (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def signed_text(user_id: str, name: str, email: str, issued_at: int) -> bytes:
    return f"{user_id}\n{name}\n{email}\n{issued_at}".encode()


def sign_identity(secret: str, user_id: str, name: str, email: str, issued_at: int) -> str:
    """What the site computes on its server (and the tests, to make claims)."""
    text = signed_text(user_id, name, email, issued_at)
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()


def _text(claim: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str | None:
    value = claim.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or "\n" in value or "\r" in value:
        return None
    if required and not value.strip():
        return None
    return value


def verify_identity(
    secret: str | None, claim: dict[str, Any], now: float, max_age: int
) -> VerifiedIdentity | Unverified:
    """The identity the claim proves, or why it proves none."""
    if not secret:
        return Unverified("no_secret")
    user_id = _text(claim, "user_id", USER_ID_MAX, required=True)
    name = _text(claim, "name", NAME_MAX)
    email = _text(claim, "email", EMAIL_MAX)
    issued_at = claim.get("issued_at")
    signature = claim.get("signature")
    if (
        user_id is None
        or name is None
        or email is None
        or isinstance(issued_at, bool)
        or not isinstance(issued_at, int)
        or not isinstance(signature, str)
        or len(signature) != SIGNATURE_LENGTH
    ):
        return Unverified("malformed")
    expected = sign_identity(secret, user_id, name, email, issued_at)
    if not hmac.compare_digest(expected, signature.lower()):
        return Unverified("bad_signature")
    if abs(now - issued_at) > max_age:
        return Unverified("expired")
    return VerifiedIdentity(user_id=user_id, name=name.strip(), email=email.strip())
