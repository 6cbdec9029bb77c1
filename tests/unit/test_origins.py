"""Origins read as browsers read them (the WHATWG URL Standard), table-driven.

The first cases follow the web-platform-tests URL data (urltestdata.json: tabs and
newlines dropped, backslashes as slashes, IPv6 and IPv4 forms, IDNA, default ports,
failures); the rest are this project's sites and the attacks of issue 20."""

from __future__ import annotations

import pytest

from sportello.domain.origins import console_origin_ok, origin_of, site_of, site_origin_ok
from sportello.domain.redirects import redirect_refusal

ORIGINS = [
    ("http://example\t.\norg", "http://example.org"),
    ("http://user:pass@foo:21/bar;par?b#c", "http://foo:21"),
    ("https://test:@test", "https://test"),
    ("https://:@test", "https://test"),
    ("http:\\\\www.google.com\\foo", "http://www.google.com"),
    ("http://[1:0::]", "http://[1::]"),
    ("http://[0:0:0:0:0:0:13.1.68.3]", "http://[::d01:4403]"),
    ("http://[::127.0.0.1]", "http://[::7f00:1]"),
    ("http://0x7f.1/", "http://127.0.0.1"),
    ("http://%30%78%63%30%2e%30%32%35%30.01", "http://192.168.0.1"),
    ("http://ExAmPlE.CoM", "http://example.com"),
    ("https://example.com:443/", "https://example.com"),
    ("http://example.com:80/", "http://example.com"),
    ("https://example.com:80/", "https://example.com:80"),
    ("http://www/foo%2Ehtml", "http://www"),
    ("http://\u0442\u0435\u0441\u0442.\u0440\u0444/", "http://xn--e1aybc.xn--p1ai"),
    ("http://a\\b.example/", "http://a"),
    ("http://[::1]:9196", "http://[::1]:9196"),
    ("http://[::1]:9196/page?x#y", "http://[::1]:9196"),
    ("http://evil.example\\[::1]:9196/", "http://evil.example"),
    ("HTTP://[0:0::1]:80/", "http://[::1]"),
    ("http://[::1", None),
    ("http://[::1]x/", None),
    ("http://a:b@[::1]:99999/", None),  # the port is out of range
    ("http://exa mple.org", None),
    ("http://", None),
    ("javascript:alert(1)", None),
    ("data:text/html,x", None),
    ("file:///etc/passwd", None),
    ("ftp://example.com/", None),
    ("/relative", None),
    ("null", None),
]


@pytest.mark.parametrize(("url", "origin"), ORIGINS)
def test_origin_of(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


SITES = ["https://shop.example", "http://[::1]:9196", "http://127.0.0.1:8301"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://[::1]:9196/", True),
        ("http://[::1]:9196/cart?x=1#top", True),
        ("http://[0:0::1]:9196/cart", True),  # the same address, written longer
        ("http://[::1]:9197/", False),
        ("http://[::2]:9196/", False),
        ("http://evil.example\\[::1]:9196/", False),
        ("http://evil.example\\@[::1]:9196/", False),
        ("https:\\\\shop.example\\cart", True),  # backslashes are slashes in http(s)
        ("https://evil.example\\@shop.example/", False),
        ("https://shop.example\\@evil.example/", True),  # "@evil.example/" is the path
        ("https://evil.example#@shop.example/", False),
        ("https://evil.example?@shop.example/", False),
        ("https://shop.example.evil.example/", False),
        ("https://shop.example%2eevil.example/", False),
        ("https://user@shop.example/", False),
        ("https://:pw@shop.example/", False),
        ("http://0x7f.0.0.1:8301/", True),  # 127.0.0.1, as the browser reads it
        ("http://127.1:8301/", True),
        ("https://SHOP.example:443/", True),
        ("java\nscript:alert(1)", False),
        ("https://shop.example/\tx", False),
    ],
)
def test_redirect_targets_read_as_the_browser_reads_them(url: str, allowed: bool) -> None:
    reason = redirect_refusal(url, SITES)
    assert (reason is None) == allowed, reason


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("https://shop.example", "https://shop.example"),
        ("https://shop.example/", "https://shop.example"),
        ("HTTPS://Shop.Example:443", "https://shop.example"),
        ("http://[::1]:9196", "http://[::1]:9196"),
        ("http://[::1]:9196/", "http://[::1]:9196"),
        ("http://[0:0::1]", "http://[::1]"),
        ("shop.example", None),
        ("https://shop.example/path", None),
        ("https://shop.example/?", None),
        ("https://shop.example/#", None),
        ("https://shop.example?x", None),
        ("https://user@shop.example", None),
        ("https://shop.example\\evil", None),
        (" https://shop.example", None),
        ("http://[::1", None),
        ("ftp://shop.example", None),
    ],
)
def test_an_admin_site_is_an_origin(text: str, site: str | None) -> None:
    assert site_of(text) == site


def test_widget_origin_checks() -> None:
    sites = ["http://[::1]:9196", "https://shop.example"]
    assert site_origin_ok("http://[::1]:9196", sites)
    assert site_origin_ok("https://shop.example", sites)
    assert not site_origin_ok("http://[::1]:9197", sites)
    assert not site_origin_ok("http://::1:9196", sites)
    assert not site_origin_ok("null", sites)
    assert not site_origin_ok("https://shop.example/path", sites)  # not an Origin header
    assert not site_origin_ok("https://evil.example\\@shop.example", sites)
    assert not site_origin_ok(None, sites)
    assert site_origin_ok(None, []) and site_origin_ok("https://any.example", [])


def test_console_origin_checks() -> None:
    assert console_origin_ok("http://[::1]:9196", "[::1]:9196", None, [])
    assert console_origin_ok("https://[::1]:9196", "[::1]:9196", "https", [])
    assert not console_origin_ok("http://[::1]:9196", "[::1]:9196", "https", [])
    assert not console_origin_ok("http://evil.example", "[::1]:9196", None, [])
    assert console_origin_ok(
        "https://console.example", "[::1]:9196", None, ["https://console.example/"]
    )
    assert console_origin_ok(None, "127.0.0.1:80", None, [])
    assert not console_origin_ok("null", "127.0.0.1", None, [])
