"""Path and query parameters shared by the HTTP routes, refused as ``invalid_input`` when
they cannot name a row or be stored (same rules as bodies: sportello/inputs.py).

Integers in a path or query are plain decimal digits: pydantic's lax parsing would read
``' 2'``, ``'+2'``, ``'02'`` and ``'2.0'`` as 2 and ``'2_0'`` as 20, so two spellings
would name one row. Every integer parameter goes through ``PlainInt``."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator

from sportello.inputs import INT32_MAX, INT64_MAX, UNSTORABLE, unstorable_text


def _storable(text: str) -> str:
    if unstorable_text(text) is not None:
        raise ValueError(UNSTORABLE)
    return text


INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,18})")
NOT_AN_INTEGER = "an integer in plain digits (no sign but '-', spaces, leading zeros or decimals)"


def _plain_integer(value: object) -> object:
    if isinstance(value, str) and not INTEGER.fullmatch(value):
        raise ValueError(NOT_AN_INTEGER)
    return value


PlainInt = BeforeValidator(_plain_integer)
"""The one integer rule for paths and queries (bounds come with each parameter)."""

ContactId = Annotated[int, Path(ge=1, le=INT64_MAX), PlainInt]
TokenId = Annotated[int, Path(ge=1, le=INT32_MAX), PlainInt]
WebhookId = Annotated[int, Path(ge=1, le=INT32_MAX), PlainInt]
GroupId = Annotated[int, Path(ge=1, le=INT32_MAX), PlainInt]
AgentId = Annotated[int, Path(ge=1, le=INT32_MAX), PlainInt]
TagName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
ServiceId = Annotated[int, Path(ge=1, le=INT32_MAX), PlainInt]
LeftMessageId = Annotated[int, Path(ge=1, le=INT64_MAX), PlainInt]
FileId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
StorableQuery = AfterValidator(_storable)
Seconds = Annotated[float | None, Query(ge=0, le=1e11, description="UNIX seconds")]
ConfigIdQuery = Annotated[int | None, Query(ge=1, le=INT32_MAX), PlainInt]
"""A service or agent id in a query (see sportello/inputs.py ``ConfigId``)."""
RowIdQuery = Annotated[int | None, Query(ge=1, le=INT64_MAX), PlainInt]
PageLimit = Annotated[int, Query(ge=1, le=200), PlainInt]
UtcOffset = Annotated[int, Query(ge=-840, le=840, description="the reader's time zone"), PlainInt]
