"""Process facts from /proc (RSS, CPU ticks), the open-file limit, CPU pinning, the machine."""

from __future__ import annotations

import os
import platform
import resource
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")


def raise_nofile() -> int:
    """Lift the soft open-file limit to the hard one (many sockets per process)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def pin(cpus: list[int] | None) -> None:
    """Restrict this process to the given CPUs (None or unavailable CPUs: leave it)."""
    if not cpus:
        return
    usable = [c for c in cpus if c < (os.cpu_count() or 1)]
    if usable:
        os.sched_setaffinity(0, usable)


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, in kB there)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        raw = f.read()
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def parent_pid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        raw = f.read()
    return int(raw[raw.rindex(")") + 2 :].split()[1])


def children(pid: int) -> list[int]:
    """The direct children of a process (from every /proc/<pid>/stat)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if parent_pid(int(entry)) == pid:
                    out.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
    return out


class TreeCpuMeter:
    """CPU use of a process and its direct children between start() and stop(), as a share
    of one core: PostgreSQL's postmaster and its backends. A child that appeared during the
    window counts whole; one that ended during it is lost (backends here are pooled)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self._before: dict[int, float] = {}
        self._wall = 0

    def _snapshot(self) -> dict[int, float]:
        out = {}
        for pid in [self.root, *children(self.root)]:
            try:
                out[pid] = cpu_seconds(pid)
            except (OSError, ValueError, IndexError):
                continue
        return out

    def start(self) -> None:
        self._before = self._snapshot()
        self._wall = _now_ns()

    def stop(self) -> float:
        after = self._snapshot()
        wall = (_now_ns() - self._wall) / 1e9
        used = sum(cpu - self._before.get(pid, 0.0) for pid, cpu in after.items())
        return used / wall if wall > 0 else 0.0


class CpuMeter:
    """CPU use of a process between start() and stop(), as a share of one core."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._cpu = 0.0
        self._wall = 0

    def start(self) -> None:
        self._cpu = cpu_seconds(self.pid)
        self._wall = _now_ns()

    def stop(self) -> float:
        wall = (_now_ns() - self._wall) / 1e9
        return (cpu_seconds(self.pid) - self._cpu) / wall if wall > 0 else 0.0


def _now_ns() -> int:
    import time

    return time.monotonic_ns()


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }
