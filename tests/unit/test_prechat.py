"""The pre-chat form's rules (domain/prechat.py), one row a case."""

from __future__ import annotations

from typing import Any

import pytest

from sportello.domain.prechat import check_answers, check_form

FORM, _ = check_form(
    [
        {"kind": "name", "label": "Name", "required": False},
        {"kind": "email", "label": "E-mail", "required": True},
        {"kind": "phone", "label": "Phone"},
        {"kind": "choice", "label": "Topic", "required": True, "options": ["A", "B"]},
        {"kind": "choice", "label": "Shop", "options": ["Rome", "Milan"]},
        {"kind": "consent", "label": "I agree", "required": True},
    ],
    privacy_url_ok=True,
)
GOOD: dict[str, Any] = {"choice": "A", "consent": True}


def test_the_form_gets_its_keys() -> None:
    assert [f["key"] for f in FORM] == ["name", "email", "phone", "choice", "choice_2", "consent"]
    assert "options" not in FORM[2] and FORM[4]["options"] == ["Rome", "Milan"]


@pytest.mark.parametrize(
    ("name", "email", "answers", "problems"),
    [
        ("", "a@b.example", GOOD, []),
        ("Vera", "", GOOD, [("email", "required")]),
        ("Vera", "a@b", GOOD, [("email", "invalid_email")]),
        ("Vera", "a@b.example", {"consent": True}, [("prechat.choice", "required")]),
        ("Vera", "a@b.example", {**GOOD, "choice": "C"}, [("prechat.choice", "unknown_choice")]),
        (
            "Vera",
            "a@b.example",
            {**GOOD, "choice_2": "Turin"},
            [("prechat.choice_2", "unknown_choice")],
        ),
        ("Vera", "a@b.example", {**GOOD, "phone": "call me"}, [("prechat.phone", "invalid_phone")]),
        ("Vera", "a@b.example", {**GOOD, "phone": 39}, [("prechat.phone", "invalid")]),
        ("Vera", "a@b.example", {"choice": "A"}, [("prechat.consent", "required")]),
        (
            "Vera",
            "a@b.example",
            {"choice": "A", "consent": False},
            [("prechat.consent", "required")],
        ),
        (
            "Vera",
            "a@b.example",
            {"choice": "A", "consent": "yes"},
            [("prechat.consent", "invalid")],
        ),
        ("Vera", "a@b.example", {**GOOD, "age": "40"}, [("prechat.age", "unknown_field")]),
        ("Vera", "a@b.example", {**GOOD, "email": "x@y.z"}, [("prechat.email", "unknown_field")]),
    ],
)
def test_answers(
    name: str, email: str, answers: dict[str, Any], problems: list[tuple[str, str]]
) -> None:
    _kept, found = check_answers(FORM, name, email, answers)
    assert [(p["field"], p["code"]) for p in found] == problems


def test_kept_answers_carry_their_labels() -> None:
    kept, problems = check_answers(
        FORM, "Vera", "a@b.example", {"phone": " +39 06 1234 ", "choice": "B", "consent": True}
    )
    assert problems == []
    assert kept == [
        {"key": "phone", "kind": "phone", "label": "Phone", "value": "+39 06 1234"},
        {"key": "choice", "kind": "choice", "label": "Topic", "value": "B"},
        {"key": "consent", "kind": "consent", "label": "I agree", "value": True},
    ]


def test_without_a_form_a_name_is_still_needed() -> None:
    assert check_answers([], "Vera", "", {}) == ([], [])
    _kept, problems = check_answers([], " ", "", {})
    assert [(p["field"], p["code"]) for p in problems] == [("name", "required")]


@pytest.mark.parametrize(
    ("fields", "privacy", "problems"),
    [
        ([{"kind": "consent", "label": "OK"}], False, [("privacy_url", "required")]),
        ([{"kind": "phone", "label": " "}], True, [("prechat_fields[0]", "invalid")]),
        ([{"kind": "age", "label": "Age"}], True, [("prechat_fields[0]", "invalid")]),
        (
            [{"kind": "email", "label": "A"}, {"kind": "email", "label": "B"}],
            True,
            [("prechat_fields[1]", "duplicate")],
        ),
        (
            [{"kind": "choice", "label": "T", "options": ["", " "]}],
            True,
            [("prechat_fields[0]", "invalid")],
        ),
        (
            [{"kind": "choice", "label": "T", "key": "Bad Key", "options": ["x"]}],
            True,
            [("prechat_fields[0]", "invalid")],
        ),
        ([{"kind": "phone", "label": "P"}] * 11, True, [("prechat_fields", "too_many")]),
    ],
)
def test_forms(
    fields: list[dict[str, Any]], privacy: bool, problems: list[tuple[str, str]]
) -> None:
    _form, found = check_form(fields, privacy)
    assert [(p["field"], p["code"]) for p in found] == problems
