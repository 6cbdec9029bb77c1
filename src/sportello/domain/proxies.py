"""Who the client is behind reverse proxies: one rule for the address and the scheme.

A proxy appends the address it was reached from to ``X-Forwarded-For``; anything to the
left of that may have been written by the client itself. So the chain is read from the
right: the socket's peer, then each entry, for as long as the address in hand is a
configured trusted proxy. The first address that is not one is the client. An entry that
is no address (garbage, an obfuscated RFC 7239 name, an empty item) ends the walk: the
client is then the last address known, never something a client could have made up.
With no trusted proxies the peer is the client and the headers are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = frozenset({"http", "https", "ws", "wss"})


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """IPs and CIDRs ("10.0.0.0/8", "::1"); ValueError naming the first bad one."""
    networks: list[Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network") from None
    return tuple(networks)


def parse_address(value: str) -> Address | None:
    """An address as proxies write it: bare, ``v4:port``, ``[v6]`` or ``[v6]:port``; an
    IPv4-mapped IPv6 address is its IPv4 one. None for anything else."""
    text = value.strip()
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not text[end + 1 :].startswith(":")):
            return None
        text = text[1:end]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    parsed = parse_address(address)
    return parsed is not None and any(parsed in network for network in trusted)


def client_address(peer: str, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy, then the right-most
    entry of the ``X-Forwarded-For`` headers (all of them, in order) that is not one."""
    if not is_trusted(peer, trusted):
        return peer
    known = peer
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return known
        known = str(address)
        if not any(address in network for network in trusted):
            return known
    return known


def forwarded_scheme(peer: str, proto: str | None, trusted: Sequence[Network]) -> str | None:
    """The scheme the trusted proxy that connected says the client used: the right-most
    item of ``X-Forwarded-Proto``, the one it wrote. None when not believed."""
    if proto is None or not is_trusted(peer, trusted):
        return None
    scheme = proto.split(",")[-1].strip().lower()
    return scheme if scheme in SCHEMES else None
