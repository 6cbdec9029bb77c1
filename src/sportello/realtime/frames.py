"""Client → server WebSocket frames, validated with pydantic (docs/protocol.md lists them)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import orjson
from pydantic import Field, TypeAdapter, ValidationError, model_validator

from sportello.errors import MalformedFrameError, UnknownFrameError, ValidationFailedError
from sportello.inputs import (
    UNSTORABLE,
    ConfigId,
    MessageId,
    OwnTranslation,
    RowId,
    StrictInput,
    unstorable_text,
)


class _Frame(StrictInput):
    """Strict, no unknown fields, storable text (sportello.inputs)."""


class SendMessage(_Frame):
    type: Literal["message.send"]
    contact_id: RowId
    client_msg_id: str = Field(min_length=1, max_length=64)
    text: str
    translation: OwnTranslation | None = None
    canned_reply_id: ConfigId | None = None


class Typing(_Frame):
    type: Literal["typing"]
    contact_id: RowId
    active: bool = True
    draft: str | None = None
    """The visitor's unsent text, for the typing preview: relayed to the agent only when the
    service has it on, cut to the message limit, never stored. Ignored from a console."""


class Receipt(_Frame):
    type: Literal["receipt"]
    contact_id: RowId
    up_to: MessageId
    state: Literal["delivered", "read"]


class Ping(_Frame):
    type: Literal["ping"]
    ref: str | None = None


CallMedium = Literal["voice", "video"]


class _CallFrame(_Frame):
    contact_id: RowId
    ref: str | None = Field(default=None, max_length=64)
    """Echoed in an ``error`` frame if the server refuses this one."""


class CallStart(_CallFrame):
    """The agent offers a call, or the visitor asks for one."""

    type: Literal["call.start"]
    media: CallMedium


class CallAccept(_CallFrame):
    type: Literal["call.accept"]
    call_id: RowId
    media: CallMedium


class CallDecline(_CallFrame):
    type: Literal["call.decline"]
    call_id: RowId


class CallConnected(_CallFrame):
    type: Literal["call.connected"]
    call_id: RowId


class CallEnd(_CallFrame):
    type: Literal["call.end"]
    call_id: RowId


class CallRejoin(_CallFrame):
    """This connection takes its side of the call back after a reconnect; ``fresh``: the
    page has no peer connection for it any more (a reload), so negotiate again."""

    type: Literal["call.rejoin"]
    call_id: RowId
    fresh: bool


class SessionDescription(_Frame):
    type: Literal["offer", "answer"]
    sdp: str = Field(min_length=1, max_length=65_536)


class IceCandidate(_Frame):
    candidate: str = Field(max_length=1024)
    sdpMid: str | None = Field(default=None, max_length=64)
    sdpMLineIndex: int | None = Field(default=None, ge=0, le=255)
    usernameFragment: str | None = Field(default=None, max_length=256)


class CallSignal(_CallFrame):
    """WebRTC signalling for the other party: relayed in order, never stored."""

    type: Literal["call.signal"]
    call_id: RowId
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None

    @model_validator(mode="after")
    def _one_payload(self) -> CallSignal:
        if (self.description is None) == (self.candidate is None):
            raise ValueError("give exactly one of description and candidate")
        return self


class MediaCapabilities(_CallFrame):
    """What the visitor's browser can do, for the console's icons."""

    type: Literal["call.capabilities"]
    webrtc: bool
    camera: bool
    microphone: bool
    permission: Literal["granted", "denied", "prompt", "unknown"]


CallFrame = CallStart | CallAccept | CallDecline | CallConnected | CallEnd | CallRejoin | CallSignal
ClientFrame = Annotated[
    SendMessage | Typing | Receipt | Ping | CallFrame | MediaCapabilities,
    Field(discriminator="type"),
]
_adapter: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
FRAME_TYPES = (
    "message.send",
    "typing",
    "receipt",
    "ping",
    "call.start",
    "call.accept",
    "call.decline",
    "call.connected",
    "call.end",
    "call.rejoin",
    "call.signal",
    "call.capabilities",
)


def parse_frame(raw: str | bytes) -> ClientFrame:
    if isinstance(raw, bytes):
        raise MalformedFrameError("frames are JSON text, not binary")
    data = decode_json(raw)
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise MalformedFrameError('a frame is a JSON object with a "type"')
    where = unstorable_text(data)
    if where is not None:
        raise ValidationFailedError(f"{where}: {UNSTORABLE}")
    if data["type"] not in FRAME_TYPES:
        raise UnknownFrameError(f"unknown frame type {data['type']!r}", known=list(FRAME_TYPES))
    try:
        return _adapter.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'frame'}: {e['msg']}" for e in exc.errors()
        )
        raise ValidationFailedError(f"invalid {data['type']} frame: {problems}") from exc


def decode_json(text: str) -> Any:
    """Parse a frame. orjson refuses lone surrogate escapes that JSON allows; the standard
    parser reads those so the frame is refused as invalid input, as over HTTP."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise MalformedFrameError("the frame is not valid JSON") from exc
