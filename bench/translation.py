"""``python -m bench.translation``: the translation engine alone — latency of one short chat
message at a time, then a steady offered rate (Spanish → English, unique texts so the cache
never answers): translations/s done, p50/p99 from submission, and how many failed (``busy``
once the bounded queue is full)."""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.stats import summarise_ns
from sportello.config import Settings
from sportello.translation.translator import TranslationFailed, Translator, build_translator

LINES = (
    "Mi pedido no ha llegado todavía.",
    "¿Puedo cambiar la talla de la camiseta?",
    "Gracias, muy amable.",
    "¿Cuánto cuesta el envío a Italia?",
    "El paquete llegó roto, ¿qué hago?",
)


async def one(translator: Translator, text: str, samples: list[int], failed: list[str]) -> None:
    started = time.monotonic_ns()
    try:
        await translator.translate(text, "es", "en")
    except TranslationFailed as exc:
        failed.append(exc.code)
        return
    samples.append(time.monotonic_ns() - started)


async def measure(count: int, rates: list[int], seconds: float) -> None:
    settings = Settings()
    translator = build_translator(settings)
    await translator.pairs()
    await translator.translate("Hola.", "es", "en")  # the pipeline started
    print(f"engine: {settings.translation_engine}, es→en, short chat lines")
    samples: list[int] = []
    failed: list[str] = []
    for i in range(count):
        await one(translator, f"{LINES[i % len(LINES)]} ({i})", samples, failed)
    summary = summarise_ns(samples)
    print(f"one at a time: p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms")
    for rate in rates:
        samples, failed = [], []
        total = int(rate * seconds)
        began = time.monotonic()
        tasks = []
        for i in range(total):
            await asyncio.sleep(max(0.0, began + i / rate - time.monotonic()))
            text = f"{LINES[i % len(LINES)]} [{rate}-{i}]"
            tasks.append(asyncio.create_task(one(translator, text, samples, failed)))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - began
        summary = summarise_ns(samples) if samples else {"p50_ms": 0.0, "p99_ms": 0.0}
        print(
            f"offered {rate}/s for {seconds:g} s: {len(samples) / elapsed:.0f} translations/s, "
            f"p50 {summary['p50_ms']:.0f} ms, p99 {summary['p99_ms']:.0f} ms, "
            f"failed {len(failed)} ({', '.join(sorted(set(failed))) or 'none'})"
        )
    await translator.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.translation", description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rates", type=int, nargs="*", default=[30, 100, 300, 1000])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(measure(args.count, args.rates, args.seconds))


if __name__ == "__main__":
    main()
