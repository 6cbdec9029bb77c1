"""Which addresses an agent may send the visitor's browser to, table-driven."""

from __future__ import annotations

import pytest

from sportello.domain.origins import origin_of
from sportello.domain.redirects import redirect_refusal

SITES = ["https://shop.example", "http://127.0.0.1:8301"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://shop.example/cart", True),
        ("https://shop.example:443/cart?x=1#top", True),
        ("HTTPS://SHOP.EXAMPLE/help", True),
        ("http://127.0.0.1:8301/product.html", True),
        ("http://shop.example/cart", False),  # another origin: the scheme differs
        ("https://evil.example/", False),
        ("https://shop.example.evil.example/", False),
        ("https://user:pw@shop.example/", False),
        ("https://user@shop.example/", False),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("file:///etc/passwd", False),
        ("ftp://shop.example/", False),
        ("/relative/path", False),
        ("//shop.example/protocol-relative", False),
        (" https://shop.example/", False),
        ("https://shop.example/\nSet-Cookie: x", False),
        ("https://[::1/", False),
        ("http://127.0.0.1:8302/", False),
    ],
)
def test_redirect_targets(url: str, allowed: bool) -> None:
    reason = redirect_refusal(url, SITES)
    assert (reason is None) == allowed, reason


def test_origin_of_normalises_default_ports_and_case() -> None:
    assert origin_of("https://Shop.Example:443/x") == "https://shop.example"
    assert origin_of("http://localhost:8080/") == "http://localhost:8080"
    assert origin_of("mailto:a@b.c") is None
