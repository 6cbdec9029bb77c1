"""Which contacts a reader's reports cover: admins all, supervisors the services whose tags
they hold (and what they handled themselves), agents what they handled — including the
contacts they transferred to someone else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import Role
from sportello.domain.principals import AgentPrincipal
from sportello.domain.scope import supervises
from sportello.storage.tables import agents, contacts, services, transfers


@dataclass(frozen=True)
class ReportScope:
    everything: bool
    service_ids: frozenset[int]
    agent_id: int

    def clause(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        if not self.service_ids:
            return self.handled()
        return or_(self.handled(), contacts.c.service_id.in_(sorted(self.service_ids)))

    def handled(self) -> ColumnElement[bool]:
        """The contacts the reader held, or passed on by an accepted transfer."""
        return or_(
            contacts.c.agent_id == self.agent_id,
            contacts.c.id.in_(passed_on_by(self.agent_id)),
        )


def passed_on_by(agent_id: int) -> Select[Any]:
    """The contacts this agent held and transferred (the transfer was accepted)."""
    return select(transfers.c.contact_id).where(
        transfers.c.from_agent_id == agent_id, transfers.c.outcome == "accepted"
    )


async def report_scope(conn: AsyncConnection, reader: AgentPrincipal) -> ReportScope:
    if reader.role is Role.ADMIN:
        return ReportScope(True, frozenset(), reader.id)
    if reader.role is not Role.SUPERVISOR:
        return ReportScope(False, frozenset(), reader.id)
    tags = await conn.scalar(select(agents.c.tags).where(agents.c.id == reader.id)) or []
    rows = await conn.execute(select(services.c.id, services.c.tags))
    ids = frozenset(int(r.id) for r in rows if supervises(reader.role, tags, r.tags))
    return ReportScope(False, ids, reader.id)
