"""Path and query parameters shared by the HTTP routes, refused as ``invalid_input`` when
they cannot name a row or be stored (same rules as bodies: sportello/inputs.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator

from sportello.inputs import INT64_MAX, UNSTORABLE, unstorable_text


def _storable(text: str) -> str:
    if unstorable_text(text) is not None:
        raise ValueError(UNSTORABLE)
    return text


ContactId = Annotated[int, Path(ge=1, le=INT64_MAX)]
GroupId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AgentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
TagName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
ServiceId = Annotated[int, Path(ge=1, le=INT64_MAX)]
LeftMessageId = Annotated[int, Path(ge=1, le=INT64_MAX)]
FileId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
StorableQuery = AfterValidator(_storable)
Seconds = Annotated[float | None, Query(ge=0, le=1e11, description="UNIX seconds")]
RowIdQuery = Annotated[int | None, Query(ge=1, le=INT64_MAX)]
UtcOffset = Annotated[int, Query(ge=-840, le=840, description="the reader's time zone")]
