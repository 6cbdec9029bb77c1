"""An unknown login costs one argon2 verification, like a real one."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from sportello.security import passwords


def test_unknown_login_runs_the_same_argon2_check(monkeypatch: pytest.MonkeyPatch) -> None:
    real_hash = passwords.hash_password("right")
    checked: list[str] = []
    verify = PasswordHasher.verify

    def counting(self: PasswordHasher, hash_: str, password: Any) -> bool:
        checked.append(hash_)
        return verify(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert passwords.verify_password(real_hash, "wrong") is False
    assert passwords.verify_password(None, "wrong") is False
    assert passwords.verify_password(real_hash, "right") is True
    assert len(checked) == 3
    dummy = checked[1]
    assert dummy != real_hash and dummy.split("$")[:4] == real_hash.split("$")[:4]  # same cost
