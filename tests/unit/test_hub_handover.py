"""The hub takes the events this process commits straight from the commit, and never
dispatches one twice or out of order, whether the hand-over or a stream read comes first."""

from __future__ import annotations

from typing import Any

from sportello.realtime.hub import StreamHub
from sportello.stream.bus import LocalBus, Signal
from sportello.stream.events import Event


class Recorder:
    def __init__(self) -> None:
        self.positions: list[int] = []

    def deliver(self, event: Event) -> None:
        self.positions.append(event.position)

    def signal(self, signal: Signal) -> None:
        return None

    def end(self, reason: str = "signed_out") -> None:
        return None


def event(position: int) -> Event:
    return Event(
        position=position,
        kind="message.created",
        contact_id=7,
        agent_id=None,
        for_visitor=True,
        for_queue=False,
        payload={},
        created_at=0.0,
    )


def hub_at(position: int) -> tuple[StreamHub, Recorder]:
    hub = StreamHub(db=None, bus=LocalBus())  # type: ignore[arg-type]
    hub.position = position
    widget = Recorder()
    hub.add_visitor(7, widget)
    return hub, widget


def test_events_that_follow_the_position_are_dispatched_at_once() -> None:
    hub, widget = hub_at(10)
    hub.committed([event(11), event(12)])
    assert widget.positions == [11, 12]
    assert hub.position == 12


def test_events_after_a_gap_wait_for_the_stream_read() -> None:
    hub, widget = hub_at(10)
    hub.committed([event(12), event(13)])  # 11 was committed by another process
    assert widget.positions == []
    assert hub.position == 10


def test_events_a_read_already_brought_are_not_sent_again() -> None:
    hub, widget = hub_at(10)
    hub.committed([event(11)])
    hub.committed([event(11), event(12)])
    assert widget.positions == [11, 12]


async def test_a_read_skips_what_the_hand_over_dispatched(monkeypatch: Any) -> None:
    hub, widget = hub_at(10)
    stored = [event(11), event(12), event(13)]

    async def read_after(_conn: Any, after: int, **_kw: Any) -> list[Event]:
        # The hand-over lands while the read is in flight.
        hub.committed([event(11), event(12)])
        return [e for e in stored if e.position > after]

    class Reads:
        def read(self) -> Any:
            class Snapshot:
                async def __aenter__(self) -> None:
                    return None

                async def __aexit__(self, *_exc: object) -> None:
                    return None

            return Snapshot()

    monkeypatch.setattr("sportello.realtime.hub.read_after", read_after)
    hub.db = Reads()  # type: ignore[assignment]
    await hub.catch_up()
    assert widget.positions == [11, 12, 13]
    assert hub.position == 13
