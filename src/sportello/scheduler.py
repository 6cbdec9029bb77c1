"""Background duties of every process: fire due timers, refresh live sessions, re-route,
index new messages for search, remove what each service's retention lets go.

Timers live in the database (a contact's ``dissuade_at``, ``visitor_gone_at``,
``transfer_due_at`` and ``prefer_until``, a call's ``agent_gone_at`` and
``visitor_gone_at``, an agent's ``away_since`` plus the grace) and are
claimed with guarded updates, so any number of
processes may run this loop: each due timer fires exactly once, and a restart picks up
whatever came due while the server was down. The heartbeat keeps this process's console
sessions and node row fresh and notices dead nodes (``actions/nodes.py``).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import or_, select

from sportello.actions.agents import do_refresh_node_sessions
from sportello.actions.call_resume import do_call_gone_due
from sportello.actions.contacts import do_dissuade_due
from sportello.actions.context import Ctx
from sportello.actions.erasure import do_remove_expired
from sportello.actions.nodes import do_beat_node
from sportello.actions.preference import do_end_preferences_due
from sportello.actions.requeue import agents_gone_query, do_requeue_due
from sportello.actions.search_index import do_index_new_messages
from sportello.actions.transfers import do_transfer_timeout_due
from sportello.actions.translation import do_release_held_due
from sportello.actions.visitor_presence import do_visitor_gone_due
from sportello.background import BackgroundLoop
from sportello.storage.tables import calls, contacts, messages

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
REROUTE_SECONDS = 5.0
SEARCH_INDEX_SECONDS = 1.0
RETENTION_SECONDS = 3600.0
"""How often each service's retention removes what has expired (actions/erasure.py)."""


class Scheduler(BackgroundLoop):
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx

    async def _run(self) -> None:
        last_heartbeat = last_reroute = last_index = 0.0
        last_retention = -RETENTION_SECONDS
        # Three beats fit in the time after which other nodes take this one for dead.
        heartbeat = min(HEARTBEAT_SECONDS, self.ctx.settings.node_dead_seconds / 3)
        while True:
            try:
                due = await self._due()
                if "dissuade" in due:
                    await do_dissuade_due(self.ctx)
                if "visitor_gone" in due:
                    await do_visitor_gone_due(self.ctx)
                if "agent_gone" in due:
                    await do_requeue_due(self.ctx)
                if "call_gone" in due:
                    await do_call_gone_due(self.ctx)
                if "transfer" in due:
                    await do_transfer_timeout_due(self.ctx)
                if "translation_hold" in due:
                    await do_release_held_due(self.ctx)
                if "preference" in due:
                    await do_end_preferences_due(self.ctx)
                loop_now = asyncio.get_running_loop().time()
                if loop_now - last_heartbeat >= heartbeat:
                    await do_refresh_node_sessions(self.ctx)
                    await do_beat_node(self.ctx)
                    last_heartbeat = loop_now
                if loop_now - last_reroute >= REROUTE_SECONDS:
                    self.ctx.reroute_soon()
                    last_reroute = loop_now
                if loop_now - last_index >= SEARCH_INDEX_SECONDS:
                    await do_index_new_messages(self.ctx)
                    last_index = loop_now
                if loop_now - last_retention >= RETENTION_SECONDS:
                    last_retention = loop_now
                    await do_remove_expired(self.ctx)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler tick failed")
            await asyncio.sleep(TICK_SECONDS)

    async def _due(self) -> set[str]:
        """Cheap indexed reads, so idle ticks never take the write lock."""
        now = self.ctx.clock.now()
        checks = {
            "dissuade": select(contacts.c.id).where(
                contacts.c.state == "pending", contacts.c.dissuade_at <= now
            ),
            "visitor_gone": select(contacts.c.id).where(contacts.c.visitor_gone_at <= now),
            "agent_gone": agents_gone_query(now - self.ctx.settings.agent_grace_seconds),
            "call_gone": select(calls.c.id).where(
                or_(calls.c.agent_gone_at <= now, calls.c.visitor_gone_at <= now)
            ),
            "transfer": select(contacts.c.id).where(
                contacts.c.state == "transferring", contacts.c.transfer_due_at <= now
            ),
            "translation_hold": select(messages.c.id).where(messages.c.visitor_hold_until <= now),
            "preference": select(contacts.c.id).where(contacts.c.prefer_until <= now),
        }
        async with self.ctx.db.read() as conn:
            return {
                name
                for name, query in checks.items()
                if await conn.scalar(query.limit(1)) is not None
            }
