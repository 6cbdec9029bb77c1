"""The pre-chat form: the fields a service asks before a chat, and the answers' rules.

A field is ``{key, kind, label, required, options}``. ``name`` and ``email`` are the
contact's own name and e-mail (the request's ``name`` and ``email``); ``phone``, ``choice``
(one of ``options``) and ``consent`` (a checkbox: the visitor accepts the privacy policy)
are answers kept with the contact, with the label they were asked under. Both sides are
checked here, without I/O: the form an admin saves (``check_form``) and a visitor's
answers to it (``check_answers``); each wrong thing is a *problem* ``{field, code,
message}`` as the request validator reports them."""

from __future__ import annotations

import re
from typing import Any

KINDS = ("name", "email", "phone", "choice", "consent")
ONCE = ("name", "email", "phone", "consent")
"""Kinds a form holds at most once (their key is the kind)."""
MAX_FIELDS = 10
MAX_OPTIONS = 20
LABEL_MAX = 200
OPTION_MAX = 100
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,24}$")

Problem = dict[str, str]


def problem(field: str, code: str, message: str) -> Problem:
    return {"field": field, "code": code, "message": message}


def check_form(
    fields: list[dict[str, Any]], privacy_url_ok: bool
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The form as stored (keys filled in, options only on a choice), or the problems.

    ``privacy_url_ok``: the service has a privacy policy address (a consent needs one)."""
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    if len(fields) > MAX_FIELDS:
        return [], [problem("prechat_fields", "too_many", f"at most {MAX_FIELDS} fields")]
    choices = 0
    for i, raw in enumerate(fields):
        where = f"prechat_fields[{i}]"
        kind = raw.get("kind")
        label = " ".join(str(raw.get("label", "")).split())
        if kind not in KINDS:
            problems.append(problem(where, "invalid", f"kind is one of {', '.join(KINDS)}"))
            continue
        if not label or len(label) > LABEL_MAX:
            problems.append(problem(where, "invalid", f"a label of 1 to {LABEL_MAX} characters"))
            continue
        if kind == "choice":
            choices += 1
            key = str(raw.get("key") or ("choice" if choices == 1 else f"choice_{choices}"))
        else:
            key = kind
        if not KEY.match(key):
            problems.append(problem(where, "invalid", "a key of lowercase letters, digits and _"))
            continue
        if any(f["key"] == key for f in out):
            problems.append(problem(where, "duplicate", f"the form asks {key!r} once"))
            continue
        field: dict[str, Any] = {
            "key": key,
            "kind": kind,
            "label": label,
            "required": bool(raw.get("required", False)),
        }
        if kind == "choice":
            options = [" ".join(str(o).split()) for o in raw.get("options") or []]
            options = list(dict.fromkeys(o for o in options if o))
            if not options or len(options) > MAX_OPTIONS:
                problems.append(
                    problem(where, "invalid", f"a choice needs 1 to {MAX_OPTIONS} options")
                )
                continue
            if any(len(o) > OPTION_MAX for o in options):
                problems.append(
                    problem(where, "invalid", f"options are at most {OPTION_MAX} characters")
                )
                continue
            field["options"] = options
        if kind == "consent" and not privacy_url_ok:
            problems.append(
                problem(
                    "privacy_url",
                    "required",
                    "a consent links the privacy policy: give its address",
                )
            )
            continue
        out.append(field)
    return out, problems


def check_answers(
    fields: list[dict[str, Any]], name: str, email: str, answers: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The answers to keep (``[{key, kind, label, value}]``, name and e-mail left out: the
    contact has them) or the problems. A form without a name field still needs a name (the
    widget always asked one)."""
    problems: list[Problem] = []
    kept: list[dict[str, Any]] = []
    by_key = {f["key"]: f for f in fields}
    for key in answers:
        if key not in by_key or by_key[key]["kind"] in ("name", "email"):
            problems.append(
                problem(f"prechat.{key}", "unknown_field", "the form has no such field")
            )
    if "name" not in by_key and not name.strip():
        problems.append(problem("name", "required", "a name is needed"))
    for field in fields:
        key, kind, required = field["key"], field["kind"], field["required"]
        if kind == "name":
            if required and not name.strip():
                problems.append(problem("name", "required", f"{field['label']}: required"))
            continue
        if kind == "email":
            if email.strip() and not EMAIL.match(email.strip()):
                problems.append(problem("email", "invalid_email", "not an e-mail address"))
            elif required and not email.strip():
                problems.append(problem("email", "required", f"{field['label']}: required"))
            continue
        where = f"prechat.{key}"
        value = answers.get(key)
        if kind == "consent":
            if value is not None and not isinstance(value, bool):
                problems.append(problem(where, "invalid", "true or false"))
            elif required and value is not True:
                problems.append(problem(where, "required", f"{field['label']}: required"))
            elif value is True:
                kept.append({"key": key, "kind": kind, "label": field["label"], "value": True})
            continue
        if value is not None and not isinstance(value, str):
            problems.append(problem(where, "invalid", "a text answer"))
            continue
        text = (value or "").strip()
        if not text:
            if required:
                problems.append(problem(where, "required", f"{field['label']}: required"))
            continue
        if kind == "phone" and not PHONE.match(text):
            problems.append(problem(where, "invalid_phone", "not a telephone number"))
            continue
        if kind == "choice" and text not in field["options"]:
            problems.append(problem(where, "unknown_choice", "not one of the choices"))
            continue
        kept.append({"key": key, "kind": kind, "label": field["label"], "value": text})
    return kept, problems
