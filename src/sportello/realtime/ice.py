"""The ICE servers handed to both sides of a call: STUN from settings, and TURN with
short-lived credentials by the coturn REST-API scheme (``use-auth-secret``):
``username = "<unix expiry>:<user>"``, ``credential = base64(HMAC-SHA1(secret, username))``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from sportello.config import Settings


def turn_credential(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def ice_config(settings: Settings, user: str, now: float) -> dict[str, Any]:
    """``{servers, transport_policy, expires_at}`` for an RTCPeerConnection's configuration."""
    servers: list[dict[str, Any]] = []
    if settings.stun_urls:
        servers.append({"urls": list(settings.stun_urls)})
    expires_at: int | None = None
    if settings.turn_urls and settings.turn_secret:
        expires_at = int(now) + settings.turn_ttl_seconds
        username = f"{expires_at}:{user}"
        servers.append(
            {
                "urls": list(settings.turn_urls),
                "username": username,
                "credential": turn_credential(settings.turn_secret, username),
            }
        )
    return {
        "servers": servers,
        "transport_policy": settings.ice_transport_policy,
        "expires_at": expires_at,
    }
