"""Who the client is behind reverse proxies: X-Forwarded-For is believed only from
configured proxies, read from the right, and garbage never becomes the client."""

from __future__ import annotations

import pytest

from sportello.config import ConfigError, load_settings
from sportello.domain.proxies import client_address, forwarded_scheme, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "192.0.2.7", "2001:db8:1::/48"])


@pytest.mark.parametrize(
    ("peer", "headers", "client"),
    [
        # no header, or a peer that is no proxy: the peer, whatever the header says
        ("10.0.0.5", [], "10.0.0.5"),
        ("203.0.113.9", ["8.8.8.8"], "203.0.113.9"),
        ("203.0.113.9", ["10.0.0.5, 8.8.8.8"], "203.0.113.9"),
        # one trusted proxy: the address it appended
        ("10.0.0.5", ["8.8.8.8"], "8.8.8.8"),
        # a client's own claim to the left is not believed: the right-most untrusted wins
        ("10.0.0.5", ["1.1.1.1, 8.8.8.8"], "8.8.8.8"),
        # a chain of trusted proxies is walked through
        ("10.0.0.5", ["1.1.1.1, 8.8.8.8, 192.0.2.7, 10.9.9.9"], "8.8.8.8"),
        # several headers are one list, in order
        ("10.0.0.5", ["1.1.1.1", "8.8.8.8, 10.1.1.1"], "8.8.8.8"),
        # every hop trusted: the left-most
        ("10.0.0.5", ["10.1.1.1, 10.2.2.2"], "10.1.1.1"),
        # ports, brackets, IPv6, IPv4-mapped IPv6
        ("10.0.0.5", ["8.8.8.8:51234"], "8.8.8.8"),
        ("10.0.0.5", ["[2001:4860:4860::8888]:443"], "2001:4860:4860::8888"),
        ("2001:db8:1::2", ["2001:4860:4860::8888"], "2001:4860:4860::8888"),
        ("2001:db8:1::2", ["8.8.8.8, 2001:db8:1:ff::1"], "8.8.8.8"),
        ("::ffff:10.0.0.5", ["::ffff:8.8.8.8"], "8.8.8.8"),
        ("2001:db8:2::1", ["8.8.8.8"], "2001:db8:2::1"),
        # garbage stops the walk at the last address known
        ("10.0.0.5", ["garbage"], "10.0.0.5"),
        ("10.0.0.5", ["8.8.8.8, unknown"], "10.0.0.5"),
        ("10.0.0.5", ["8.8.8.8, _hidden, 10.1.1.1"], "10.1.1.1"),
        ("10.0.0.5", [""], "10.0.0.5"),
        ("10.0.0.5", ["8.8.8.8,,"], "10.0.0.5"),
        ("10.0.0.5", ["[2001:4860:4860::8888"], "10.0.0.5"),
        ("10.0.0.5", ["999.1.1.1"], "10.0.0.5"),
        # a peer that is no IP (a Unix socket) is never a proxy
        ("unix:/run/sportello.sock", ["8.8.8.8"], "unix:/run/sportello.sock"),
    ],
)
def test_client_address(peer: str, headers: list[str], client: str) -> None:
    assert client_address(peer, headers, PROXIES) == client


def test_with_no_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("127.0.0.1", ["8.8.8.8"], ()) == "127.0.0.1"
    assert forwarded_scheme("127.0.0.1", "https", ()) is None


@pytest.mark.parametrize(
    ("peer", "proto", "scheme"),
    [
        ("10.0.0.5", "https", "https"),
        ("10.0.0.5", "HTTPS ", "https"),
        ("10.0.0.5", "http, https", "https"),
        ("10.0.0.5", "gopher", None),
        ("10.0.0.5", None, None),
        ("203.0.113.9", "https", None),
    ],
)
def test_forwarded_scheme(peer: str, proto: str | None, scheme: str | None) -> None:
    assert forwarded_scheme(peer, proto, PROXIES) == scheme


def test_a_bad_trusted_proxy_setting_stops_the_start() -> None:
    with pytest.raises(ConfigError, match=r"trusted_proxies.*'10\.0\.0\.300'"):
        load_settings(trusted_proxies=["10.0.0.0/8", "10.0.0.300"], secret_key="k")
    assert load_settings(trusted_proxies=["10.0.0.0/8", "::1"], secret_key="k").trusted_proxies
