"""``python -m bench compare BASE``: the scenarios on a base commit and on this tree, interleaved.

Each round runs a scenario on the base tree, then on this one (and the relay, with
``--relay``), each as its own ``python -m bench SCENARIO --only …`` process using the same
interpreter, with ``PYTHONPATH`` pointing at that tree's ``src``. The bench itself (the
clients, the seeding, the figures) is this tree's for both, so only the server differs;
``--base-bench`` runs the base's own bench instead. The table
shows each figure's median over the rounds side by side with its ratio; a figure more than
10 % worse than the base's is marked ``!``. Options it does not know (``--smoke``,
``--seconds 8``, ``--rate 600`` …) go to every run unchanged.

BASE is a commit (the tree is ``git archive``d once into ``/tmp/sportello-bench-base-<sha>``
and reused) or the path of a tree that holds ``src/sportello`` and ``bench``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIOS = ("connections", "chat", "intake", "resume")
WORSE_BY = 0.10
"""A figure this much worse than the base's is marked."""

LOWER_IS_BETTER = ("_ms", "_mb", "kb_per_connection", "server_cpu", "_cpu", "failed", "lost")
HIGHER_IS_BETTER = ("_per_s", "connected", "received", "assigned", "replayed")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench compare", description=__doc__)
    p.add_argument("base", help="a commit (sha, tag, branch) or the path of a tree")
    p.add_argument("scenarios", nargs="*", help=f"default: {' '.join(DEFAULT_SCENARIOS)}")
    p.add_argument("--rounds", type=int, default=2, help="base/tree pairs per scenario")
    p.add_argument("--relay", action="store_true", help="run the relay in each round too")
    p.add_argument("--tree", type=Path, default=ROOT, help="the tree to compare (default: this)")
    p.add_argument(
        "--base-bench", action="store_true", help="drive the base with its own bench/ code"
    )
    p.add_argument("--out", type=Path, help="JSON output (default bench/results/compare-<time>)")
    return p


def base_tree(base: str) -> Path:
    """The tree of BASE: a directory as given, or a commit exported once under /tmp."""
    path = Path(base)
    if (path / "src" / "sportello").is_dir() and (path / "bench").is_dir():
        return path.resolve()
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{base}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"sportello-bench-base-{sha[:12]}"
    if (tree / "src" / "sportello").is_dir():
        return tree
    staging = Path(tempfile.mkdtemp(prefix=f"{tree.name}-", dir=tree.parent))
    archive = subprocess.Popen(["git", "archive", sha], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(staging)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {sha} failed")
    try:
        staging.rename(tree)
    except OSError:  # another compare exported it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return tree


def run_one(
    tree: Path, scenario: str, only: str, extra: list[str], bench: Path = ROOT
) -> dict[str, Any] | None:
    """One ``python -m bench`` run of one scenario on one system from ``tree``; its figures,
    or None when that tree's bench does not have the scenario or the run failed twice (a
    busy machine can make a server miss its start-up deadline once)."""
    return _run_once(tree, scenario, only, extra, bench) or _run_once(
        tree, scenario, only, extra, bench
    )


def _run_once(
    tree: Path, scenario: str, only: str, extra: list[str], bench: Path
) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory(prefix="sportello-compare-") as tmp:
        out = Path(tmp) / "run.json"
        env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{bench}"}
        done = subprocess.run(
            [sys.executable, "-m", "bench", scenario, "--only", only, "--out", str(out), *extra],
            cwd=bench,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode != 0 or not out.exists():
            print(f"   {scenario} on {tree}: failed\n{done.stderr[-1500:]}", file=sys.stderr)
            return None
        figures: dict[str, Any] = json.loads(out.read_text())["results"][scenario][only]
        return figures


def median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median of the rounds' numbers (non-numbers: the first round's)."""
    out: dict[str, Any] = {}
    for run in runs:
        for key, value in run.items():
            if key in out:
                continue
            numbers = [
                float(r[key])
                for r in runs
                if isinstance(r.get(key), int | float) and not isinstance(r.get(key), bool)
            ]
            numbers = [n for n in numbers if math.isfinite(n)]
            out[key] = statistics.median(numbers) if numbers else value
    return out


def worse(key: str, ratio: float) -> bool:
    """Whether ``ratio`` (tree / base) is more than WORSE_BY worse for this figure."""
    if key.endswith(LOWER_IS_BETTER):
        return ratio > 1 + WORSE_BY
    if key.endswith(HIGHER_IS_BETTER):
        return ratio < 1 - WORSE_BY
    return False


def _ratio(a: Any, b: Any) -> float | None:
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return None
    if isinstance(a, bool) or isinstance(b, bool) or not b or not math.isfinite(a / b):
        return None
    return float(a) / float(b)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "nan"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = []
    for scenario, systems in results.items():
        base = systems.get("base") or {}
        tree = systems.get("tree") or {}
        relay = systems.get("relay")
        lines.append(f"\n== {scenario} (median of {systems['rounds']} rounds) ==")
        head = f"{'figure':<34} {'base':>10} {'tree':>10} {'tree/base':>10}"
        if relay is not None:
            head += f" {'relay':>10} {'tree/relay':>10}"
        lines.append(head)
        for key in dict.fromkeys([*tree, *base, *(relay or {})]):
            r = _ratio(tree.get(key), base.get(key))
            mark = "!" if r is not None and worse(key, r) else " "
            line = (
                f"{key:<34} {_fmt(base.get(key)):>10} {_fmt(tree.get(key)):>10} "
                f"{(f'{r:.2f}x' if r is not None else ''):>9}{mark}"
            )
            if relay is not None:
                rr = _ratio(tree.get(key), relay.get(key))
                shown = f"{rr:.2f}x" if rr is not None else ""
                line += f" {_fmt(relay.get(key)):>10} {shown:>10}"
            lines.append(line)
    return "\n".join(lines)


def compare(args: argparse.Namespace, extra: list[str]) -> dict[str, Any]:
    base = base_tree(args.base)
    tree = args.tree.resolve()
    results: dict[str, dict[str, Any]] = {}
    rounds: dict[str, dict[str, list[Any]]] = {}
    for scenario in args.scenarios or DEFAULT_SCENARIOS:
        runs: dict[str, list[Any]] = {"base": [], "tree": [], "relay": []}
        for r in range(args.rounds):
            plan = [
                ("base", base, "sportello", base if args.base_bench else tree),
                ("tree", tree, "sportello", tree),
            ]
            if args.relay:
                plan.append(("relay", tree, "relay", tree))
            for label, where, only, bench in plan:
                print(f"-- {scenario} round {r + 1}: {label} …", file=sys.stderr, flush=True)
                runs[label].append(run_one(where, scenario, only, extra, bench))
        rounds[scenario] = runs
        results[scenario] = {"rounds": args.rounds}
        for label, got in runs.items():
            done = [g for g in got if g is not None]
            results[scenario][label] = median_figures(done) if done else None
        if not args.relay:
            results[scenario]["relay"] = None
    return {
        "command": "python -m bench compare " + " ".join(sys.argv[2:]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "base": str(base),
        "tree": str(tree),
        "passed_on": extra,
        "results": results,
        "rounds": rounds,
    }


def main(argv: list[str]) -> int:
    args, extra = build_parser().parse_known_args(argv)
    report = compare(args, extra)
    print(table(report["results"]))
    out = args.out or ROOT / "bench" / "results" / time.strftime("compare-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwritten: {out}")
    missing = [s for s, v in report["results"].items() if v["tree"] is None]
    return 1 if missing else 0
