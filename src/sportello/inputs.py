"""What every client input must be, for HTTP bodies and WebSocket frames alike.

Models are strict (``true`` is not 1, ``"2"`` is not 2, ``"yes"`` is not true), refuse
unknown fields, and refuse text that no database can store: lone UTF-16 surrogates (JSON
allows ``"\\ud800"``, UTF-8 does not) and NUL characters (PostgreSQL text cannot hold
them). Integers that name rows fit their column: signed 64-bit for what grows with the
traffic (contacts, messages, calls…), 32-bit for configuration (services, agents, transfer
groups), so an id no row can have is ``invalid_input`` rather than a database error.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

RowId = Annotated[int, Field(ge=1, le=INT64_MAX)]
"""The id of a stored row (contact, message, call)."""

ConfigId = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""The id of a service, an agent or a transfer group (32-bit columns)."""

MessageId = Annotated[int, Field(ge=0, le=INT64_MAX)]
"""A message id bound, as receipts' ``up_to`` (0: none yet)."""


UNSTORABLE = "text may not contain NUL or lone surrogate characters"


def unstorable_text(value: Any) -> str | None:
    """The path of a string (or key) holding a lone surrogate or NUL, else None.

    Iterative: a parsed JSON document may nest deeper than Python's recursion limit.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _unstorable(item):
                return path or "value"
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{safe_text(str(key))}" if path else safe_text(str(key))
                if isinstance(key, str) and _unstorable(key):
                    return where
                stack.append((where, child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}.{i}" if path else str(i), c) for i, c in enumerate(item))
    return None


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def safe_text(text: str) -> str:
    """``text`` with lone surrogates escaped, so it can be encoded in an error message."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class StrictInput(BaseModel):
    """Base of every request body and client frame."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        where = unstorable_text(data)
        if where is not None:
            raise ValueError(f"{where}: {UNSTORABLE}")
        return data


class OwnTranslation(StrictInput):
    """An agent message's translation as the agent chose it from the preview, on a
    translated contact: ``text`` (the engine's preview, ``edited`` if the agent changed it)
    is sent as it is, or ``original: true`` sends the message untranslated."""

    text: str | None = None
    edited: bool = False
    original: bool = False

    @model_validator(mode="after")
    def _one_choice(self) -> OwnTranslation:
        if (self.text is None) == (not self.original):
            raise ValueError("give either the translation's text or original: true")
        if self.text is not None and not self.text.strip():
            raise ValueError("a translation needs some text")
        return self
