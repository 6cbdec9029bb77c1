"""``python -m bench.translation``: the translation engine alone — latency of one short chat
message at a time, and the throughput of the bounded pool at several sizes (unique texts, so
the cache never answers)."""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.stats import summarise_ns
from sportello.config import Settings
from sportello.translation.translator import build_translator

LINES = (
    "Mi pedido no ha llegado todavía.",
    "¿Puedo cambiar la talla de la camiseta?",
    "Gracias, muy amable.",
    "¿Cuánto cuesta el envío a Italia?",
    "El paquete llegó roto, ¿qué hago?",
)


async def measure(count: int, pools: list[int]) -> None:
    settings = Settings()
    translator = build_translator(Settings(translation_timeout_seconds=120))
    await translator.pairs()
    print(f"engine: {settings.translation_engine}, es→en, {count} short messages")
    samples = []
    for i in range(count):
        started = time.monotonic_ns()
        await translator.translate(f"{LINES[i % len(LINES)]} ({i})", "es", "en")
        samples.append(time.monotonic_ns() - started)
    summary = summarise_ns(samples)
    print(f"one at a time: p50 {summary['p50_ms']:.0f} ms, p99 {summary['p99_ms']:.0f} ms")
    for size in pools:
        pooled = build_translator(
            Settings(translation_concurrency=size, translation_timeout_seconds=120)
        )
        await pooled.pairs()
        began = time.monotonic()
        await asyncio.gather(
            *(pooled.translate(f"{LINES[i % 5]} [{size}-{i}]", "es", "en") for i in range(count))
        )
        elapsed = time.monotonic() - began
        print(f"pool of {size}: {count / elapsed:.1f} translations/s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.translation", description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--pools", type=int, nargs="*", default=[1, 2, 4, 8])
    args = parser.parse_args()
    asyncio.run(measure(args.count, args.pools))


if __name__ == "__main__":
    main()
