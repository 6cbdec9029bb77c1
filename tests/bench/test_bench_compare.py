"""``python -m bench compare``: a scenario on two trees, interleaved, figures side by side.

The smoke run compares this tree with a copy of itself (two trees, one resume scenario
at smoke size); it asserts the shape of the report, never a timing.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bench.compare import base_tree, median_figures, table, worse

ROOT = Path(__file__).resolve().parents[2]


def test_compare_runs_a_scenario_on_two_trees(tmp_path: Path) -> None:
    base = tmp_path / "base"
    skip = shutil.ignore_patterns("__pycache__", "static", "results")
    shutil.copytree(ROOT / "src", base / "src", ignore=skip)
    shutil.copytree(ROOT / "bench", base / "bench", ignore=skip)
    out = tmp_path / "compare.json"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "compare", str(base), "resume", "--smoke"),
            *("--rounds", "1", "--out", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "tree/base" in done.stdout and "replay_p50_ms" in done.stdout
    report = json.loads(out.read_text())
    assert report["base"] == str(base) and report["passed_on"] == ["--smoke"]
    resume = report["results"]["resume"]
    for side in ("base", "tree"):
        assert resume[side]["replayed"] > 0
        assert math.isfinite(resume[side]["replay_p50_ms"])
    assert len(report["rounds"]["resume"]["base"]) == 1


def test_a_commit_is_exported_once_and_reused() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tree = base_tree("HEAD")
    assert (tree / "src" / "sportello" / "app.py").is_file()
    assert (tree / "bench" / "compare.py").is_file() or (tree / "bench" / "cli.py").is_file()
    assert base_tree("HEAD") == tree


def test_medians_and_the_worse_mark() -> None:
    runs = [{"p99_ms": 10.0, "connected": 5, "kind": "a"}, {"p99_ms": 30.0, "connected": 7}]
    assert median_figures(runs) == {"p99_ms": 20.0, "connected": 6.0, "kind": "a"}
    assert worse("connect_p99_ms", 1.2) and not worse("connect_p99_ms", 1.05)
    assert worse("connects_per_s", 0.8) and not worse("connects_per_s", 1.5)
    assert not worse("events", 3.0)
    printed = table(
        {
            "chat": {
                "rounds": 1,
                "base": {"server_cpu": 0.5},
                "tree": {"server_cpu": 0.8},
                "relay": {"server_cpu": 0.1},
            }
        }
    )
    assert "1.60x!" in printed and "8.00x" in printed
