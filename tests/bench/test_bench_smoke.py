"""A tiny run of every benchmark scenario, on Sportello and on the relay.

Checks that each scenario completes and reports every figure; asserts no timing.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIGURES = {
    "connections": (
        "connected",
        "rss_before_mb",
        "rss_after_mb",
        "kb_per_connection",
        "connects_per_s",
        "connect_p50_ms",
        "connect_p99_ms",
    ),
    "chat": (
        "sent",
        "received",
        "msgs_per_s",
        "server_cpu",
        *(
            f"{d}_{q}"
            for d in ("visitor_to_agent", "agent_to_visitor")
            for q in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        ),
    ),
    "intake": (
        "requested",
        "assigned",
        "contacts_per_s",
        "request_to_console_p50_ms",
        "request_to_console_p99_ms",
        "request_to_assigned_p50_ms",
        "request_to_assigned_p99_ms",
        "server_cpu",
    ),
    "resume": ("replayed", "replay_p50_ms", "replay_max_ms", "hello_p50_ms", "events_per_s"),
}
COUNTS = ("connected", "sent", "received", "requested", "assigned", "replayed")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "== chat ==" in done.stdout
    data: dict[str, Any] = json.loads(out.read_text())
    return data


@pytest.mark.parametrize("scenario", sorted(FIGURES))
@pytest.mark.parametrize("system", ["sportello", "relay"])
def test_scenario_reports_every_figure(report: dict[str, Any], scenario: str, system: str) -> None:
    figures = report["results"][scenario][system]
    for key in FIGURES[scenario]:
        value = figures.get(key)
        assert isinstance(value, int | float), f"{scenario}/{system}: {key} = {value!r}"
        assert math.isfinite(value), f"{scenario}/{system}: {key} = {value!r}"
        if key in COUNTS:
            assert value > 0, f"{scenario}/{system}: {key} = {value!r}"


def test_latencies_have_relay_ratios(report: dict[str, Any]) -> None:
    ratios = report["ratios"]
    for scenario, keys in FIGURES.items():
        for key in keys:
            if key.endswith("_ms"):
                value = ratios[scenario].get(key)
                assert isinstance(value, float) and math.isfinite(value), (scenario, key)


def test_machine_is_described(report: dict[str, Any]) -> None:
    assert report["machine"]["nproc"] > 0
    assert report["machine"]["python"]


def test_upload_scenario_reports_its_figures(tmp_path: Path) -> None:
    """Every upload is taken: the run turns the per-visitor budget off (its uploaders send
    far more than one visitor may; with the 50 MB default, a fast machine spent it)."""
    out = tmp_path / "upload.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "upload",
            "--smoke",
            "--only",
            "sportello",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(out.read_text())["results"]["upload"]["sportello"]
    assert figures["upload_files"] > 0, figures
    assert figures["upload_errors"] == 0, figures["upload_errors_by_code"]
    assert figures["chat_lost_with_uploads"] == 0
    for key in (
        "upload_mb_per_s",
        "rss_peak_mb",
        "with_uploads_visitor_to_agent_p99_ms",
        "without_uploads_visitor_to_agent_p99_ms",
    ):
        assert isinstance(figures[key], float) and math.isfinite(figures[key]), key


def test_soak_scenario_reports_start_and_end(tmp_path: Path) -> None:
    """Seconds of chat while widgets and consoles resume and contacts come and go: every
    message sent reaches the other side, and both windows are reported."""
    out = tmp_path / "soak.json"
    done = subprocess.run(
        [*(sys.executable, "-m", "bench", "soak", "--smoke"), "--only", "sportello", "--out", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(out.read_text())["results"]["soak"]["sportello"]
    for key in ("sent", "widget_resumes", "console_resumes", "churned"):
        assert figures[key] > 0, key
    assert figures["lost"] == 0 and figures["errors"] == 0
    for key in (
        "start_p50_ms",
        "end_p99_ms",
        "start_rss_mb",
        "end_rss_mb",
        "start_fds",
        "end_fds",
        "start_server_cpu",
        "end_server_cpu",
    ):
        assert isinstance(figures[key], int | float) and math.isfinite(figures[key]), key


def test_intake_beside_a_long_queue_reports_its_figures(tmp_path: Path) -> None:
    """Intake while another service's queue holds contacts (issue 25's queue benchmark, at
    smoke size): the queued contacts are seeded and every request is still served."""
    out = tmp_path / "queued.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "intake",
            "--smoke",
            "--only",
            "sportello",
            "--intake-queued",
            "200",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(out.read_text())["results"]["intake"]["sportello"]
    assert figures["assigned"] > 0 and figures["unassigned"] == 0, figures
