"""Proactive invitations: a service's rules for inviting a visitor to chat, unasked.

A rule is ``{path, seconds, returning_only, when_available, text}``: the widget shows its
bubble on a page whose path (with the query) matches ``path`` — ``*`` any characters,
everything else literally, e.g. ``/pricing*`` or ``/shop/*/checkout`` — once the visitor
has been ``seconds`` on it; ``returning_only`` waits for a visitor who came before (an
earlier page load of the widget in that browser); ``when_available`` (on unless turned off)
shows it only while someone can take the chat. ``text`` is the bubble's line (empty: the
widget's own, in the visitor's language). Pure: the widget matches the same way."""

from __future__ import annotations

import re
from typing import Any

MAX_RULES = 5
PATH_MAX = 200
TEXT_MAX = 200
SECONDS_MAX = 3600
PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()+,;=:@%/*?\-]*$")

Problem = dict[str, str]


def check_rules(rules: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The rules as stored, or the problems (``invitations[i].path`` …)."""
    if len(rules) > MAX_RULES:
        return [], [
            {"field": "invitations", "code": "too_many", "message": f"at most {MAX_RULES} rules"}
        ]
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, raw in enumerate(rules):
        where = f"invitations[{i}]"
        path = str(raw.get("path", "")).strip()
        if not path or len(path) > PATH_MAX or not PATH.match(path):
            problems.append(
                {
                    "field": f"{where}.path",
                    "code": "invalid_pattern",
                    "message": "a page path starting with /, * for any characters, e.g. /pricing*",
                }
            )
            continue
        seconds = raw.get("seconds", 0)
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int)
            or not 0 <= seconds <= SECONDS_MAX
        ):
            problems.append(
                {
                    "field": f"{where}.seconds",
                    "code": "invalid",
                    "message": f"0 to {SECONDS_MAX} seconds",
                }
            )
            continue
        text = " ".join(str(raw.get("text", "")).split())
        if len(text) > TEXT_MAX:
            problems.append(
                {
                    "field": f"{where}.text",
                    "code": "invalid",
                    "message": f"at most {TEXT_MAX} characters",
                }
            )
            continue
        out.append(
            {
                "path": path,
                "seconds": seconds,
                "returning_only": bool(raw.get("returning_only", False)),
                "when_available": bool(raw.get("when_available", True)),
                "text": text,
            }
        )
    return out, problems


def path_matches(pattern: str, path: str) -> bool:
    """``*`` matches any characters (none included); the rest must be equal."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, path) is not None
