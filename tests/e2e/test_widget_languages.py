"""The widget speaks the visitor's language: the one the page forces, else the service's,
else the browser's, else English (frontend/widget/language.ts); its screens in Italian and
Spanish on a phone, pictured."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.widget_helpers import (
    TIMEOUT_MS,
    WidgetWorld,
    make_world,
    no_dialogs,
    shot,
    visitor_page,
    w,
)
from tests.support.seed import ServiceSpec

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def services(site: str) -> tuple[ServiceSpec, ...]:
    return (
        ServiceSpec("Vendite", ("sales",), sites=(site,), language="it"),
        ServiceSpec("Soporte", ("support",), sites=(site,), language="es"),
        ServiceSpec("Sales", ("sales",), sites=(site,), language="en"),
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WidgetWorld]:
    yield from make_world(tmp_path, services)


RETAG = """new MutationObserver((_, observer) => {
  const tag = document.querySelector('script[src$="/widget.js"]');
  if (!tag) return;
  tag.removeAttribute("data-title");
  Object.assign(tag.dataset, DATA);
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});"""


def embed(page: Page, world: WidgetWorld, **data: str) -> None:
    """Open the demo shop's help page with these data attributes on the widget's script tag
    instead of its title, set as the parser inserts the tag (before the async script runs)."""
    page.add_init_script(RETAG.replace("DATA", json.dumps(data)))
    page.goto(world.demo_url + "/help.html")


def spoken(page: Page) -> str | None:
    return page.locator("sportello-widget .wrap").get_attribute("lang")


def test_the_page_the_service_and_the_browser_choose_the_language(
    world: WidgetWorld, browser: Browser
) -> None:
    world.agent("ann")  # every service can be taken: the start form shows

    # several services, none named: the browser's language (by its primary subtag)
    for locale, lang, start in [
        ("it-IT", "it", "Inizia la chat"),
        ("pt-BR", "pt", "Iniciar chat"),
        ("ja-JP", "en", "Start chat"),  # not spoken: English
    ]:
        _, page = visitor_page(browser, locale=locale)
        page.goto(world.demo_url + "/help.html")
        w(page, "launcher").click()
        expect(w(page, "start")).to_have_text(start, timeout=TIMEOUT_MS)
        assert spoken(page) == lang
        page.context.close()

    # the page names a Spanish service: Spanish, even to an American browser
    _, page = visitor_page(browser, locale="en-US")
    embed(page, world, service="Soporte")
    w(page, "launcher").click()
    expect(w(page, "start")).to_have_text("Iniciar chat", timeout=TIMEOUT_MS)
    expect(w(page, "agent-name")).to_have_text("Chatee con nosotros")
    assert spoken(page) == "es"
    page.context.close()

    # the page forces German on that Spanish service
    _, page = visitor_page(browser, locale="en-US")
    embed(page, world, service="Soporte", language="de")
    w(page, "launcher").click()
    expect(w(page, "start")).to_have_text("Chat starten", timeout=TIMEOUT_MS)
    expect(page.locator("sportello-widget form label").first).to_contain_text("Ihr Name")
    assert spoken(page) == "de"
    no_dialogs(page)


ITALIAN = {
    "nobody": "Al momento nessuno è disponibile in chat. Ci lasci un messaggio e Le "
    "risponderemo via e-mail.",
    "send": "Invia il messaggio",
    "name": "Giulia",
    "question": "La moka va bene sull'induzione?",
    "waiting": "La stiamo mettendo in contatto con un operatore…",
    "joined": "Ora sta parlando con Ann",
    "answer": "Buongiorno Giulia, sì: ha il fondo in acciaio.",
    "placeholder": "Scriva un messaggio…",
    "end": "Chiudi la chat",
    "ended": "Ha chiuso la conversazione.",
}
SPANISH = {
    "nobody": "Ahora mismo no hay nadie disponible para chatear. Déjenos un mensaje y le "
    "responderemos por correo electrónico.",
    "send": "Enviar mensaje",
    "name": "Lucía",
    "question": "¿La cafetera sirve para inducción?",
    "waiting": "Le estamos conectando con un agente…",
    "joined": "Ann se ha unido al chat",
    "answer": "Hola, Lucía: sí, tiene la base de acero.",
    "placeholder": "Escriba un mensaje…",
    "end": "Finalizar",
    "ended": "Ha finalizado la conversación.",
}
# (service, browser locale, language spoken, sentences): an Italian browser on the Italian
# service; an American browser on the Spanish service, which speaks Spanish
VISITORS = [("Vendite", "it-IT", "it", ITALIAN), ("Soporte", "en-US", "es", SPANISH)]


def offer_for(name: str, frame: dict[str, Any]) -> bool:
    return frame.get("kind") == "contact.offered" and frame["data"]["entry"]["visitor_name"] == name


def test_italian_and_spanish_visitors_on_a_phone(world: WidgetWorld, browser: Browser) -> None:
    # nobody is online: the leave-a-message form
    pages: list[Page] = []
    for service, locale, lang, said in VISITORS:
        _, page = visitor_page(browser, locale=locale, viewport=PHONE)
        embed(page, world, service=service)
        w(page, "launcher").click()
        expect(w(page, "leave-intro")).to_have_text(said["nobody"], timeout=TIMEOUT_MS)
        expect(w(page, "leave-send")).to_have_text(said["send"])
        shot(page, f"{lang}-leave-a-message")
        pages.append(page)

    # Ann comes: each visitor asks, waits, chats, and ends the chat
    ann = world.agent("ann")
    for page, (_, _, lang, said) in zip(pages, VISITORS, strict=True):
        page.reload()
        expect(w(page, "start")).to_be_visible(timeout=TIMEOUT_MS)
        w(page, "name").fill(said["name"])
        w(page, "first-message").fill(said["question"])
        w(page, "start").click()
        expect(w(page, "queue").locator("h2")).to_have_text(said["waiting"], timeout=TIMEOUT_MS)
        shot(page, f"{lang}-waiting")

        offered = ann.wait_for(partial(offer_for, said["name"]))
        contact_id = offered["data"]["entry"]["contact_id"]
        ann.accept(contact_id)
        expect(w(page, "joined")).to_have_text(said["joined"], timeout=TIMEOUT_MS)
        ann.say(contact_id, said["answer"])
        agent_said = page.locator("sportello-widget [data-test='msg'][data-sender='agent']")
        expect(agent_said.locator("[data-test='text']")).to_have_text(
            said["answer"], timeout=TIMEOUT_MS
        )
        # the time as Italy and Spain write it: 16:05, not 4:05 PM
        expect(agent_said.locator("time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        expect(w(page, "input")).to_have_attribute("placeholder", said["placeholder"])
        shot(page, f"{lang}-chat")
        assert spoken(page) == lang

        w(page, "close").click()
        expect(w(page, "confirm-yes")).to_have_text(said["end"])
        w(page, "confirm-yes").click()
        expect(w(page, "ended-note")).to_have_text(said["ended"], timeout=TIMEOUT_MS)
        no_dialogs(page)
