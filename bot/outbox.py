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


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class Message(BaseModel):
    """What to deliver: text for every channel, an Adaptive Card where cards are shown, data for desks."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    card: dict[str, Any] | None = None
    data: dict[str, Any] | None = None


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
