"""Opaque agent session tokens (stored hashed), signed visitor tokens scoped to one contact,
and signed one-use handoff codes that carry a contact to another site."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

import orjson

from sportello.domain.principals import VisitorPrincipal
from sportello.errors import HandoffRefusedError, NotAuthenticatedError, TokenExpiredError


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signed(secret: str, purpose: bytes, claims: dict[str, object]) -> str:
    body = _b64(orjson.dumps(claims))
    mac = hmac.new(secret.encode(), purpose + body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def _claims(secret: str, purpose: bytes, signed: str) -> dict[str, object]:
    """The claims of a string ``_signed`` made for ``purpose``; ValueError when it was not."""
    body, mac = signed.split(".", 1)
    expected = hmac.new(secret.encode(), purpose + body.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _unb64(mac)):
        raise ValueError("bad signature")
    claims = orjson.loads(_unb64(body))
    if not isinstance(claims, dict):
        raise ValueError("not a claims object")
    return claims


VISITOR_PURPOSE = b""
"""Visitor tokens sign their body alone (as they always have: issued tokens stay valid)."""
HANDOFF_PURPOSE = b"handoff:"
"""Signed into a handoff code's MAC, so a code is never a visitor token nor one a code."""

_UNREADABLE = (ValueError, KeyError, TypeError, orjson.JSONDecodeError)


def sign_visitor_token(secret: str, contact_id: int, visitor_id: str, expires_at: float) -> str:
    claims = {"c": contact_id, "v": visitor_id, "e": int(expires_at)}
    return _signed(secret, VISITOR_PURPOSE, claims)


def sign_handoff_code(secret: str, contact_id: int, nonce: str, expires_at: float) -> str:
    return _signed(secret, HANDOFF_PURPOSE, {"h": contact_id, "n": nonce, "e": int(expires_at)})


def read_handoff_code(secret: str, code: str, now: float) -> tuple[int, str]:
    """The contact and nonce a handoff code names; refused when forged or past its time."""
    try:
        claims: dict[str, Any] = _claims(secret, HANDOFF_PURPOSE, code)
        contact_id, nonce, expires = int(claims["h"]), str(claims["n"]), float(claims["e"])
    except _UNREADABLE as exc:
        raise HandoffRefusedError("this handoff code is not valid") from exc
    if expires < now:
        raise HandoffRefusedError("this handoff code has expired")
    return contact_id, nonce


def read_visitor_token(secret: str, token: str, now: float) -> VisitorPrincipal:
    try:
        claims: dict[str, Any] = _claims(secret, VISITOR_PURPOSE, token)
        contact_id, visitor_id, expires = int(claims["c"]), str(claims["v"]), float(claims["e"])
    except _UNREADABLE as exc:
        raise NotAuthenticatedError("the visitor token is not valid") from exc
    if expires < now:
        raise TokenExpiredError("the visitor token has expired; start a new contact")
    return VisitorPrincipal(contact_id=contact_id, visitor_id=visitor_id)
