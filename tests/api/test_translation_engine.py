"""The translation engine kept loaded (issue 22): real Apertium pipelines in null-flush
mode, reused across calls, restarted when killed; the bounded queue failing fast."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from sportello.translation.engines import (
    ApertiumEngine,
    ApertiumPipeline,
    EngineError,
    from_stream,
    shield,
    to_stream,
    unshield,
)
from sportello.translation.translator import TranslationFailed, Translator

MODES = Path("/usr/share/apertium/modes")


def test_plain_text_survives_the_stream_format() -> None:
    text = "a [b] ^c$ @d / <e> {f} \\g\nh"
    stream = to_stream(text)
    assert stream.endswith(b"\0") and b"\n" not in stream.replace(b"[\n]", b"")
    assert from_stream(stream[:-1].decode()) == text


async def test_one_pipeline_serves_many_calls_and_restarts_when_killed() -> None:
    engine = ApertiumEngine(MODES, pipelines=2, stuck_after=30)
    try:
        lines = ["Gracias.", "Mi pedido no ha llegado todavía.", "Hola [1] ^a$\nadiós"]
        done = await asyncio.gather(*(engine.translate(t, "es", "en") for t in lines))
        assert done == [
            "Thank you.",
            "My request has not arrived still.",
            "Hello [1] ^to$\ngoodbye",
        ]
        for _ in range(5):
            assert await engine.translate("Gracias.", "es", "en") == "Thank you."
        pipelines = engine.running()
        assert sum(p.starts for p in pipelines) == len(pipelines) <= 2

        first = pipelines[0]
        pid = first.pid
        assert pid is not None
        pending = asyncio.ensure_future(first.translate("Buenos días."))
        os.killpg(pid, signal.SIGKILL)
        with pytest.raises(EngineError, match="apertium stopped"):
            await pending
        assert await first.translate("Buenos días.") == "Good morning."
        assert first.starts == 2 and first.pid != pid
    finally:
        await engine.close()


async def test_an_answer_out_of_order_stops_the_pipeline_rather_than_misdeliver() -> None:
    # answers every input with the tag of another
    wrong = "import os\nwhile os.read(0, 65536): os.write(1, b'[#99]nope\\0')"
    pipeline = ApertiumPipeline([sys.executable, "-c", wrong], stuck_after=30)
    try:
        with pytest.raises(EngineError, match="out of order"):
            await pipeline.translate("Hola.")
    finally:
        await pipeline.close()


class SlowEngine:
    """Answers only when told to."""

    name = "slow"

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.calls = 0

    async def pairs(self) -> set[tuple[str, str]]:
        return {("es", "en")}

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str]) -> str:
        self.calls += 1
        await self.go.wait()
        return text.upper()

    async def close(self) -> None:
        pass


async def test_a_full_queue_fails_new_translations_at_once() -> None:
    engine = SlowEngine()
    translator = Translator(
        engine, ["es", "en"], timeout=60, concurrency=1, cache_size=10, queue_limit=2
    )
    waiting = [asyncio.ensure_future(translator.translate(t, "es", "en")) for t in "ab"]
    await asyncio.sleep(0)
    with pytest.raises(TranslationFailed) as refused:
        await translator.translate("c", "es", "en")
    assert refused.value.code == "busy" and engine.calls == 1
    engine.go.set()
    assert [t.text for t in await asyncio.gather(*waiting)] == ["A", "B"]
    assert (await translator.translate("c", "es", "en")).text == "C"


def test_protected_terms_hide_behind_placeholders_and_come_back_as_written() -> None:
    text, found = shield("orange juice at Orange, not oranges", ["Orange"])
    assert found == ["orange", "Orange"]
    assert text == "Zqxva juice at Zqxvb, not oranges"
    assert unshield("zumo de Zqxva en ZQXVB", found) == "zumo de orange en Orange"
    many = [f"t{i}" for i in range(30)]
    hidden, terms = shield(" ".join(many), many)
    assert unshield(hidden, terms) == " ".join(many)
