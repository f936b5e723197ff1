"""What happens to a filed order after it is filed, added to its ticket in the service desk (Lindesk)."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Order
from bot.outbox import Message, OutboxChannel, OutboxItem
from bot.store.unit_of_work import UnitOfWork
from bot.tickets import DESK_DESTINATION

UPDATE_KEY = "desk-update"  # the outbox key's prefix: `uow.outbox.withdraw(reference, UPDATE_KEY)`
UPDATE_FIELD = "update"  # in the message's data: the event the update is of


async def queue_desk_update(
    uow: UnitOfWork, order: Order, event_id: int, text: str, now: datetime, due: datetime | None = None
) -> None:
    """Queue `text` as a comment on the order's ticket, once per event; nothing without a desk.

    Queued after the ticket itself (same channel, destination and order), so it reaches the desk after it.
    """
    if order.ticket is None:
        return
    key = f"{UPDATE_KEY}:{event_id}:"  # ends in ":", so withdrawing one event's update never hits 12 for 120
    message = Message(text=text, data={UPDATE_FIELD: event_id})
    await uow.outbox.add(key, OutboxChannel.LINDESK, DESK_DESTINATION, message, now, order.reference, due)


def update_event(item: OutboxItem) -> int | None:
    """The event a Lindesk outbox item is an update of; None for the order's ticket itself."""
    event_id = (item.message.data or {}).get(UPDATE_FIELD)
    return event_id if isinstance(event_id, int) else None
