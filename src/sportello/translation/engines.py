"""The engine interface and its three implementations (Apertium, LibreTranslate, DeepL).

Languages are ISO 639-1 codes ("en", "es") everywhere outside this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, Protocol

import httpx


class EngineError(Exception):
    """The engine could not translate; the message is the reason the agent sees."""


class Engine(Protocol):
    name: str

    async def pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs this engine translates directly."""
        ...

    async def translate(self, text: str, source: str, target: str) -> str: ...

    async def close(self) -> None: ...


APERTIUM_CODES = {
    "eng": "en",
    "spa": "es",
    "ita": "it",
    "fra": "fr",
    "por": "pt",
    "cat": "ca",
    "deu": "de",
    "glg": "gl",
    "oci": "oc",
    "ron": "ro",
    "eus": "eu",
    "nld": "nl",
}
YIELDING = ["nice", "-n", "19"]
"""Apertium runs at the lowest priority: it is CPU-heavy — several processes per call — and
a translation may wait, chat may not. (SCHED_IDLE starved it outright on a busy machine.)"""
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")


def _iso(code: str) -> str:
    return APERTIUM_CODES.get(code, code)


class ApertiumEngine:
    """One ``apertium`` pipeline per call (Debian's pairs, offline), started from a small
    pool of helper processes: forking the server itself for every message held the
    interpreter long enough to delay chat (measured: docs/benchmarks.md)."""

    name = "apertium"

    def __init__(self, command: str = "apertium", *, workers: int = 4, kill_after: float = 60.0):
        self.command = command
        self.kill_after = kill_after
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        self._modes: dict[tuple[str, str], str] | None = None

    async def _run(self, args: list[str], stdin: bytes) -> bytes:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, run_apertium, self.command, args, stdin, self.kill_after
        )

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def modes(self) -> dict[tuple[str, str], str]:
        if self._modes is None:
            listing = await self._listing()
            modes: dict[tuple[str, str], str] = {}
            for word in listing.split():
                match = _MODE.match(word)
                if match:
                    modes.setdefault((_iso(match[1]), _iso(match[2])), word)
            self._modes = modes
        return self._modes

    async def _listing(self) -> str:
        """``apertium -l``, started directly: once per process, so no helper is needed."""
        try:
            proc = await asyncio.create_subprocess_exec(
                self.command,
                "-l",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )
            out, _ = await proc.communicate()
        except OSError:
            return ""
        return out.decode() if proc.returncode == 0 else ""

    async def pairs(self) -> set[tuple[str, str]]:
        return set(await self.modes())

    async def translate(self, text: str, source: str, target: str) -> str:
        mode = (await self.modes()).get((source, target))
        if mode is None:
            raise EngineError(f"apertium has no {source}→{target} pair installed")
        out = (await self._run(["-u", "-f", "txt", mode], text.encode())).decode().strip()
        if text.strip() and not out:
            raise EngineError("apertium returned nothing")
        return out


def run_apertium(command: str, args: list[str], stdin: bytes, kill_after: float) -> bytes:
    """In a helper process: one apertium call. It yields the CPU to the server
    (``YIELDING``) and runs in its own process group and scratch folder, so a call that
    overruns ``kill_after`` is killed whole, leaving nothing behind."""
    scratch = tempfile.mkdtemp(prefix="sportello-apertium-")
    try:
        try:
            proc = subprocess.Popen(
                [*YIELDING, command, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "TMPDIR": scratch},
                start_new_session=True,
            )
        except OSError as exc:
            raise EngineError(f"apertium cannot run: {exc.strerror or exc}") from exc
        try:
            out, err = proc.communicate(stdin, timeout=kill_after)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise EngineError(f"apertium ran over {kill_after:g} s") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if proc.returncode != 0:
        detail = err.decode(errors="replace").strip().splitlines()
        raise EngineError(f"apertium failed: {detail[-1] if detail else proc.returncode}")
    return out


class LibreTranslateEngine:
    """A LibreTranslate server (self-hostable): ``POST /translate``, ``GET /languages``."""

    name = "libretranslate"

    def __init__(self, url: str, api_key: str | None, client: httpx.AsyncClient) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.client = client

    async def close(self) -> None:
        await self.client.aclose()

    async def pairs(self) -> set[tuple[str, str]]:
        try:
            response = await self.client.get(f"{self.url}/languages")
            response.raise_for_status()
            listing: list[dict[str, Any]] = response.json()
        except (httpx.HTTPError, ValueError):
            return set()
        return {(lang["code"], t) for lang in listing for t in lang.get("targets", [])}

    async def translate(self, text: str, source: str, target: str) -> str:
        body: dict[str, Any] = {"q": text, "source": source, "target": target, "format": "text"}
        if self.api_key:
            body["api_key"] = self.api_key
        data = await _post_json(self.client, f"{self.url}/translate", body, {}, self.name)
        return str(data["translatedText"])


DEEPL_TARGETS = {"en": "EN-US", "pt": "PT-PT"}
"""DeepL wants a variant for these targets."""


class DeepLEngine:
    """DeepL's API (a key; ``https://api-free.deepl.com`` or ``https://api.deepl.com``)."""

    name = "deepl"

    def __init__(self, url: str, api_key: str, client: httpx.AsyncClient) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"DeepL-Auth-Key {api_key}"}
        self.client = client

    async def close(self) -> None:
        await self.client.aclose()

    async def _languages(self, kind: str) -> set[str]:
        response = await self.client.get(
            f"{self.url}/v2/languages", params={"type": kind}, headers=self.headers
        )
        response.raise_for_status()
        return {str(lang["language"]).split("-")[0].lower() for lang in response.json()}

    async def pairs(self) -> set[tuple[str, str]]:
        try:
            sources, targets = await self._languages("source"), await self._languages("target")
        except (httpx.HTTPError, ValueError):
            return set()
        return {(s, t) for s in sources for t in targets if s != t}

    async def translate(self, text: str, source: str, target: str) -> str:
        body = {
            "text": [text],
            "source_lang": source.upper(),
            "target_lang": DEEPL_TARGETS.get(target, target.upper()),
        }
        url = f"{self.url}/v2/translate"
        data = await _post_json(self.client, url, body, self.headers, self.name)
        return str(data["translations"][0]["text"])


async def _post_json(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str], name: str
) -> Any:
    try:
        response = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise EngineError(f"{name} is unreachable: {exc.__class__.__name__}") from exc
    if response.status_code != 200:
        raise EngineError(f"{name} answered {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise EngineError(f"{name} answered something that is not JSON") from exc


class NoEngine:
    """``SPORTELLO_TRANSLATION_ENGINE=off``: no pairs, so the console offers nothing."""

    name = "off"

    async def pairs(self) -> set[tuple[str, str]]:
        return set()

    async def translate(self, text: str, source: str, target: str) -> str:
        raise EngineError("translation is turned off")

    async def close(self) -> None:
        pass
