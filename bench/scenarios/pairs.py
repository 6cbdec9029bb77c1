"""Worker-side setup shared by chat and resume: agents with consoles, contacts accepted by
a chosen agent, and a widget per contact — all through the public API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.wire import Agent, Api, Frame, Socket, node_of, open_console, open_widget


@dataclass
class Pair:
    """One contact: its visitor's widget and the console of the agent holding it."""

    contact_id: int
    token: str
    agent: Agent
    console: Socket
    widget: Socket | None = None
    position: int = 0
    """The widget's last seen stream position (for resuming)."""
    extra: dict[str, Any] = field(default_factory=dict)


async def sign_in_all(
    api: Api,
    target: dict[str, Any],
    specs: list[dict[str, Any]],
    on_console: Callable[[Agent], Callable[[Frame], None]],
) -> list[tuple[Agent, Socket]]:
    """In a multi-process run agent k works with process k (modulo their number)."""
    out = []
    for spec in specs:
        node = node_of(target, int(spec["id"])) if target.get("nodes") else None
        agent = await api.sign_in(spec["login"], spec["password"], spec["service_id"], node)
        out.append((agent, await open_console(target, agent, on_console(agent))))
    return out


async def make_pairs(
    api: Api,
    target: dict[str, Any],
    consoles: list[tuple[Agent, Socket]],
    count: int,
    tag: str,
    on_widget: Callable[[Pair], Callable[[Frame], None]],
) -> list[Pair]:
    """``count`` contacts, contact i accepted by agent i % len(consoles), each with a widget
    (in a multi-process run, on the process after its agent's: every chat crosses)."""
    pairs = []
    for i in range(count):
        agent, console = consoles[i % len(consoles)]
        assert agent.service_id is not None
        node = node_of(target, agent.node["index"] + 1) if agent.node else None
        body = await api.create_contact(
            agent.service_id, f"Bench {tag} {i}", f"bench{tag}x{i:06d}", node
        )
        contact_id = int(body["contact"]["id"])
        status = await api.accept(agent, contact_id)
        if status != 200:
            raise RuntimeError(f"accept of contact {contact_id} by {agent.login}: HTTP {status}")
        pair = Pair(contact_id, str(body["token"]), agent, console)
        pair.widget = await open_widget(target, pair.token, on_widget(pair), node=node)
        pairs.append(pair)
    return pairs
