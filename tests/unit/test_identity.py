"""The identity claim's rules (domain/identity.py), one row a case."""

from __future__ import annotations

from typing import Any

import pytest

from sportello.domain.identity import (
    Unverified,
    VerifiedIdentity,
    sign_identity,
    verify_identity,
)

SECRET = "s3cret"
NOW = 1_796_000_000


def claim(**override: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "user_id": "u-1001",
        "name": "Giulia Rossi",
        "email": "giulia@shop.example",
        "issued_at": NOW,
    }
    values["signature"] = sign_identity(SECRET, **values)
    return {**values, **override}


def test_the_signature_is_the_documented_one() -> None:
    # docs/integrations.md: the Node.js snippet gives this for the same values
    assert (
        sign_identity(SECRET, "u-1001", "Giulia Rossi", "giulia@shop.example", NOW)
        == "d95002d226ca1e97ddeb70442a7927ef61c6c43f17b1ee37d02269a044cc934d"
    )


@pytest.mark.parametrize(
    ("secret", "given", "now", "expected"),
    [
        (SECRET, claim(), NOW, VerifiedIdentity("u-1001", "Giulia Rossi", "giulia@shop.example")),
        (
            SECRET,
            claim(),
            NOW + 600,
            VerifiedIdentity("u-1001", "Giulia Rossi", "giulia@shop.example"),
        ),
        (
            SECRET,
            claim(),
            NOW - 600,
            VerifiedIdentity("u-1001", "Giulia Rossi", "giulia@shop.example"),
        ),
        (
            SECRET,
            claim(signature=claim()["signature"].upper()),
            NOW,
            VerifiedIdentity("u-1001", "Giulia Rossi", "giulia@shop.example"),
        ),
        (SECRET, claim(), NOW + 601, Unverified("expired")),
        (SECRET, claim(), NOW - 601, Unverified("expired")),
        (None, claim(), NOW, Unverified("no_secret")),
        ("", claim(), NOW, Unverified("no_secret")),
        ("other", claim(), NOW, Unverified("bad_signature")),
        (SECRET, claim(name="Mallory"), NOW, Unverified("bad_signature")),
        (SECRET, claim(issued_at=NOW + 1), NOW, Unverified("bad_signature")),
        (SECRET, claim(user_id=""), NOW, Unverified("malformed")),
        (SECRET, claim(user_id="a\nb"), NOW, Unverified("malformed")),
        (SECRET, claim(user_id="x" * 201), NOW, Unverified("malformed")),
        (SECRET, claim(name=42), NOW, Unverified("malformed")),
        (SECRET, claim(issued_at="1796000000"), NOW, Unverified("malformed")),
        (SECRET, claim(issued_at=True), NOW, Unverified("malformed")),
        (SECRET, claim(signature=None), NOW, Unverified("malformed")),
        (SECRET, claim(signature="ab"), NOW, Unverified("malformed")),
        (SECRET, {}, NOW, Unverified("malformed")),
    ],
)
def test_verify(secret: str | None, given: dict[str, Any], now: int, expected: object) -> None:
    assert verify_identity(secret, given, now, 600) == expected


def test_empty_name_and_email_verify_as_empty() -> None:
    values: dict[str, Any] = {"user_id": "7", "name": "", "email": "", "issued_at": NOW}
    signed = {**values, "signature": sign_identity(SECRET, **values)}
    assert verify_identity(SECRET, signed, NOW, 600) == VerifiedIdentity("7", "", "")
