"""Summarise a py-spy raw profile: ``python -m bench.flame FILE [FILTER]``.

Prints the functions with the most samples (inclusive), optionally only frames whose text
contains FILTER (for example ``sportello``).
"""

from __future__ import annotations

import sys
from collections import Counter


def summarise(path: str, needle: str = "", top: int = 40) -> str:
    total = 0
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            leaf[frames[-1]] += n
            for frame in set(frames):
                inclusive[frame] += n
    lines = [f"{total} samples", "-- inclusive"]
    shown = [(k, v) for k, v in inclusive.most_common() if needle in k][:top]
    lines += [f"{v / total * 100:5.1f}%  {k}" for k, v in shown]
    lines.append("-- leaf")
    lines += [f"{v / total * 100:5.1f}%  {k}" for k, v in leaf.most_common(15)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarise(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""))
