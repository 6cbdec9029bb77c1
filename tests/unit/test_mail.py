"""The transcript e-mail's pure parts: the catalogue is complete in the widget's six
languages, each language renders its own text and HTML, and the retry backoff."""

from __future__ import annotations

import pytest

from sportello.domain.outbox import claim_lease, retry_delay
from sportello.mail.catalogue import CATALOGUE, LANGUAGES, language_of, say
from sportello.mail.transcript import TranscriptMail, build_message

WIDGET_LANGUAGES = {"it", "en", "es", "fr", "de", "pt"}


def test_every_sentence_is_in_every_widget_language() -> None:
    assert set(LANGUAGES) == WIDGET_LANGUAGES
    for key, sentences in CATALOGUE.items():
        assert set(sentences) == WIDGET_LANGUAGES, key
        assert all(text.strip() for text in sentences.values()), key


@pytest.mark.parametrize(
    ("code", "expected"),
    [("it", "it"), ("pt-BR", "pt"), ("DE_at", "de"), ("ja", "en"), ("", "en"), ("es-419", "es")],
)
def test_language_of(code: str, expected: str) -> None:
    assert language_of(code) == expected


def mail(language: str, requested_by: str = "visitor") -> TranscriptMail:
    return TranscriptMail(
        outbox_id=7,
        to_address="vera@example.org",
        language=language,
        requested_by=requested_by,
        service_name="Sales",
        agent_name="Ann",
        started_at=1_765_000_000.0,
        messages=[
            {"sender": "visitor", "text": "<script>x</script> hi", "created_at": 1_765_000_010.0},
            {
                "sender": "agent",
                "text": "hello",
                "created_at": 1_765_000_020.0,
                "translation": {"state": "done", "text": "ciao"},
            },
            {
                "sender": "agent",
                "text": "",
                "created_at": 1_765_000_030.0,
                "file": {"name": "a.pdf"},
            },
        ],
    )


@pytest.mark.parametrize("language", sorted(WIDGET_LANGUAGES))
def test_each_language_renders_text_and_html(language: str) -> None:
    message = build_message(mail(language), "Shop <help@shop.example>", "shop.example")
    assert message["Subject"] == say("subject", language, service="Sales")
    assert message["Message-ID"] == "<transcript-7@shop.example>"
    assert message["Content-Language"] == language
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert say("intro", language, service="Sales", date="2025-12-06 05:46 UTC") in text
    assert f"{say('you', language)}: <script>x</script> hi" in text
    assert "Ann: ciao" in text  # what the visitor read: the translation
    assert say("file", language, name="a.pdf") in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f"lang='{language}'" in html
    assert say("asked", language) in text


def test_an_automatic_transcript_says_the_service_sends_them() -> None:
    message = build_message(mail("fr", "service"), "s@shop.example", "shop.example")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert say("auto", "fr", service="Sales") in text


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (20, 3600)],
)
def test_retry_delay_doubles_up_to_an_hour(attempts: int, delay: float) -> None:
    assert retry_delay(attempts, 30) == delay


def test_the_claim_lease_outlasts_one_smtp_exchange() -> None:
    assert claim_lease(30) > 8 * 30
