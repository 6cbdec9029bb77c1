"""The pure rules of webhooks (domain/webhooks.py), as tables."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from sportello.domain.webhooks import (
    address_refused,
    delivery_id,
    retry_delay,
    should_park,
    signature_header,
    url_problem,
    wanted,
)


@pytest.mark.parametrize(
    ("kinds", "agent_side", "kind", "expected"),
    [
        (["*"], False, "message.created", True),
        (["*"], False, "note.created", False),
        (["*"], False, "note.mentioned", False),
        (["*"], True, "note.created", True),
        (["message.*"], True, "message.created", True),
        (["message.*"], True, "messages.created", False),
        (["message.*"], True, "contact.closed", False),
        (["contact.closed"], False, "contact.closed", True),
        (["contact.closed"], False, "contact.closed_by", False),
        (["note.*"], False, "note.created", False),
        (["note.created"], True, "note.created", True),
    ],
)
def test_which_events_an_endpoint_gets(
    kinds: list[str], agent_side: bool, kind: str, expected: bool
) -> None:
    assert wanted(kinds, agent_side, kind) is expected


@pytest.mark.parametrize(
    ("attempts", "jitter", "expected"),
    [(1, 0.0, 5.0), (1, 1.0, 2.5), (2, 0.0, 10.0), (3, 0.5, 15.0), (30, 0.0, 3600.0)],
)
def test_backoff_doubles_with_jitter_and_a_ceiling(
    attempts: int, jitter: float, expected: float
) -> None:
    assert retry_delay(attempts, 5.0, jitter) == expected


def test_parking_comes_once_the_window_has_passed() -> None:
    assert not should_park(100.0, 109.9, 10.0)
    assert should_park(100.0, 110.0, 10.0)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = b'{"id":"3-41"}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature_header("s3cret", 1700000000, body) == f"t=1700000000,v1={expected}"
    assert delivery_id(3, 41) == "3-41"


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("10.0.0.8", True),
        ("172.16.3.4", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("::ffff:127.0.0.1", True),
        ("93.184.215.14", False),
        ("2606:4700::1111", False),
    ],
)
def test_addresses_on_this_side_of_the_internet_are_refused(address: str, refused: bool) -> None:
    assert address_refused(address) is refused


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://crm.example/hook", None),
        ("http://crm.example:8080/hook?x=1", None),
        ("ftp://crm.example/", "only http and https URLs"),
        ("https:///nohost", "the URL names no host"),
        ("https://u:p@crm.example/", "credentials in the URL are not allowed (use the secret)"),
        ("http://crm.example:99999/", "not a URL"),
        ("crm.example/hook", "only http and https URLs"),
    ],
)
def test_only_http_urls_with_a_host(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem
