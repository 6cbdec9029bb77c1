"""The HTTP engines against a local stand-in server that checks the exact requests (URL,
headers, body) and replays recorded responses; the translator's routes, pivot and cache."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from sportello.config import Settings
from sportello.translation.detection import guess_language
from sportello.translation.engines import DeepLEngine, LibreTranslateEngine
from sportello.translation.translator import TranslationFailed, Translator, build_translator

# Recorded answers of the real services (shapes from their API documentation).
LIBRE_LANGUAGES = [
    {"code": "en", "name": "English", "targets": ["es", "it"]},
    {"code": "es", "name": "Spanish", "targets": ["en"]},
]
LIBRE_TRANSLATED = {"translatedText": "I need help with my order."}
DEEPL_SOURCES = [{"language": "EN", "name": "English"}, {"language": "ES", "name": "Spanish"}]
DEEPL_TARGETS = [
    {"language": "EN-US", "name": "English (American)", "supports_formality": False},
    {"language": "ES", "name": "Spanish", "supports_formality": True},
]
DEEPL_TRANSLATED = {"translations": [{"detected_source_language": "ES", "text": "Hello"}]}


class StandIn:
    """Answers only the requests it expects, exactly; anything else is a 418."""

    def __init__(self) -> None:
        self.expected: dict[tuple[str, str], tuple[dict[str, str], Any, Any]] = {}
        self.seen: list[tuple[str, str, dict[str, str], Any]] = []

    def expect(
        self, method: str, path: str, answer: Any, headers: dict[str, str], body: Any = None
    ) -> None:
        self.expected[(method, path)] = (headers, body, answer)

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Any:
        body = json.loads(raw) if raw else None
        self.seen.append((method, path, headers, body))
        want = self.expected.get((method, path))
        if want is None:
            return None
        want_headers, want_body, answer = want
        if any(headers.get(k.lower()) != v for k, v in want_headers.items()):
            return None
        if want_body is not None and body != want_body:
            return None
        return answer


@pytest.fixture
def standin() -> Iterator[tuple[StandIn, str]]:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = state.handle(method, self.path, headers, raw)
            payload = json.dumps(answer).encode()
            self.send_response(200 if answer is not None else 418)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_libretranslate_sends_the_documented_requests(
    standin: tuple[StandIn, str],
) -> None:
    state, url = standin
    state.expect("GET", "/languages", LIBRE_LANGUAGES, {})
    state.expect(
        "POST",
        "/translate",
        LIBRE_TRANSLATED,
        {"content-type": "application/json"},
        {
            "q": "Necesito ayuda con mi pedido.",
            "source": "es",
            "target": "en",
            "format": "text",
            "api_key": "k3y",
        },
    )
    async with httpx.AsyncClient() as client:
        engine = LibreTranslateEngine(url + "/", "k3y", client)
        assert await engine.pairs() == {("en", "es"), ("en", "it"), ("es", "en")}
        text = await engine.translate("Necesito ayuda con mi pedido.", "es", "en")
    assert text == "I need help with my order."


async def test_deepl_sends_its_key_and_the_documented_body(standin: tuple[StandIn, str]) -> None:
    state, url = standin
    auth = {"authorization": "DeepL-Auth-Key secret:fx"}
    state.expect("GET", "/v2/languages?type=source", DEEPL_SOURCES, auth)
    state.expect("GET", "/v2/languages?type=target", DEEPL_TARGETS, auth)
    state.expect(
        "POST",
        "/v2/translate",
        DEEPL_TRANSLATED,
        {**auth, "content-type": "application/json"},
        {"text": ["Hola"], "source_lang": "ES", "target_lang": "EN-US"},
    )
    async with httpx.AsyncClient() as client:
        engine = DeepLEngine(url, "secret:fx", client)
        assert await engine.pairs() == {("en", "es"), ("es", "en")}
        assert await engine.translate("Hola", "es", "en") == "Hello"


async def test_an_http_engine_error_becomes_a_reason(standin: tuple[StandIn, str]) -> None:
    state, url = standin
    state.expect("GET", "/languages", LIBRE_LANGUAGES, {})
    async with httpx.AsyncClient() as client:
        settings = Settings(translation_engine="libretranslate", libretranslate_url=url)
        translator = build_translator(settings, client)
        with pytest.raises(TranslationFailed) as failed:
            await translator.translate("hola", "es", "en")  # the stand-in refuses the body
    assert (failed.value.code, failed.value.reason) == (
        "engine_failed",
        "libretranslate answered 418",
    )


class Counting:
    name = "counting"

    def __init__(self, pairs: set[tuple[str, str]]) -> None:
        self._pairs = pairs
        self.calls: list[tuple[str, str, str]] = []

    async def pairs(self) -> set[tuple[str, str]]:
        return self._pairs

    async def translate(self, text: str, source: str, target: str, keep: Sequence[str] = ()) -> str:
        self.calls.append((text, source, target))
        return f"{text}>{target}"

    async def close(self) -> None:
        pass


async def test_a_missing_pair_goes_through_spanish_and_the_cache_answers_repeats() -> None:
    engine = Counting({("en", "es"), ("es", "it")})
    translator = Translator(
        engine, ["en", "es", "it"], timeout=5, concurrency=2, cache_size=10, queue_limit=10
    )
    done = await translator.translate("hi", "en", "it")
    assert (done.text, done.via) == ("hi>es>it", "es")
    await translator.translate("hi", "en", "it")
    assert engine.calls == [("hi", "en", "es"), ("hi>es", "es", "it")]
    with pytest.raises(TranslationFailed) as failed:
        await translator.translate("ciao", "it", "en")
    assert failed.value.code == "pair_unavailable"


def test_the_widget_locale_wins_unless_the_text_says_otherwise() -> None:
    languages = ["en", "es", "it"]
    assert guess_language("thanks", "es-ES", languages) == "es"
    assert (
        guess_language("Mi pedido no ha llegado todavía y necesito ayuda", "en", languages) == "es"
    )
    assert guess_language("", "de-DE", languages) is None
