"""The relational tables; personal data sits only in the encrypted `payload` columns."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
)

from bot.store.db import metadata

staff = Table(
    "staff",
    metadata,
    Column("user_id", String(256), primary_key=True),
    Column("unit", String(200), nullable=False, index=True),
    Column("payload", LargeBinary, nullable=False),  # name and phone, encrypted
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("user_id", String(256), primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

order_serials = Table(
    "order_serials",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_serial", Integer, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True),
    Column("draft_key", String(64), nullable=False, unique=True),
    Column("state", String(16), nullable=False, index=True),
    Column("unit", String(200), nullable=False, index=True),
    Column("orderer_id", String(256), nullable=False, index=True),
    Column("pnr_index", String(64), nullable=False, index=True),
    Column("payload", LargeBinary, nullable=False),  # the Order as JSON, encrypted
    Column("version", Integer, nullable=False),
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # When the retention rules erased the access data / anonymised the order (bot/retention.py).
    Column("access_erased_at", DateTime(timezone=True), nullable=True),
    Column("anonymised_at", DateTime(timezone=True), nullable=True),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "reference",
        ForeignKey("orders.reference", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(256), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("payload", LargeBinary, nullable=False),  # the free-text detail, encrypted
)

conversations = Table(
    "conversations",
    metadata,
    Column("conversation_key", String(512), primary_key=True),
    Column("user_id", String(256), nullable=True, index=True),
    Column("reference", JSON, nullable=False),  # serialised ConversationReference, no personal data
    Column("is_team_channel", Boolean, nullable=False, default=False),
    Column("unreachable", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(300), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),  # "chat" or "lindesk"
    Column("destination", String(512), nullable=False),  # a conversation key, or the desk
    Column("reference", String(32), nullable=True, index=True),
    Column("payload", LargeBinary, nullable=False),  # the message, encrypted
    Column("state", String(16), nullable=False, index=True),  # pending, sent, dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_error", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
)

# --- Web chat (adapters/webchat): Direct Line transcripts ------------------------------------

webchat_conversations = Table(
    "webchat_conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(256), nullable=False, index=True),
    Column("last_seq", Integer, nullable=False),  # the watermark of its newest activity
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

webchat_activities = Table(
    "webchat_activities",
    metadata,
    Column(
        "conversation_id",
        ForeignKey("webchat_conversations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True),
    Column("client_activity_id", String(100), nullable=True),  # Web Chat's id, to spot re-sends
    Column("payload", LargeBinary, nullable=False),  # the activity as JSON, encrypted
)

# --- Välfärdsteknikteamet: the audit log of who saw or exported an order's personal data ---------

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor_id", String(256), nullable=False, index=True),
    Column("action", String(32), nullable=False),  # view, export, ...
    Column("reference", String(32), nullable=True, index=True),  # no foreign key: outlives the order
    Column("channel", String(64), nullable=False),
    Column("conversation", String(512), nullable=False),
    Column("detail", String(200), nullable=False, server_default=""),  # the change, erasure or period
)

# --- After filing: each order's Teams thread, and the team's questions waiting for an answer --------

order_threads = Table(
    "order_threads",
    metadata,
    Column("reference", String(32), primary_key=True),
    Column("conversation_key", String(512), primary_key=True),  # a team conversation, without thread
    Column("root_activity_id", String(256), nullable=False, index=True),  # the order's first post there
    Column("created_at", DateTime(timezone=True), nullable=False),
)

open_questions = Table(
    "open_questions",
    metadata,
    Column("reference", String(32), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("conversation_key", String(512), nullable=False, index=True),  # the orderer's conversation
    Column("unit", String(200), nullable=False, index=True),  # the ordering unit: its staff may answer
    Column("asked_at", DateTime(timezone=True), nullable=False),
)
