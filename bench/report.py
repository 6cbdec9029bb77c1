"""The printed table: every figure of Sportello next to the relay's, with their ratio."""

from __future__ import annotations

import math
from typing import Any

from bench.scenarios.common import ratio

RATIO_SUFFIXES = ("_ms", "kb_per_connection", "rss_after_mb")
"""Figures compared against the relay (lower is better for all of them)."""


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def compared(results: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per scenario, per figure: Sportello / relay, for the figures where that means
    something (latencies, memory)."""
    out: dict[str, dict[str, float | None]] = {}
    for name, pair in results.items():
        ours, base = pair.get("sportello", {}), pair.get("relay", {})
        out[name] = {
            key: ratio(value, base.get(key))
            for key, value in ours.items()
            if key.endswith(RATIO_SUFFIXES) and key in base
        }
    return out


def table(results: dict[str, Any]) -> str:
    ratios = compared(results)
    lines = []
    for name, pair in results.items():
        ours, base = pair.get("sportello", {}), pair.get("relay", {})
        lines.append(f"\n== {name} ==")
        lines.append(f"{'figure':<30} {'sportello':>12} {'relay':>12} {'ratio':>8}")
        for key in list(ours) or list(base):
            r = ratios[name].get(key)
            lines.append(
                f"{key:<30} {_fmt(ours.get(key)):>12} {_fmt(base.get(key)):>12} "
                f"{(f'{r:.2f}x' if r is not None else ''):>8}"
            )
    return "\n".join(lines)
