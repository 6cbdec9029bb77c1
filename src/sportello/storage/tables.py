"""All tables (SQLAlchemy Core). Times are UNIX seconds as floats: portable and cheap to compare."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy.schema import DDL

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger autoincrement on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")

tags = Table(
    "tags",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("description", Text, nullable=False, server_default=""),
)

services = Table(
    "services",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("language", String(16), nullable=False, server_default="en"),
    Column("tags", JSON, nullable=False),
    Column("dissuasion_seconds", Integer, nullable=False, server_default="30"),
    Column("media", JSON, nullable=False),
    Column("priority", Integer, nullable=False, server_default="15"),
    Column("sites", JSON, nullable=False),
    Column("dissuasion_message", Text, nullable=False, server_default=""),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("immediate_redirect", Boolean, nullable=False, server_default="1"),
    Column("saved_links", JSON, nullable=False, server_default=text("'[]'")),
    # Offer the leave-a-message form when nobody can take a request.
    Column("leave_message", Boolean, nullable=False, server_default="1"),
    # Terms (product and brand names, codes) the translation engine must leave as they are.
    Column("translation_glossary", JSON, nullable=False, server_default=text("'[]'")),
    # E-mail the transcript to the visitor (when they gave an address) as the contact ends.
    Column("transcript_auto", Boolean, nullable=False, server_default="0"),
    # Contacts ended more than this many days ago are removed (actions/erasure.py); 0 keeps.
    Column("retention_days", Integer, nullable=False, server_default="0"),
    # The HMAC key that signs visitors' identity claims (domain/identity.py); None: off.
    Column("identity_secret", String(64), nullable=True),
    # The pre-chat form: [{key, kind, label, required, options}] (domain/prechat.py).
    Column("prechat_fields", JSON, nullable=False, server_default=text("'[]'")),
    Column("privacy_url", Text, nullable=False, server_default=""),
    # Proactive invitation rules: [{path, seconds, returning_only, when_available, text}].
    Column("invitations", JSON, nullable=False, server_default=text("'[]'")),
    # Show the agent what the visitor is typing before they send it (off unless chosen).
    Column("typing_preview", Boolean, nullable=False, server_default="0"),
    # When every qualified agent is full: "reject" the request, or "queue" it (bounded by
    # queue_max_length queued requests and queue_max_wait_seconds each).
    Column("when_busy", String(8), nullable=False, server_default="reject"),
    Column("queue_max_wait_seconds", Integer, nullable=False, server_default="300"),
    Column("queue_max_length", Integer, nullable=False, server_default="50"),
    # Opening hours (domain/opening_hours.py): lines like "mon-fri 09:00-18:00" in
    # time_zone (IANA), none = always open; holidays are dates closed all day. Closed, the
    # widget offers leave-a-message ("leave_message") or does not show the service ("hide").
    Column("opening_hours", JSON, nullable=False, server_default=text("'[]'")),
    Column("time_zone", String(64), nullable=False, server_default="UTC"),
    Column("holidays", JSON, nullable=False, server_default=text("'[]'")),
    Column("when_closed", String(16), nullable=False, server_default="leave_message"),
)

# One row per invitation a widget showed, or a visitor accepted (reports count them).
invitation_events = Table(
    "invitation_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=False),
    Column("rule", Integer, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("visitor_id", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_invitation_events_at", "at", "service_id"),
)

agents = Table(
    "agents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(120), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("nickname", String(60), nullable=False, server_default=""),
    Column("avatar_url", Text, nullable=False, server_default=""),
    Column("languages", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("chat_limit", Integer, nullable=False, server_default="4"),
    Column("voice_allowed", Boolean, nullable=False, server_default="1"),
    Column("video_allowed", Boolean, nullable=False, server_default="1"),
    Column("role", String(16), nullable=False, server_default="agent"),
    Column("password_hash", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="READY"),
    Column("away_since", Float, nullable=True),
    # A disabled account cannot sign in; its sign-ins end when it is disabled.
    Column("enabled", Boolean, nullable=False, server_default="1"),
    # The language of the agent's console, admin, supervision and reports pages ("" = the
    # browser's).
    Column("ui_language", String(8), nullable=False, server_default=""),
)

login_failures = Table(
    "login_failures",
    metadata,
    # Any login tried, existing or not, so unknown logins lock exactly like real ones.
    Column("login", String(120), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", Float, nullable=False),
    Column("locked_until", Float, nullable=True),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("agent_id", Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("agent_id", Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("chat_on", Boolean, nullable=False, server_default="1"),
    Column("voice_on", Boolean, nullable=False, server_default="1"),
    Column("video_on", Boolean, nullable=False, server_default="1"),
    Column("node_id", String(64), nullable=True),
    Column("connections", Integer, nullable=False, server_default="0"),
    Column("heartbeat_at", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Index("ix_console_sessions_agent", "agent_id"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("medium", String(8), nullable=False, server_default="chat"),
    Column("priority", Integer, nullable=False),
    Column("visitor_id", String(64), nullable=False),
    Column("visitor_name", String(120), nullable=False),
    Column("visitor_email", String(200), nullable=False, server_default=""),
    Column("visitor_country", String(2), nullable=False, server_default=""),
    Column("visitor_country_source", String(8), nullable=False, server_default=""),
    Column("visitor_language", String(16), nullable=False, server_default=""),
    Column("returning_visitor", Boolean, nullable=False, server_default="0"),
    Column("site", Text, nullable=False, server_default=""),
    Column("page_url", Text, nullable=False, server_default=""),
    Column("page_title", Text, nullable=False, server_default=""),
    Column("referrer", Text, nullable=False, server_default=""),
    Column("user_agent", Text, nullable=False, server_default=""),
    Column("agent_id", Integer, ForeignKey("agents.id"), nullable=True),
    Column("starred_agent_id", Integer, ForeignKey("agents.id"), nullable=True),
    Column("offered_to", JSON, nullable=False),
    Column("starred", Boolean, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    Column("dissuade_at", Float, nullable=True),
    Column("assigned_at", Float, nullable=True),
    Column("closed_at", Float, nullable=True),
    Column("closed_by", String(16), nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("colour", String(16), nullable=False, server_default=""),
    Column("dismissed", Boolean, nullable=False, server_default="0"),
    Column("last_message_at", Float, nullable=True),
    Column("visitor_messages", Integer, nullable=False, server_default="0"),
    Column("agent_messages", Integer, nullable=False, server_default="0"),
    Column("used_voice_video", Boolean, nullable=False, server_default="0"),
    Column("visitor_link", Integer, nullable=False, server_default="0"),
    Column("visitor_left_at", Float, nullable=True),
    Column("visitor_gone_at", Float, nullable=True),
    Column("visitor_navigating", Boolean, nullable=True),
    # the nonce of the one handoff code that may still carry the chat to another site
    Column("handoff_nonce", String(32), nullable=True),
    # The node (process) holding the visitor's newest connection: see nodes.
    Column("visitor_node", String(64), nullable=True),
    Column("requeued_at", Float, nullable=True),
    Column("blocked_for", JSON, nullable=False, server_default=text("'[]'")),
    Column("transfer_due_at", Float, nullable=True),
    # {"visitor": "es", "agent": "en", "engine": "apertium", "via": ...} while translated
    Column("translation", JSON, nullable=True),
    # The call in progress (offered, accepted or connected), at most one: see calls.
    Column("live_call_id", BigInteger, nullable=True),
    # What the visitor's browser can do: {webrtc, camera, microphone, permission}
    Column("visitor_media", JSON, nullable=True),
    # "Start a new conversation": offered first to the agent of the visitor's previous
    # contact, until prefer_until (routing/rules.py preferred_audience); cleared after it.
    # A hint, not a reference (no foreign key: SQLite cannot add one without a table copy).
    Column("prefer_agent_id", Integer, nullable=True),
    Column("prefer_until", Float, nullable=True),
    # The site's user id when the visitor's identity claim verified (None: anonymous).
    Column("verified_user_id", String(200), nullable=True),
    # The pre-chat form's answers, {key: value}, as the service's form had them.
    Column("prechat", JSON, nullable=True),
    # Waiting for a busy agent (when_busy "queue"): queued since queued_at; offered_at is
    # when capacity freed up and it was offered (its dissuasion countdown started then).
    # Queued now: queued_at set, offered_at not. queue_exit: "queue_timeout" (dissuaded
    # while queued) or "queue_full" (rejected: the queue was at its limit).
    Column("queued_at", Float, nullable=True),
    Column("offered_at", Float, nullable=True),
    Column("queue_exit", String(16), nullable=True),
    Index("ix_contacts_state_dissuade", "state", "dissuade_at"),
    Index("ix_contacts_transfer_due", "transfer_due_at"),
    Index("ix_contacts_visitor_gone", "visitor_gone_at"),
    Index("ix_contacts_created", "created_at", "id"),
    # Everything the reports' overview reads, so a month is read from the index alone.
    Index(
        "ix_contacts_report",
        "created_at",
        "service_id",
        "agent_id",
        "outcome",
        "requeued_at",
        "assigned_at",
        "closed_at",
    ),
    Index("ix_contacts_agent_state", "agent_id", "state"),
    Index("ix_contacts_visitor", "visitor_id"),
    Index("ix_contacts_closed", "service_id", "closed_at"),
    Index("ix_contacts_verified_user", "service_id", "verified_user_id", "id"),
    Index("ix_contacts_visitor_node", "visitor_node"),
    Index("ix_contacts_prefer_until", "prefer_until"),
)

nodes = Table(
    "nodes",
    metadata,
    # One row per server process, refreshed by its heartbeat (actions/nodes.py).
    Column("id", String(64), primary_key=True),
    Column("started_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)

calls = Table(
    "calls",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Integer, ForeignKey("agents.id"), nullable=False),
    Column("started_by", String(8), nullable=False),  # agent, visitor
    Column("requested", String(8), nullable=False),  # voice, video
    Column("media", String(8), nullable=True),  # what the answer accepted
    Column("state", String(12), nullable=False),  # domain/calls.py CallState
    # The console session that placed or engaged it, and the visitor's connection (link)
    # that answered or asked for it: signalling goes to those only.
    Column("agent_session", String(32), nullable=True),
    Column("visitor_link", Integer, nullable=True),
    Column("offered_at", Float, nullable=False),
    Column("answered_at", Float, nullable=True),
    Column("connected_at", Float, nullable=True),
    Column("ended_at", Float, nullable=True),
    Column("ended_by", String(8), nullable=True),  # agent, visitor, system
    Column("end_reason", String(32), nullable=True),
    # A party's connection in the call went away: the call ends at this deadline unless
    # that party rejoins (actions/call_resume.py).
    Column("agent_gone_at", Float, nullable=True),
    Column("visitor_gone_at", Float, nullable=True),
    Index("ix_calls_contact", "contact_id", "id"),
    Index("ix_calls_agent_gone", "agent_gone_at"),
    Index("ix_calls_visitor_gone", "visitor_gone_at"),
)

transfer_groups = Table(
    "transfer_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("tags", JSON, nullable=False),
    # An agent belongs when they hold any of the tags (all of them with match_all).
    Column("match_all", Boolean, nullable=False, server_default="0"),
    Column("priority", Integer, nullable=False, server_default="15"),
)

transfers = Table(
    "transfers",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("from_agent_id", Integer, ForeignKey("agents.id"), nullable=False),
    Column("to_agent_id", Integer, ForeignKey("agents.id"), nullable=True),
    Column(
        "group_id", Integer, ForeignKey("transfer_groups.id", ondelete="SET NULL"), nullable=True
    ),
    Column("group_name", String(120), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("state", String(16), nullable=False),  # pending, ended
    Column("outcome", String(16), nullable=True),
    Column("reason", Text, nullable=False, server_default=""),
    Column("rejected_by", JSON, nullable=False, server_default=text("'[]'")),
    Column("accepted_by", Integer, ForeignKey("agents.id"), nullable=True),
    Column("requested_at", Float, nullable=False),
    Column("due_at", Float, nullable=False),
    Column("ended_at", Float, nullable=True),
    # a supervisor's take-over: a leg to themselves, accepted as it is asked
    Column("taken_over", Boolean, nullable=False, server_default="0"),
    Index("ix_transfers_contact", "contact_id", "id"),
)

# A supervisor who joined a conversation (barge-in): they write to the visitor beside the
# agent until they leave (``left_at``); one open row per supervisor and contact.
supervisor_joins = Table(
    "supervisor_joins",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Integer, ForeignKey("agents.id"), nullable=False),
    Column("joined_at", Float, nullable=False),
    Column("left_at", Float, nullable=True),
    Index("ix_supervisor_joins_contact", "contact_id", "id"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("sender", String(8), nullable=False),
    Column("agent_id", Integer, ForeignKey("agents.id"), nullable=True),
    Column("client_msg_id", String(64), nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Column("read_at", Float, nullable=True),
    Column("file", JSON, nullable=True),  # the attachment's card (see files), if any
    # pending / done / failed, and the result: {source, target, text?, engine, via, reason?}
    Column("translation_state", String(8), nullable=True),
    Column("translation", JSON, nullable=True),
    # an agent message held back from the visitor until its translation, at most until then
    Column("visitor_hold_until", Float, nullable=True),
    UniqueConstraint("contact_id", "sender", "client_msg_id", name="uq_messages_client_id"),
    Index("ix_messages_contact", "contact_id", "id"),
    Index("ix_messages_visitor_hold", "visitor_hold_until"),
)

files = Table(
    "files",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("public_id", String(43), nullable=False, unique=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("sender", String(8), nullable=False),
    Column("agent_id", Integer, ForeignKey("agents.id"), nullable=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("content_type", String(127), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    Column("storage_key", String(200), nullable=False),
    Column("thumb_key", String(200), nullable=True),
    Column("created_at", Float, nullable=False),
    Index("ix_files_contact", "contact_id", "id"),
)

# Full-text search of transcripts (reports/search.py). SQLite: an external-content FTS5
# table filled off the chat's transactions by actions/search_index.py, in batches, up to the
# message id in messages_fts_position (a message's text never changes; a deleted message
# leaves the index by trigger); PostgreSQL: a GIN index over the text's tsvector.
MESSAGES_FTS_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
    "text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TABLE IF NOT EXISTS messages_fts_position ("
    "id INTEGER PRIMARY KEY CHECK (id = 1), message_id INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO messages_fts_position (id, message_id) "
    "SELECT 1, coalesce(max(rowid), 0) FROM messages_fts_docsize",
    "CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages "
    "WHEN old.id <= (SELECT message_id FROM messages_fts_position) BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
)
for _statement in MESSAGES_FTS_SQLITE:
    event.listen(
        messages,
        "after_create",
        DDL(_statement).execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
    )
Index(
    "ix_messages_fts",
    func.to_tsvector(literal_column("'simple'"), messages.c.text),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")


def is_search_index(name: str | None) -> bool:
    """The full-text search objects (SQLite's FTS5 table and its shadow tables, PostgreSQL's
    expression index), which schema comparison cannot read: created by DDL, not compared."""
    return bool(name and (name.startswith("messages_fts") or name == "ix_messages_fts"))


page_visits = Table(
    "page_visits",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
    Column("visited_at", Float, nullable=False),
    Index("ix_page_visits_contact", "contact_id"),
)

events = Table(
    "events",
    metadata,
    Column("position", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(48), nullable=False),
    Column("contact_id", BigId, nullable=True),
    Column("agent_id", Integer, nullable=True),
    Column("for_visitor", Boolean, nullable=False, server_default="0"),
    Column("for_queue", Boolean, nullable=False, server_default="0"),
    Column("payload", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_events_contact", "contact_id", "position"),
)

visitor_messages_left = Table(
    "left_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=True),
    Column("contact_id", BigId, ForeignKey("contacts.id"), nullable=True),
    Column("name", String(120), nullable=False),
    Column("email", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("site", Text, nullable=False, server_default=""),
    Column("created_at", Float, nullable=False),
    Column("done_at", Float, nullable=True),
    Column("done_by", Integer, ForeignKey("agents.id"), nullable=True),
)

audit = Table(
    "audit",
    metadata,
    # One admin change: who, what (action on a target), before -> after (changed fields only).
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor_id", Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("actor_login", String(120), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target_kind", String(24), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("target_name", String(120), nullable=False, server_default=""),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Index("ix_audit_target", "target_kind", "target_id"),
    Index("ix_audit_at", "at"),
)

# A reply an agent inserts from the composer with ``/shortcut``: a service's (managed by
# admins) or one agent's own (exactly one of service_id, agent_id is set).
canned_replies = Table(
    "canned_replies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=True),
    Column("agent_id", Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=True),
    Column("shortcut", String(32), nullable=False),
    Column("title", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("link_url", String(2048), nullable=False, server_default=""),
    # A saved file sent with the reply: its card and storage keys (files/storage.py), or null.
    Column("file", JSON, nullable=True),
    UniqueConstraint("service_id", "shortcut", name="uq_canned_replies_service"),
    UniqueConstraint("agent_id", "shortcut", name="uq_canned_replies_agent"),
)
# One row per agent message sent from a canned reply, written with the message.
canned_reply_uses = Table(
    "canned_reply_uses",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "reply_id", Integer, ForeignKey("canned_replies.id", ondelete="CASCADE"), nullable=False
    ),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", BigId, nullable=False),
    Column("agent_id", Integer, ForeignKey("agents.id"), nullable=False),
    Column("used_at", Float, nullable=False),
    Index("ix_canned_reply_uses_contact", "contact_id"),
)

# The visitor's rating of an ended contact: one per contact (actions/ratings.py).
contact_ratings = Table(
    "contact_ratings",
    metadata,
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("score", Integer, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("rated_at", Float, nullable=False),
)

# E-mails to send, written in the transaction that asks for them and sent by
# mail/sender.py: one row per request, claimed with a lease (next_attempt_at) so one
# process sends it at a time, marked sent after the server accepted it.
email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(24), nullable=False),  # transcript
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("to_address", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("requested_by", String(8), nullable=False),  # visitor, service
    Column("created_at", Float, nullable=False),
    Column("state", String(8), nullable=False),  # pending, sent, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=True),
    Column("claim", String(32), nullable=True),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("sent_at", Float, nullable=True),
    UniqueConstraint("contact_id", "kind", name="uq_email_outbox_contact_kind"),
    Index("ix_email_outbox_due", "state", "next_attempt_at"),
)

# Agent-only lines of a contact: an agent's or a supervisor's private note, or a
# supervisor's whisper to the agent holding it. Never read by a visitor-facing path: those
# read ``messages`` only, so keeping notes apart keeps them from the visitor by construction.
contact_notes = Table(
    "contact_notes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # note | whisper
    Column("author_id", Integer, ForeignKey("agents.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    # The writer's key for the note: a retry with the same key finds the first one.
    Column("client_id", String(64), nullable=True),
    Index("ix_contact_notes_contact", "contact_id"),
    Index("uq_contact_notes_client", "contact_id", "author_id", "client_id", unique=True),
)

# Who a note's @login named: they are told, and may read the contact (queries/contacts.py).
note_mentions = Table(
    "note_mentions",
    metadata,
    Column("note_id", BigId, ForeignKey("contact_notes.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", BigId, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("note_id", "agent_id", name="uq_note_mentions_note"),
    Index("ix_note_mentions_agent", "agent_id", "contact_id"),
)

# A webhook endpoint is a consumer of the event stream with its own cursor (the last
# position it has been sent, or skipped as not asked for). One process at a time delivers
# to it: the one holding its lease (``lease_owner`` until ``lease_until``); the cursor moves
# only after a 2xx, so a crash resends the same delivery (docs/integrations.md, Webhooks).
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("secret", String(200), nullable=False),
    Column("kinds", JSON, nullable=False),  # ["*"], ["message.*", "contact.closed"]
    Column("agent_side", Boolean, nullable=False, server_default="0"),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("created_at", Float, nullable=False),
    Column("cursor", BigInteger, nullable=False),
    Column("state", String(8), nullable=False),  # active, parked
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("first_failed_at", Float, nullable=True),
    Column("next_attempt_at", Float, nullable=True),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("parked_at", Float, nullable=True),
    Column("delivered_at", Float, nullable=True),
    Column("lease_owner", String(32), nullable=True),
    Column("lease_until", Float, nullable=True),
)

# Personal access tokens: an agent's or admin's key for the HTTP API, limited to scopes
# (domain/api_tokens.py) and to the owner's role at each use. Only a hash is stored; the
# token itself is shown once, when made.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agent_id", Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("hint", String(16), nullable=False),  # the token's first characters, to tell it
    Column("scopes", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
    Column("last_used_at", Float, nullable=True),
    Index("ix_api_tokens_agent", "agent_id"),
)
