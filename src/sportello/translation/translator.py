"""The engine in use, with a cache, a concurrency limit, a timeout, and pivot routes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from sportello.config import Settings
from sportello.translation.engines import (
    ApertiumEngine,
    DeepLEngine,
    Engine,
    EngineError,
    LibreTranslateEngine,
    NoEngine,
)

PIVOT = "es"
"""Apertium's hub language: most Debian pairs have Spanish on one side."""


class TranslationFailed(Exception):
    """A translation that did not happen; ``code`` is machine-readable, the text says why."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Busy(Exception):
    """The queue is full: fail now rather than wait out the timeout."""


@dataclass(frozen=True)
class Route:
    source: str
    target: str
    via: str | None
    """The pivot language when no direct pair exists (quality drops: the chooser says so)."""

    def view(self, engine: str) -> dict[str, str | None]:
        return {"source": self.source, "target": self.target, "via": self.via, "engine": engine}


@dataclass(frozen=True)
class Translation:
    text: str
    engine: str
    via: str | None


class Translator:
    def __init__(
        self,
        engine: Engine,
        languages: list[str],
        *,
        timeout: float,
        concurrency: int,
        cache_size: int,
        queue_limit: int,
    ) -> None:
        self.engine = engine
        self.languages = languages
        self.timeout = timeout
        self._slots = asyncio.Semaphore(concurrency)
        self._cache: OrderedDict[tuple[str, str, str, str, tuple[str, ...]], str] = OrderedDict()
        self._cache_size = cache_size
        self._pairs: set[tuple[str, str]] | None = None
        self.queue_limit = queue_limit
        self.queued = 0
        """Translations waiting for the engine or under way (the bounded queue)."""
        self.engine_calls = 0

    async def close(self) -> None:
        await self.engine.close()

    async def pairs(self) -> set[tuple[str, str]]:
        """Read once; an empty answer (a service that was down) is asked again next time."""
        if self._pairs:
            return self._pairs
        self._pairs = await self.engine.pairs()
        return self._pairs

    async def route(self, source: str, target: str) -> Route | None:
        pairs = await self.pairs()
        if source == target or (source, target) in pairs:
            return Route(source, target, None)
        if (source, PIVOT) in pairs and (PIVOT, target) in pairs:
            return Route(source, target, PIVOT)
        return None

    async def routes(self) -> list[Route]:
        """Every route between two configured languages, direct or through the pivot."""
        found = []
        for source in self.languages:
            for target in self.languages:
                if source != target:
                    route = await self.route(source, target)
                    if route is not None:
                        found.append(route)
        return found

    async def translate(
        self, text: str, source: str, target: str, keep: Sequence[str] = ()
    ) -> Translation:
        """Translate within the timeout, or raise TranslationFailed saying why; ``keep``
        terms (a service's glossary) are left as they are."""
        keep = tuple(keep)
        route = await self.route(source, target)
        if route is None:
            raise TranslationFailed(
                "pair_unavailable", f"{self.engine.name} cannot translate {source}→{target}"
            )
        if source == target:
            return Translation(text, self.engine.name, None)
        try:
            async with asyncio.timeout(self.timeout):
                if route.via is None:
                    result = await self._step(text, source, target, keep)
                else:
                    middle = await self._step(text, source, route.via, keep)
                    result = await self._step(middle, route.via, target, keep)
        except TimeoutError as exc:
            raise TranslationFailed(
                "timeout", f"{self.engine.name} took longer than {self.timeout:g} s"
            ) from exc
        except _Busy as exc:
            raise TranslationFailed(
                "busy", f"{self.engine.name} has {self.queue_limit} translations waiting"
            ) from exc
        except EngineError as exc:
            raise TranslationFailed("engine_failed", str(exc)) from exc
        return Translation(result, self.engine.name, route.via)

    async def unknown_words(
        self, text: str, source: str, target: str, keep: Sequence[str] = ()
    ) -> list[str]:
        """The words of ``text`` the engine will leave as written because it does not know
        them (Apertium only: the first step of the route); empty when it cannot tell."""
        route = await self.route(source, target)
        if not isinstance(self.engine, ApertiumEngine) or route is None or source == target:
            return []
        try:
            async with asyncio.timeout(self.timeout):
                return await self.engine.unknown_words(text, source, route.via or target, keep)
        except (TimeoutError, EngineError):
            return []

    async def _step(self, text: str, source: str, target: str, keep: tuple[str, ...]) -> str:
        key = (text, source, target, self.engine.name, keep)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        if self.queued >= self.queue_limit:
            raise _Busy
        self.queued += 1
        try:
            async with self._slots:
                self.engine_calls += 1
                result = await self.engine.translate(text, source, target, keep)
        finally:
            self.queued -= 1
        self._cache[key] = result
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result


def build_translator(settings: Settings, client: httpx.AsyncClient | None = None) -> Translator:
    engine: Engine
    if settings.translation_engine == "libretranslate":
        engine = LibreTranslateEngine(
            settings.libretranslate_url, settings.libretranslate_api_key, client or _client()
        )
    elif settings.translation_engine == "deepl":
        engine = DeepLEngine(settings.deepl_url, settings.deepl_api_key or "", client or _client())
    elif settings.translation_engine == "off":
        engine = NoEngine()
    else:
        engine = ApertiumEngine(
            settings.apertium_modes_dir,
            pipelines=settings.apertium_pipelines,
            # the translator gives up at the timeout; a stuck pipeline is killed a little later
            stuck_after=settings.translation_timeout_seconds + 1.0,
        )
    return Translator(
        engine,
        settings.translation_languages,
        timeout=settings.translation_timeout_seconds,
        concurrency=settings.translation_concurrency,
        cache_size=settings.translation_cache_size,
        queue_limit=settings.translation_queue_limit,
    )


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(30.0))
