"""Opaque agent session tokens (stored hashed) and signed visitor tokens scoped to one contact."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import orjson

from sportello.domain.principals import VisitorPrincipal
from sportello.errors import NotAuthenticatedError, TokenExpiredError


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_visitor_token(secret: str, contact_id: int, visitor_id: str, expires_at: float) -> str:
    body = _b64(orjson.dumps({"c": contact_id, "v": visitor_id, "e": int(expires_at)}))
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def read_visitor_token(secret: str, token: str, now: float) -> VisitorPrincipal:
    try:
        body, mac = token.split(".", 1)
        expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise ValueError("bad signature")
        claims = orjson.loads(_unb64(body))
        contact_id, visitor_id, expires = int(claims["c"]), str(claims["v"]), float(claims["e"])
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise NotAuthenticatedError("the visitor token is not valid") from exc
    if expires < now:
        raise TokenExpiredError("the visitor token has expired; start a new contact")
    return VisitorPrincipal(contact_id=contact_id, visitor_id=visitor_id)
