"""Messages waiting to leave the app (chat notifications, service desk tickets), stored durably."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class OutboxChannel(StrEnum):
    CHAT = "chat"
    LINDESK = "lindesk"
    REPLY = "reply"  # a turn's reply the channel did not take in time: the activity, as it was to be sent
    REMINDER = "reminder"  # a chat message due later (a pause ends, a question waits): it holds up nothing


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    WITHDRAWN = "withdrawn"  # no longer to be sent: a reminder made moot, an answer taken back


class ThreadPost(StrEnum):
    """Where an order's message to a team conversation goes, on channels that have threads (Teams)."""

    ROOT = "root"  # the order's first post there: its thread; later posts of the order reply to it
    REPLY = "reply"  # a later event of the order: a reply in the root's thread, the root's card updated


class Message(BaseModel):
    """What to deliver: text for every channel, an Adaptive Card where cards are shown, data for desks."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    card: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    thread: ThreadPost | None = None  # None: a plain message, wherever it is sent
    root_card: dict[str, Any] | None = None  # with REPLY: the root's card as it now reads


class OutboxItem(BaseModel):
    """One delivery: a message to one destination, with its retry bookkeeping."""

    id: int
    dedupe_key: str
    channel: OutboxChannel
    destination: str
    reference: str | None
    message: Message
    attempts: int
    created_at: datetime
