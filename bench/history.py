"""A realistic contact history, written in bulk: a year of contacts with outcomes, waits,
handling times and transcripts (for the reports' figures). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import insert

from sportello.storage.database import Database
from sportello.storage.tables import contacts, messages

OUTCOMES = (
    ("successful", 0.70),
    ("no_interaction", 0.10),
    ("dissuaded", 0.08),
    ("abandoned", 0.05),
    ("cancelled", 0.04),
    ("rejected", 0.03),
)
WORDS = (
    "order",
    "delivery",
    "refund",
    "coffee",
    "grinder",
    "moka",
    "pot",
    "beans",
    "invoice",
    "address",
    "parcel",
    "late",
    "broken",
    "handle",
    "lid",
    "filter",
    "gasket",
    "warranty",
    "return",
    "exchange",
    "colour",
    "size",
    "price",
    "discount",
    "payment",
    "card",
    "account",
    "password",
    "shipping",
    "tracking",
    "number",
    "thanks",
    "hello",
    "please",
    "help",
)
RARE = "zanzibar"
"""A word in about one transcript in a thousand, for the search figure."""
FIRST = ("Ada", "Bruno", "Chen", "Dora", "Emil", "Farah", "Gus", "Hana", "Ivo", "Jun")
LAST = ("Rossi", "Martin", "Wei", "Garcia", "Novak", "Haddad", "Kim", "Silva", "Berg")
DAY = 86_400.0


def _contact(
    rng: random.Random, i: int, now: float, days: int, agents: list[dict[str, Any]]
) -> dict[str, Any]:
    agent = agents[rng.randrange(len(agents))]
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    created = now - rng.random() * days * DAY
    answered = outcome in ("successful", "no_interaction")
    wait = 0.0 if outcome == "rejected" else rng.expovariate(1 / 20)
    handling = rng.lognormvariate(5.5, 0.7) if answered else None
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return {
        "service_id": agent["service_id"],
        "state": "closed" if answered else outcome,
        "outcome": outcome,
        "closed_by": "agent" if answered else "system",
        "medium": "chat",
        "priority": 15,
        "visitor_id": f"hist{i:09d}",
        "visitor_name": name,
        "visitor_email": f"{name.split()[0].lower()}{i}@example.com" if i % 3 == 0 else "",
        "visitor_country": rng.choice(("IT", "FR", "DE", "ES", "GB", "US", "")),
        "agent_id": agent["id"] if answered else None,
        "offered_to": [],
        "created_at": created,
        "assigned_at": created + wait if answered else None,
        "closed_at": created + wait + (handling or 0.0),
        "visitor_messages": 2 if outcome == "successful" else 0,
        "agent_messages": 2 if outcome == "successful" else 0,
        "last_message_at": created + wait if answered else None,
    }


def _transcript(rng: random.Random, contact_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    if row["outcome"] != "successful":
        return []
    out = []
    at = row["assigned_at"]
    for n in range(4):
        words = rng.choices(WORDS, k=rng.randint(4, 14))
        if rng.random() < 0.00025:
            words.append(RARE)
        at += rng.uniform(5, 40)
        out.append(
            {
                "contact_id": contact_id,
                "sender": "visitor" if n % 2 == 0 else "agent",
                "agent_id": None if n % 2 == 0 else row["agent_id"],
                "text": " ".join(words),
                "created_at": at,
            }
        )
    return out


async def write_history(
    url: str, agents: list[dict[str, Any]], count: int, now: float, days: int = 365, seed: int = 7
) -> int:
    """Insert ``count`` ended contacts (and their transcripts); returns the messages written."""
    rng = random.Random(seed)
    db = Database(url)
    written = 0
    try:
        for start in range(0, count, 5000):
            rows = [
                _contact(rng, i, now, days, agents) for i in range(start, min(count, start + 5000))
            ]
            async with db.write() as conn:
                result = await conn.execute(insert(contacts).returning(contacts.c.id), rows)
                ids = [int(r[0]) for r in result.all()]
                lines = [
                    m
                    for cid, row in zip(ids, rows, strict=True)
                    for m in _transcript(rng, cid, row)
                ]
                if lines:
                    await conn.execute(insert(messages), lines)
                written += len(lines)
    finally:
        await db.dispose()
    return written
