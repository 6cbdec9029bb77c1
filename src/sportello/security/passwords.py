from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password. With no hash (an unknown login) the check runs anyway,
    against a throwaway hash with the same parameters, so both cost the same time."""
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        return False

    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
