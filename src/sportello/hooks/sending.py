"""One delivery: the signed POST of one event to one endpoint, to an address checked first.

Redirects are never followed (a 3xx is a failed attempt): a receiver cannot send the
request on to an address the check would have refused."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import httpx
import orjson

from sportello import __version__
from sportello.domain.webhooks import delivery_id, signature_header
from sportello.errors import WebhookUrlRefusedError
from sportello.hooks.addresses import resolve
from sportello.stream.events import Event


class DeliveryFailed(Exception):
    """The endpoint did not accept it; the message says why (kept as ``last_error``)."""


def delivery_body(endpoint_id: int, event: Event) -> bytes:
    return orjson.dumps(
        {
            "id": delivery_id(endpoint_id, event.position),
            "endpoint_id": endpoint_id,
            "position": event.position,
            "kind": event.kind,
            "contact_id": event.contact_id,
            "at": event.created_at,
            "data": event.payload,
        }
    )


async def deliver(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    endpoint_id: int,
    event: Event,
    allow_private: bool,
    timeout: float,
) -> None:
    """Returns when the endpoint answered 2xx; DeliveryFailed otherwise."""
    try:
        async with asyncio.timeout(timeout):
            status = await _post(client, url, secret, endpoint_id, event, allow_private)
    except WebhookUrlRefusedError as exc:
        raise DeliveryFailed(f"refused: {exc.message}") from exc
    except TimeoutError as exc:
        raise DeliveryFailed(f"no answer within {timeout:g} s") from exc
    except (httpx.HTTPError, OSError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if 300 <= status < 400:
        raise DeliveryFailed(f"HTTP {status}: redirects are not followed")
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}")


async def _post(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    endpoint_id: int,
    event: Event,
    allow_private: bool,
) -> int:
    address = await resolve(url, allow_private)
    parts = urlsplit(url)
    pinned = f"[{address}]" if ":" in address else address
    if parts.port is not None:
        pinned = f"{pinned}:{parts.port}"
    body = delivery_body(endpoint_id, event)
    timestamp = int(time.time())
    headers = {
        "Host": parts.netloc,
        "Content-Type": "application/json",
        "User-Agent": f"Sportello-Webhooks/{__version__}",
        "Sportello-Delivery": delivery_id(endpoint_id, event.position),
        "Sportello-Event": event.kind,
        "Sportello-Signature": signature_header(secret, timestamp, body),
    }
    # The connection goes to the checked address; TLS still checks the name's certificate.
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    response = await client.post(
        parts._replace(netloc=pinned).geturl(),
        content=body,
        headers=headers,
        extensions=extensions,
    )
    return response.status_code
