"""Who is acting: a signed-in agent or the visitor of one contact."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Role


@dataclass(frozen=True)
class AgentPrincipal:
    id: int
    login: str
    display_name: str
    role: Role

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class VisitorPrincipal:
    contact_id: int
    visitor_id: str


Principal = AgentPrincipal | VisitorPrincipal
