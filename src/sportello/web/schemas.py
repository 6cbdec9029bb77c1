"""Request bodies (pydantic). Responses are plain JSON objects documented in docs/protocol.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, Strict

from sportello.domain.model import Medium, Role
from sportello.inputs import ConfigId, MessageId, OwnTranslation, StrictInput

# Strict models take enum members only; these accept the values as JSON spells them.
MediumValue = Annotated[Medium, Strict(False)]
RoleValue = Annotated[Role, Strict(False)]
# The console's languages ("" = the browser's); actions/agent_accounts.py UI_LANGUAGES.
UiLanguage = Literal["", "en", "it"]


class Body(StrictInput):
    """A request body: strict, no unknown fields, storable text (sportello.inputs)."""


class LoginBody(Body):
    login: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=200)


class LogoutBody(Body):
    contacts: Literal["end", "requeue"] | None = None
    """What becomes of the contacts in progress: ended, or handed back to the queue."""


class StatusBody(Body):
    status: Literal["READY", "PAUSED"]


class UiLanguageBody(Body):
    ui_language: UiLanguage


class MediaBody(Body):
    chat: bool | None = None
    voice: bool | None = None
    video: bool | None = None


class MessageBody(Body):
    client_msg_id: str | None = Field(default=None, min_length=1, max_length=64)
    text: str
    translation: OwnTranslation | None = None
    canned_reply_id: ConfigId | None = None


class NoteBody(Body):
    """A private note or a whisper: only agents and supervisors read it. ``client_id``, the
    writer's key, makes a retry one note."""

    text: str
    client_id: str | None = Field(default=None, min_length=1, max_length=64)


class PreviewBody(Body):
    text: str


class ReceiptBody(Body):
    up_to: MessageId
    state: Literal["delivered", "read"]


class ColourBody(Body):
    colour: Literal["", "red", "orange", "yellow", "green", "blue", "purple", "grey"]


LanguageCode = Annotated[str, Field(pattern="^[a-z]{2}$")]


class TranslationBody(Body):
    visitor: LanguageCode
    """The visitor's language (ISO 639-1)."""
    agent: LanguageCode
    """The agent's own language."""


class ContactRequestBody(Body):
    service_id: ConfigId
    visitor_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(default="", max_length=120)
    """Needed unless the service's form makes the name optional (``invalid_input``)."""
    email: str = Field(default="", max_length=200)
    message: str | None = None
    client_msg_id: str | None = Field(default=None, max_length=64)
    locale: str = Field(default="", max_length=35)
    country: str = Field(default="", max_length=2)
    page_url: str = Field(default="", max_length=2000)
    page_title: str = Field(default="", max_length=300)
    referrer: str = Field(default="", max_length=2000)
    medium: MediumValue = Medium.CHAT
    previous_token: str | None = Field(default=None, min_length=1, max_length=400)
    """"Start a new conversation": the token of the visitor's ended contact, whose agent is
    offered the new one first."""
    prechat: dict[str, str | bool] = Field(default={}, max_length=10)
    """The pre-chat form's answers by field key (name and e-mail go in ``name``/``email``)."""
    identity: Any = None
    """The site's signed claim {user_id, name, email, issued_at, signature}: anything that
    does not verify (malformed included) is ignored, never refused (domain/identity.py)."""


WidgetLanguage = Literal["it", "en", "es", "fr", "de", "pt"]
Email = Annotated[str, Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class RatingBody(Body):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class TranscriptRequestBody(Body):
    email: Email | None = None
    """Where to send it; the address given with the contact when left out."""
    language: WidgetLanguage | None = None
    """The widget's language; the contact's when left out."""


class HandoffOfferBody(Body):
    url: str = Field(min_length=1, max_length=2000)


class HandoffBody(Body):
    code: str = Field(min_length=1, max_length=400)


class PageBody(Body):
    url: str = Field(min_length=1, max_length=2000)
    title: str = Field(default="", max_length=300)


class DepartureBody(Body):
    """Sent with ``navigator.sendBeacon`` as text/plain (no custom headers, no preflight),
    so the token travels in the body."""

    token: str = Field(min_length=1, max_length=1000)
    link: int = Field(ge=0, le=2**31)
    navigating: bool = False


class LeftMessageBody(Body):
    service_id: ConfigId | None = None
    name: str = Field(min_length=1, max_length=120)
    email: str = Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    text: str = Field(min_length=1, max_length=10_000)


TagName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
Tags = Annotated[list[TagName], Field(max_length=50)]
Languages = Annotated[list[LanguageCode], Field(min_length=1, max_length=20)]
Sites = Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=50)]


class SavedLink(Body):
    title: str = Field(min_length=1, max_length=120)
    url: str = Field(min_length=1, max_length=2000)


SavedLinks = Annotated[list[SavedLink], Field(max_length=50)]
Glossary = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=200)
]
"""Terms the translation engine leaves as they are (product and brand names, codes)."""


class PrechatField(Body):
    """One field of the pre-chat form (domain/prechat.py has the rules)."""

    kind: Literal["name", "email", "phone", "choice", "consent"]
    label: str = Field(min_length=1, max_length=200)
    required: bool = False
    key: str | None = Field(default=None, max_length=32)
    """A choice's key (``choice``, ``choice_2``… when left out); other kinds use the kind."""
    options: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=20)


PrechatFields = Annotated[list[PrechatField], Field(max_length=10)]


class InvitationRule(Body):
    """One proactive invitation rule (domain/invitations.py has the rules)."""

    path: str = Field(max_length=200)
    seconds: int = 0
    returning_only: bool = False
    when_available: bool = True
    text: str = Field(default="", max_length=200)


InvitationRules = Annotated[list[InvitationRule], Field(max_length=5)]


class InvitationEventBody(Body):
    service_id: ConfigId
    visitor_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    rule: int = Field(ge=0, lt=5)
    kind: Literal["shown", "accepted"]


HoursLines = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=14)
]
"""Opening hours, a line per day or run of days: "mon-fri 09:00-18:00" (none: always open)."""
Holidays = Annotated[
    list[Annotated[str, Field(min_length=10, max_length=10)]], Field(max_length=366)
]
"""Dates the service is closed all day, YYYY-MM-DD in its time zone."""


class ServiceBody(Body):
    name: str = Field(min_length=1, max_length=120)
    language: LanguageCode = "en"
    tags: Tags = []
    dissuasion_seconds: int = Field(default=30, ge=5, le=3600)
    media: list[MediumValue] = Field(default=[Medium.CHAT], min_length=1, max_length=3)
    priority: int = Field(default=15, ge=1, le=30)
    sites: Sites = []
    dissuasion_message: str = Field(default="", max_length=1000)
    enabled: bool = True
    immediate_redirect: bool = True
    saved_links: SavedLinks = []
    leave_message: bool = True
    translation_glossary: Glossary = []
    transcript_auto: bool = False
    retention_days: int = Field(default=0, ge=0, le=3650)
    prechat_fields: PrechatFields = []
    privacy_url: str = Field(default="", max_length=2000)
    invitations: InvitationRules = []
    typing_preview: bool = False
    when_busy: Literal["reject", "queue"] = "reject"
    queue_max_wait_seconds: int = Field(default=300, ge=30, le=3600)
    queue_max_length: int = Field(default=50, ge=1, le=10000)
    opening_hours: HoursLines = []
    time_zone: str = Field(default="UTC", min_length=1, max_length=64)
    holidays: Holidays = []
    when_closed: Literal["leave_message", "hide"] = "leave_message"


class ServiceChangesBody(Body):
    """Only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    language: LanguageCode | None = None
    tags: Tags | None = None
    dissuasion_seconds: int | None = Field(default=None, ge=5, le=3600)
    media: list[MediumValue] | None = Field(default=None, min_length=1, max_length=3)
    priority: int | None = Field(default=None, ge=1, le=30)
    sites: Sites | None = None
    dissuasion_message: str | None = Field(default=None, max_length=1000)
    enabled: bool | None = None
    immediate_redirect: bool | None = None
    saved_links: SavedLinks | None = None
    leave_message: bool | None = None
    translation_glossary: Glossary | None = None
    transcript_auto: bool | None = None
    retention_days: int | None = Field(default=None, ge=0, le=3650)
    prechat_fields: PrechatFields | None = None
    privacy_url: str | None = Field(default=None, max_length=2000)
    invitations: InvitationRules | None = None
    typing_preview: bool | None = None
    when_busy: Literal["reject", "queue"] | None = None
    queue_max_wait_seconds: int | None = Field(default=None, ge=30, le=3600)
    queue_max_length: int | None = Field(default=None, ge=1, le=10000)
    opening_hours: HoursLines | None = None
    time_zone: str | None = Field(default=None, min_length=1, max_length=64)
    holidays: Holidays | None = None
    when_closed: Literal["leave_message", "hide"] | None = None


class ErasureBody(Body):
    """One person, by the visitor id their browser kept or the e-mail address they gave."""

    visitor_id: str | None = Field(default=None, min_length=1, max_length=64)
    email: str | None = Field(default=None, min_length=3, max_length=200)


class TagBody(Body):
    name: TagName
    description: str = Field(default="", max_length=500)


class TagChangesBody(Body):
    description: str = Field(max_length=500)


class CannedReplyBody(Body):
    """A personal reply; an admin's service reply also names its ``service_id``."""

    shortcut: str = Field(max_length=32)
    title: str = Field(max_length=120)
    text: str = Field(max_length=100_000)
    link_url: str = Field(default="", max_length=2000)


class ServiceCannedReplyBody(CannedReplyBody):
    service_id: ConfigId


class CannedReplyChangesBody(Body):
    shortcut: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=120)
    text: str | None = Field(default=None, max_length=100_000)
    link_url: str | None = Field(default=None, max_length=2000)


class PushLinkBody(Body):
    url: str = Field(min_length=1, max_length=2000)


class AgentBody(Body):
    login: str = Field(min_length=1, max_length=120, pattern=r"^\S+$")
    password: str = Field(min_length=8, max_length=200)
    display_name: str = Field(min_length=1, max_length=120)
    nickname: str = Field(default="", max_length=60)
    avatar_url: str = Field(default="", max_length=2000)
    languages: Languages = ["en"]
    tags: Tags = []
    chat_limit: int = Field(default=4, ge=1, le=20)
    voice_allowed: bool = True
    video_allowed: bool = True
    role: RoleValue = Role.AGENT
    ui_language: UiLanguage = ""


class AgentChangesBody(Body):
    """Only the fields given change; ``enabled: false`` signs the agent out everywhere."""

    display_name: str | None = Field(default=None, min_length=1, max_length=120)
    nickname: str | None = Field(default=None, max_length=60)
    avatar_url: str | None = Field(default=None, max_length=2000)
    languages: Languages | None = None
    tags: Tags | None = None
    chat_limit: int | None = Field(default=None, ge=1, le=20)
    voice_allowed: bool | None = None
    video_allowed: bool | None = None
    role: RoleValue | None = None
    enabled: bool | None = None
    ui_language: UiLanguage | None = None


class PasswordBody(Body):
    password: str = Field(min_length=8, max_length=200)


class TransferBody(Body):
    """Exactly one target: an agent or a transfer group."""

    agent_id: ConfigId | None = None
    group_id: ConfigId | None = None
    note: str = Field(default="", max_length=2000)


class RejectTransferBody(Body):
    reason: str = Field(default="", max_length=500)


class TransferGroupBody(Body):
    name: str = Field(min_length=1, max_length=120)
    tags: Tags = []
    match_all: bool = False
    priority: int = Field(default=15, ge=1, le=30)


class SupervisorMessageBody(Body):
    client_msg_id: str | None = Field(default=None, min_length=1, max_length=64)
    text: str


class TakeOverBody(Body):
    """``agent_id``: the agent the supervisor saw holding the contact (``holder_changed``
    when someone else holds it now); omitted, whoever holds it."""

    agent_id: ConfigId | None = None


WebhookKinds = Annotated[
    list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=100)
]


class WebhookBody(Body):
    """A webhook endpoint; without ``secret`` one is made and shown once, in the answer."""

    url: str = Field(min_length=1, max_length=2000)
    secret: str | None = Field(default=None, min_length=16, max_length=200)
    kinds: WebhookKinds = ["*"]
    agent_side: bool = False
    enabled: bool = True


class WebhookChangesBody(Body):
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    secret: str | None = Field(default=None, min_length=16, max_length=200)
    kinds: WebhookKinds | None = None
    agent_side: bool | None = None
    enabled: bool | None = None


class WebhookReplayBody(Body):
    """Send again every event from this position on (those the endpoint asks for)."""

    from_position: int = Field(ge=1, le=2**63 - 1)


class ApiTokenBody(Body):
    """``scopes``: ``reports:read``, ``admin`` (admins only), ``contacts:act``."""

    name: str = Field(min_length=1, max_length=120)
    scopes: list[Literal["reports:read", "admin", "contacts:act"]] = Field(min_length=1)
    expires_in_days: int = Field(default=90, ge=1, le=366)
