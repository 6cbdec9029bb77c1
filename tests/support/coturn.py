"""A throwaway coturn (Debian's ``coturn``) on loopback, with the TURN REST-API secret."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from tests.support.postgres import free_port


class CoturnNotInstalledError(RuntimeError):
    pass


class ThrowawayCoturn:
    def __init__(self, workdir: Path, secret: str) -> None:
        binary = shutil.which("turnserver")
        if binary is None:
            raise CoturnNotInstalledError("turnserver not found (scripts/install-system-deps.sh)")
        self.binary = binary
        self.workdir = workdir
        self.secret = secret
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "turnserver.log"

    @property
    def url(self) -> str:
        return f"turn:127.0.0.1:{self.port}?transport=udp"

    def start(self) -> None:
        relay = free_port()
        args = [
            self.binary,
            "-n",  # no configuration file
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            f"--listening-port={self.port}",
            f"--min-port={relay}",
            f"--max-port={relay + 20}",
            "--use-auth-secret",
            f"--static-auth-secret={self.secret}",
            "--realm=sportello.test",
            "--allow-loopback-peers",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--no-tcp-relay",
            f"--pidfile={self.workdir / 'turnserver.pid'}",
            f"--log-file={self.log}",
            "--simple-log",
            "--verbose",
        ]
        with (self.workdir / "turnserver.out").open("wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"turnserver exited: {self.output()}")
            if "UDP listener opened on" in self.output():
                return
            time.sleep(0.05)
        raise RuntimeError(f"turnserver did not start: {self.output()}")

    def output(self) -> str:
        return "".join(
            p.read_text(errors="replace")
            for p in (self.log, self.workdir / "turnserver.out")
            if p.exists()
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
