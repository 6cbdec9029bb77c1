"""Client → server WebSocket frames, validated with pydantic (docs/protocol.md lists them)."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sportello.errors import MalformedFrameError, UnknownFrameError, ValidationFailedError


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SendMessage(_Frame):
    type: Literal["message.send"]
    contact_id: int
    client_msg_id: str = Field(min_length=1, max_length=64)
    text: str


class Typing(_Frame):
    type: Literal["typing"]
    contact_id: int
    active: bool = True


class Receipt(_Frame):
    type: Literal["receipt"]
    contact_id: int
    up_to: int
    state: Literal["delivered", "read"]


class Ping(_Frame):
    type: Literal["ping"]
    ref: str | None = None


ClientFrame = Annotated[SendMessage | Typing | Receipt | Ping, Field(discriminator="type")]
_adapter: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
FRAME_TYPES = ("message.send", "typing", "receipt", "ping")


def parse_frame(raw: str | bytes) -> ClientFrame:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedFrameError("the frame is not valid JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise MalformedFrameError('a frame is a JSON object with a "type"')
    if data["type"] not in FRAME_TYPES:
        raise UnknownFrameError(f"unknown frame type {data['type']!r}", known=list(FRAME_TYPES))
    try:
        return _adapter.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'frame'}: {e['msg']}" for e in exc.errors()
        )
        raise ValidationFailedError(f"invalid {data['type']} frame: {problems}") from exc
