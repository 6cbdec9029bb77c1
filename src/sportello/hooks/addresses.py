"""Where a webhook may be sent: the host's addresses, resolved once per attempt and checked
before connecting (the request then goes to the checked address, so a name that resolves
differently a moment later cannot turn it toward this side of the internet)."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from sportello.domain.webhooks import address_refused, literal_address, url_problem
from sportello.errors import WebhookUrlRefusedError


def check_url_text(url: str, allow_private: bool) -> None:
    """What can be told without DNS: the scheme, the host, an IP literal's range."""
    problem = url_problem(url)
    if problem is not None:
        raise WebhookUrlRefusedError(f"{url!r}: {problem}", url=url)
    host = urlsplit(url).hostname or ""
    literal = literal_address(host)
    if literal is not None and not allow_private and address_refused(literal):
        raise WebhookUrlRefusedError(
            f"{host} is not a public address (SPORTELLO_WEBHOOKS_ALLOW_PRIVATE is off)", url=url
        )


async def resolve(url: str, allow_private: bool) -> str:
    """The address to connect to for ``url``: refused when any address the name resolves
    to is not public (unless private ones are allowed). OSError when it does not resolve."""
    check_url_text(url, allow_private)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = literal_address(host)
    if literal is not None:
        return literal
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise OSError(f"{host} has no address")
    if not allow_private:
        refused = [a for a in addresses if address_refused(a)]
        if refused:
            raise WebhookUrlRefusedError(
                f"{host} resolves to {refused[0]}, not a public address", url=url
            )
    return addresses[0]
