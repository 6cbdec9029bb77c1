"""docs/protocol.md's error-code table is true: every error the server raises is there,
with its HTTP status."""

from __future__ import annotations

import re
from pathlib import Path

from sportello.errors import SportelloError

PROTOCOL = Path(__file__).parents[2] / "docs" / "protocol.md"


def all_errors(cls: type[SportelloError]) -> list[type[SportelloError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *all_errors(sub)]
    return found


def test_every_error_code_is_documented_with_its_status() -> None:
    table = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", PROTOCOL.read_text(), re.M))
    raised = {error.code: str(error.status) for error in all_errors(SportelloError)}
    assert "range_not_satisfiable" in raised and "upload_budget_exceeded" in raised
    assert {code: table.get(code) for code in raised} == raised
