"""A throwaway nginx running the documented site (docs/deploy/nginx-sportello.conf) with a
test CA's certificate, in front of given Sportello processes, on random ports."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path

from tests.support.postgres import free_port, wait_port

SITE = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "nginx-sportello.conf"
NGINX = Path("/usr/sbin/nginx")


def site_for(upstreams: list[int], https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """The documented site with only what a machine changes: the processes, the ports and
    the certificate."""
    site = SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams)
    site, found = re.subn(r"    server 127\.0\.0\.1:8300;\n", servers, site)
    assert found == 1, "the documented upstream changed: update tests/support/nginx.py"
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/letsencrypt/live/chat.example.com/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/chat.example.com/privkey.pem": str(key),
    }
    for old, new in replacements.items():
        assert old in site, f"the documented site changed ({old}): update tests/support/nginx.py"
        site = site.replace(old, new)
    return site


class ThrowawayNginx:
    def __init__(self, upstreams: list[int]) -> None:
        if not NGINX.exists():
            raise RuntimeError("nginx not found; run `make system-deps`")
        self.dir = Path(tempfile.mkdtemp(prefix="sportello-nginx-"))
        self.port = free_port()
        self.http_port = free_port()
        self.cert, self.key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-keyout", str(self.key), "-out", str(self.cert), "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        (self.dir / "site.conf").write_text(
            site_for(upstreams, self.port, self.http_port, self.cert, self.key)
        )
        (self.dir / "nginx.conf").write_text(
            f"pid {self.dir}/nginx.pid;\n"
            f"error_log {self.dir}/error.log info;\n"
            "daemon off;\nworker_processes 1;\nevents {}\n"
            "http {\n"
            f"  access_log {self.dir}/access.log;\n"
            f"  client_body_temp_path {self.dir}/body;\n  proxy_temp_path {self.dir}/proxy;\n"
            f"  fastcgi_temp_path {self.dir}/fcgi;\n  uwsgi_temp_path {self.dir}/uwsgi;\n"
            f"  scgi_temp_path {self.dir}/scgi;\n"
            f"  include {self.dir}/site.conf;\n"
            "}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"wss://127.0.0.1:{self.port}"

    def tls(self) -> ssl.SSLContext:
        """Trusts this nginx's certificate, and nothing else."""
        return ssl.create_default_context(cafile=str(self.cert))

    def start(self) -> None:
        checked = subprocess.run(
            [str(NGINX), "-t", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            [str(NGINX), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def access_log(self) -> str:
        return (self.dir / "access.log").read_text()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
