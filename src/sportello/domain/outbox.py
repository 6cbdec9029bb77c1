"""Pure rules of the e-mail outbox: when to try again, when to give up."""

from __future__ import annotations

MAX_DELAY = 3600.0


def retry_delay(attempts: int, first: float) -> float:
    """Exponential backoff: ``first`` after the first failed attempt, doubling after each
    one, at most an hour."""
    return float(min(first * 2 ** max(attempts - 1, 0), MAX_DELAY))


SMTP_STEPS = 8
"""Connect, greeting, STARTTLS, sign-in, sender, recipient, data, quit: each bounded by the
SMTP timeout."""


def claim_lease(timeout: float) -> float:
    """How long a claimed row is left to its sender before another may take it: the longest
    one SMTP exchange can take, and a margin."""
    return SMTP_STEPS * timeout + 5.0
