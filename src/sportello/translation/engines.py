"""The engine interface and its three implementations (Apertium, LibreTranslate, DeepL).

Languages are ISO 639-1 codes ("en", "es") everywhere outside this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections import deque
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import httpx


class EngineError(Exception):
    """The engine could not translate; the message is the reason the agent sees."""


class Engine(Protocol):
    name: str

    async def pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs this engine translates directly."""
        ...

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str] = ()) -> str:
        """``keep``: terms to leave as they are (Apertium only; the others ignore it)."""
        ...

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
"""Apertium runs at the lowest priority: a translation may wait, chat may not."""
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
_WORDS = re.compile(r"\w+(?:['-]\w+)*")
_MARKED = re.compile(r"(?<!\w)[*@](\w+(?:['-]\w+)*)")
_RESERVED = re.compile(r"([\\\[\]^$@/<>{}])")
_STREAM = re.compile(r"\\(.)|\[((?:\\.|[^\]\\])*)\]|([^\\\[]+)", re.DOTALL)
END = "[][\n]"
"""Ends every input as ``apertium-destxt`` ends a text: a sentence boundary the tagger sees."""


def _iso(code: str) -> str:
    return APERTIUM_CODES.get(code, code)


def _escape(text: str) -> str:
    return _RESERVED.sub(r"\\\1", text)


def to_stream(text: str, tag: str = "") -> bytes:
    """Plain text as Apertium's stream format, NUL-terminated: what ``apertium-destxt``
    would make of it (reserved characters escaped, line breaks as blanks), after ``tag`` as
    a blank, which Apertium passes through as it is."""
    return (f"[{tag}]" + _escape(text).replace("\n", "[\n]") + END).encode() + b"\0"


PLACEHOLDER = "Zqxv"
"""Stands for a protected term while Apertium works: a word no pair knows, so it passes
through as an unknown word and keeps its place in the sentence. (Apertium's blanks would
pass the term too, but take it out of the sentence, which upsets the word order.)"""
_PLACEHOLDERS = re.compile(rf"{PLACEHOLDER}([a-z]+)", re.IGNORECASE)


def shield(text: str, keep: Sequence[str]) -> tuple[str, list[str]]:
    """``text`` with each ``keep`` term (whole words, any case) replaced by a placeholder,
    and the terms as they were written, in placeholder order."""
    if not keep:
        return text, []
    found: list[str] = []

    def hide(match: re.Match[str]) -> str:
        found.append(match[0])
        return PLACEHOLDER + _letters(len(found) - 1)

    return _terms(tuple(keep)).sub(hide, text), found


def unshield(text: str, found: list[str]) -> str:
    """The protected terms back in place of their placeholders."""
    if not found:
        return text
    by_name = {_letters(i): term for i, term in enumerate(found)}
    return _PLACEHOLDERS.sub(lambda m: by_name.get(m[1].lower(), m[0]), text)


def _letters(index: int) -> str:
    """0 → "a", 25 → "z", 26 → "ba": a suffix made of letters only (digits would split
    the word in Apertium's tokenizer)."""
    out = ""
    while True:
        index, rest = divmod(index, 26)
        out = chr(ord("a") + rest) + out
        if index == 0:
            return out


@lru_cache(maxsize=256)
def _terms(keep: tuple[str, ...]) -> re.Pattern[str]:
    longest_first = sorted(keep, key=len, reverse=True)
    either = "|".join(re.escape(term) for term in longest_first)
    return re.compile(rf"(?<!\w)(?:{either})(?!\w)", re.IGNORECASE)


def from_stream(stream: str) -> str:
    """Apertium's stream format back to plain text, as ``apertium-retxt`` does."""
    parts = []
    for escaped, blank, plain in _STREAM.findall(stream):
        parts.append(escaped or re.sub(r"\\(.)", r"\1", blank) or plain)
    return "".join(parts).strip()


class ApertiumPipeline:
    """One long-lived Apertium pipeline for one mode, in null-flush mode: each input ends
    with a NUL and its translation comes back ended by a NUL, in order. Inputs are written
    as they come (pipelined), so a busy pipeline keeps all its stages working. An input left
    unanswered for ``stuck_after`` kills the pipeline; every waiting call then fails and the
    next call starts a new one."""

    def __init__(self, argv: list[str], stuck_after: float) -> None:
        self.argv = argv
        self.stuck_after = stuck_after
        self._proc: asyncio.subprocess.Process | None = None
        self._waiting: deque[tuple[str, asyncio.Future[str]]] = deque()
        """Each input's tag and its caller, in the order written."""
        self._written = 0
        self._reader: asyncio.Task[None] | None = None
        self._errors: deque[str] = deque(maxlen=3)
        self._starting = asyncio.Lock()
        self.starts = 0

    @property
    def load(self) -> int:
        return len(self._waiting)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def translate(self, text: str) -> str:
        proc = await self._running()
        assert proc.stdin is not None
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._written += 1
        tag = f"#{self._written}"
        # appended and written with no await between: answers come back in this order
        self._waiting.append((tag, answer))
        watchdog = asyncio.get_running_loop().call_later(
            self.stuck_after, self._stuck, proc, answer
        )
        try:
            proc.stdin.write(to_stream(text, tag))
            await proc.stdin.drain()
            return await asyncio.shield(answer)
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise EngineError(self._why_stopped()) from exc
        finally:
            watchdog.cancel()

    async def _running(self) -> asyncio.subprocess.Process:
        async with self._starting:
            if self._proc is None or self._proc.returncode is not None:
                self._proc = await self._start()
            return self._proc

    async def _start(self) -> asyncio.subprocess.Process:
        if self._reader is not None:
            await self._reader
        try:
            proc = await asyncio.create_subprocess_exec(
                *YIELDING,
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise EngineError(f"apertium cannot run: {exc.strerror or exc}") from exc
        self.starts += 1
        self._errors.clear()
        self._reader = asyncio.get_running_loop().create_task(self._read(proc))
        return proc

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None and proc.stderr is not None
        errors = asyncio.get_running_loop().create_task(self._read_errors(proc.stderr))
        buffer = b""
        while chunk := await proc.stdout.read(65536):
            buffer += chunk
            *done, buffer = buffer.split(b"\0")
            for out in done:
                tag, answer = self._waiting[0]
                text = out.decode(errors="replace")
                if not text.startswith(f"[{tag}]"):
                    # never seen; if it were, every later answer would go to the wrong caller
                    self._errors.append("an answer came back out of order")
                    self._kill(proc)
                    break
                self._waiting.popleft()
                if not answer.done():
                    answer.set_result(from_stream(text.removeprefix(f"[{tag}]")))
        await proc.wait()
        await errors
        failure = EngineError(self._why_stopped())
        while self._waiting:
            _tag, answer = self._waiting.popleft()
            if not answer.done():
                answer.set_exception(failure)

    async def _read_errors(self, stderr: asyncio.StreamReader) -> None:
        while line := await stderr.readline():
            if line.strip():
                self._errors.append(line.decode(errors="replace").strip())

    def _why_stopped(self) -> str:
        last = self._errors[-1] if self._errors else "no message"
        return f"apertium stopped: {last}"

    def _stuck(self, proc: asyncio.subprocess.Process, answer: asyncio.Future[str]) -> None:
        if not answer.done():
            self._errors.append(f"no answer within {self.stuck_after:g} s")
            self._kill(proc)

    @staticmethod
    def _kill(proc: asyncio.subprocess.Process) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    async def close(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            self._kill(self._proc)
        if self._reader is not None:
            await self._reader


class ApertiumEngine:
    """Debian's Apertium pairs, offline, kept loaded: up to ``pipelines`` long-lived
    null-flush pipelines per mode (read from the mode files), started on first use; a call
    goes to the least busy one, so one stuck input does not hold up the rest."""

    name = "apertium"

    def __init__(self, modes_dir: Path, *, pipelines: int = 2, stuck_after: float = 60.0) -> None:
        self.modes_dir = modes_dir
        self.pipelines = pipelines
        self.stuck_after = stuck_after
        self._pool: dict[tuple[str, bool], list[ApertiumPipeline]] = {}
        """By mode, and whether the pipeline marks unknown words."""
        self._starting: dict[tuple[str, bool], asyncio.Lock] = {}
        self._modes: dict[tuple[str, str], str] | None = None

    async def modes(self) -> dict[tuple[str, str], str]:
        """The modes installed (what ``apertium -l`` lists), by pair of ISO codes."""
        if self._modes is None:
            modes: dict[tuple[str, str], str] = {}
            for path in sorted(self.modes_dir.glob("*.mode")):
                match = _MODE.match(path.stem)
                if match:
                    modes.setdefault((_iso(match[1]), _iso(match[2])), path.stem)
            self._modes = modes
        return self._modes

    async def pairs(self) -> set[tuple[str, str]]:
        return set(await self.modes())

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str] = ()) -> str:
        mode = (await self.modes()).get((source, target))
        if mode is None:
            raise EngineError(f"apertium has no {source}→{target} pair installed")
        pipeline = await self._pipeline(mode, marks=False)
        shielded, found = shield(text, keep)
        out = await pipeline.translate(shielded)
        if text.strip() and not out:
            raise EngineError("apertium returned nothing")
        return unshield(out, found)

    async def unknown_words(
        self, text: str, source: str, target: str, keep: Sequence[str] = ()
    ) -> list[str]:
        """The words of ``text`` that the pair's dictionaries do not know (typos, names,
        jargon): Apertium copies them as they are, so the agent should check them. Found
        by a pipeline that marks them (``*word``, ``@word``); a marked word counts only if
        ``text`` has it, so a star the agent typed is not taken for a mark."""
        mode = (await self.modes()).get((source, target))
        if mode is None:
            raise EngineError(f"apertium has no {source}→{target} pair installed")
        shielded, _found = shield(text, keep)
        out = await (await self._pipeline(mode, marks=True)).translate(shielded)
        written = set(_WORDS.findall(shielded))
        marked = (w for w in _MARKED.findall(out) if w in written)
        return list(dict.fromkeys(w for w in marked if not w.startswith(PLACEHOLDER)))

    async def _pipeline(self, mode: str, *, marks: bool) -> ApertiumPipeline:
        pool = self._pool.setdefault((mode, marks), [])
        idle = min(pool, key=lambda p: p.load, default=None)
        if idle is not None and (idle.load == 0 or len(pool) >= self.pipelines):
            return idle
        async with self._starting.setdefault((mode, marks), asyncio.Lock()):
            if len(pool) < self.pipelines:
                argv = await self._argv(mode, marks)
                pool.append(ApertiumPipeline(argv, self.stuck_after))
        return min(pool, key=lambda p: p.load)

    async def _argv(self, mode: str, marks: bool) -> list[str]:
        """The mode's pipeline with null flush on every stage (``apertium-wblank-mode -z``),
        run by bash with the generator told to mark unknown words (``-g``) or not (``-n``)."""
        try:
            proc = await asyncio.create_subprocess_exec(
                "apertium-wblank-mode",
                "-z",
                str(self.modes_dir / f"{mode}.mode"),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await proc.communicate()
        except OSError as exc:
            raise EngineError(f"apertium cannot run: {exc.strerror or exc}") from exc
        if proc.returncode != 0:
            raise EngineError(f"apertium cannot read its {mode} mode: {err.decode().strip()}")
        return ["bash", "-c", out.decode(), "apertium", "-g" if marks else "-n"]

    def running(self) -> list[ApertiumPipeline]:
        return [p for pool in self._pool.values() for p in pool]

    async def close(self) -> None:
        await asyncio.gather(*(p.close() for p in self.running()))


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

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str] = ()) -> str:
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

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str] = ()) -> str:
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

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str] = ()) -> str:
        raise EngineError("translation is turned off")

    async def close(self) -> None:
        pass
