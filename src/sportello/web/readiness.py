"""Readiness: whether this process should be given new traffic by a load balancer.

Ready when the database answers within ``CHECK_TIMEOUT``, its schema is at the migrations'
head, Redis answers (when configured) and the process is not draining: a graceful stop
(SIGTERM) makes it unready at once, while what is in flight finishes (serving.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import redis.asyncio as redis
from sqlalchemy import text

from sportello.storage.database import Database

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 2.0
"""Seconds a dependency has to answer before it counts as unreachable."""

OK = "ok"
NOT_FAILING = frozenset({OK, "off", "not_checked", "unknown"})
"""Check states that do not make a process unready by themselves (``unknown``: the
migrations when the database did not answer, which is the check that fails)."""


class Readiness:
    def __init__(
        self,
        db: Database,
        node_id: str,
        *,
        redis_url: str | None,
        head: frozenset[str] | None,
    ) -> None:
        """``head``: the revisions of a schema at head, or None when the schema was created
        directly (tests) and has no revision to compare."""
        self.db = db
        self.node_id = node_id
        self.head = head
        self.draining = False
        self._redis: Any = (
            redis.from_url(
                redis_url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
            )
            if redis_url
            else None
        )

    def drain(self) -> None:
        """A graceful stop began: unready from now on."""
        self.draining = True

    async def check(self) -> dict[str, str]:
        """Each check's state: ``ok``, ``off`` or ``not_checked``, or why it fails."""
        database, migrations = await self._database()
        return {
            "database": database,
            "migrations": migrations,
            "redis": await self._redis_state(),
            "draining": "draining" if self.draining else OK,
        }

    async def _database(self) -> tuple[str, str]:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.db.read() as conn:
                await conn.execute(text("SELECT 1"))
                if self.head is None:
                    return OK, "not_checked"
                try:
                    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
                except Exception:  # no alembic_version table: never migrated
                    return OK, "behind"
                return OK, OK if {row[0] for row in rows} == self.head else "behind"
        except TimeoutError:
            return "timeout", "unknown"
        except Exception as exc:  # whatever the driver raises: the answer is "not ready"
            log.warning("readiness: database unreachable: %s", exc)
            return "unreachable", "unknown"

    async def _redis_state(self) -> str:
        if self._redis is None:
            return "off"
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await self._redis.ping()
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            log.warning("readiness: Redis unreachable: %s", exc)
            return "unreachable"
        return OK

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
