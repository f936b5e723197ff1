"""The audit log: who was shown, took out or changed an order's data, when, and through which channel."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from bot.domain import OrderEvent


class AuditAction(StrEnum):
    """What was done with the data."""

    VIEW = "view"  # all of an order's details shown in a chat (`visa`)
    EXPORT = "export"  # personal data taken out of the app (the inventory CSV, the audit log itself)
    CHANGE = "change"  # an order filed or moved on (the detail says how: the event's kind)
    ERASE = "erase"  # the retention rules erased data from an order (the detail says which)
    REFUSED = "refused"  # someone not allowed tried to act on an order (the detail says what)


class AuditEntry(BaseModel):
    """One person's access to one order's data (or to no order in particular: reference None)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    actor_id: str
    action: str  # an AuditAction; a plain string in the table, so later actions need no migration
    reference: str | None
    channel: str  # the chat channel ('msteams', 'emulator', ...) or 'http' for a download
    conversation: str = ""  # where it was shown; empty for a download
    detail: str = ""  # what exactly: the change made, the data erased, the period exported; no personal data


@dataclass(frozen=True)
class Via:
    """The channel (and conversation) the current request came through, for the changes it makes."""

    channel: str
    conversation: str = ""


SYSTEM = Via("system")  # the app's own jobs, e.g. retention
_current: ContextVar[Via] = ContextVar("audit_via", default=SYSTEM)


@contextmanager
def acting_through(via: Via) -> Iterator[None]:
    """Within the block (and the tasks it starts), changes are audited as made through `via`."""
    token = _current.set(via)
    try:
        yield
    finally:
        _current.reset(token)


def current_via() -> Via:
    """The channel (and conversation) the current request came through."""
    return _current.get()


def change_entry(event: OrderEvent) -> AuditEntry:
    """The audit entry of `event`, a change to an order, made through the current channel."""
    via = _current.get()
    return AuditEntry(
        at=event.at,
        actor_id=event.actor_id,
        action=AuditAction.CHANGE,
        reference=event.reference,
        channel=via.channel,
        conversation=via.conversation,
        detail=f"{event.kind}:{event.field}" if event.field else event.kind,  # never a value
    )
