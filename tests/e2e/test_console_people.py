"""One source of truth for presence, and a disabled agent told why (issue 20, item 16): the
transfer dialog says "reconnecting" for an agent whose console went away, as supervision
does, never "ready"; an agent whose account is disabled reads that, not that the session
ended."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import E2EServer
from tests.e2e.console_helpers import (
    Visitor,
    console_server,
    panel,
    service_id,
    sign_in,
    visitors,
)

__all__ = ["console_server", "visitors"]


def test_the_transfer_dialog_shows_reconnecting_and_a_disabled_agent_is_told(
    console_server: E2EServer,
    context_factory: Callable[..., BrowserContext],
    visitors: Callable[[], Visitor],
) -> None:
    server = console_server
    ann = sign_in(context_factory(), server, "ann")
    bob_context = context_factory()
    sign_in(bob_context, server, "bob")
    cyd = sign_in(context_factory(), server, "cyd")
    vera = visitors()
    contact_id = vera.request(service_id(server, "Sales"), "Vera")
    origin = {"Origin": server.url}
    taken = ann.request.post(f"{server.url}/api/contacts/{contact_id}/accept", headers=origin)
    assert taken.ok, taken.text()

    bob_context.close()  # Bob's only console goes away: he is reconnecting, with no console
    panel(ann, contact_id).get_by_test_id("transfer-tool").click()
    dialog = ann.get_by_test_id("transfer-dialog")
    bob = dialog.locator('[data-testid="transfer-agent"]', has_text="Bob")
    expect(bob.get_by_test_id("transfer-agent-status")).to_contain_text("reconnecting, no console")
    expect(bob).to_have_attribute("data-can-take", "false")

    cyd_id = server.seeded.agents["cyd"]["id"]
    off = ann.request.patch(
        f"{server.url}/api/admin/agents/{cyd_id}", data={"enabled": False}, headers=origin
    )
    assert off.ok, off.text()
    expect(cyd.get_by_test_id("notice")).to_contain_text(
        "Your account was disabled by an administrator"
    )
    expect(cyd.get_by_test_id("notice")).not_to_contain_text("Your session has ended")
