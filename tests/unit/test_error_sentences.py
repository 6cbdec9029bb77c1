"""Every error code docs/protocol.md lists has a sentence for a person in the front end's
one table (frontend/shared/errors.ts), so no screen falls back to developer wording."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def documented_codes() -> set[str]:
    text = (ROOT / "docs" / "protocol.md").read_text()
    table = text[text.index("## Error codes") :]
    return set(re.findall(r"^\| `([a-z_]+)` \| \d{3} \|", table, re.MULTILINE))


def sentence_codes() -> set[str]:
    text = (ROOT / "frontend" / "shared" / "errors.ts").read_text()
    block = text[text.index("export const SENTENCES") : text.index("export interface ErrorLike")]
    return set(re.findall(r"^  ([a-z_]+):", block, re.MULTILINE))


def test_every_documented_code_has_a_sentence() -> None:
    codes = documented_codes()
    assert len(codes) > 40  # the table was found
    assert codes - sentence_codes() == set()
