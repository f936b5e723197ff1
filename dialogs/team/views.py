"""What the team reads in chat: the open orders, one order's every detail, the inventory list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from bot import texts
from bot.cards import Facts, order_facts
from bot.domain import Booking, ChecklistItem, Devices, Handling, Order
from bot.followup.team_posts import waiting_text
from bot.inventory import devices_text
from bot.notifications import local
from bot.tickets import ticket_facts

INVENTORY_LINES = 30  # more would make a long chat message; the CSV file has them all


def open_orders(orders: Sequence[Order], today: date) -> str:
    if not orders:
        return texts.NO_OPEN_ORDERS
    lines = [
        texts.OPEN_ORDER_LINE.format(
            reference=order.reference,
            brukare=order.details.brukare.name,
            unit=order.orderer.unit,
            filed=texts.date_text(local(order.filed_at).date()),
            state=_standing(order, today),
            assignee=order.handling.assignee.name if order.handling.assignee else texts.NO_ASSIGNEE,
        )
        for order in orders
    ]
    return "\n".join([texts.OPEN_ORDERS_TITLE, *lines])


def _standing(order: Order, today: date) -> str:
    """The state, and what the order waits for: the end of a pause, the unit's answer."""
    parts = [texts.STATE_NAMES[order.state]]
    pause = order.paused_on(today)
    if pause is not None:
        parts.append(texts.STATUS_PAUSED.format(until=texts.date_text(pause.until)))
    parts.append(waiting_text(order))
    return ", ".join(part for part in parts if part)


def details_title(order: Order) -> str:
    return texts.DETAILS_TITLE.format(reference=order.reference, state=texts.STATE_NAMES[order.state])


def details(order: Order) -> Facts:
    """Everything about the order, portkod and full personnummer included: for `visa` only."""
    facts = order_facts(order.details, order.orderer, reveal=True, erasure=order.erasure)
    return [*facts, *_handling_facts(order.handling), *ticket_facts(order)]


def booking_text(booking: Booking) -> str:
    when = texts.when_text(local(booking.at))
    return texts.BOOKING_CONTACTED.format(when=when, who=booking.contacted) if booking.contacted else when


def items_text(items: Iterable[ChecklistItem]) -> str:
    return ", ".join(item.value for item in items) or texts.VALUE_NOTHING


def inventory(orders: Sequence[Order]) -> str:
    """The newest INVENTORY_LINES orders, and how many older ones only the CSV file lists."""
    shown = orders[-INVENTORY_LINES:]
    lines = [
        texts.INVENTORY_LINE.format(
            reference=order.reference,
            brukare=order.details.brukare.name,
            address=order.details.brukare.address.street,
            devices=devices_text(order.handling.devices or Devices()),
            state=texts.STATE_NAMES[order.state],
        )
        for order in shown
    ]
    if len(orders) > len(shown):
        lines.append(texts.INVENTORY_OLDER.format(count=len(orders) - len(shown)))
    return "\n".join([texts.INVENTORY_TITLE, *lines])


def _handling_facts(handling: Handling) -> Facts:
    done = [item for item in ChecklistItem if item in handling.checklist]
    facts = [
        (texts.LABEL_ASSIGNEE, handling.assignee.name if handling.assignee else texts.NO_ASSIGNEE),
        (texts.LABEL_BOOKING, booking_text(handling.booking) if handling.booking else texts.VALUE_NOTHING),
        (texts.LABEL_CHECKLIST_DONE, items_text(done)),
        (texts.LABEL_CHECKLIST_LEFT, items_text(handling.remaining())),
    ]
    if handling.devices:
        facts.append((texts.LABEL_DEVICES, devices_text(handling.devices)))
    if handling.feedback:
        facts.append((texts.LABEL_FEEDBACK, handling.feedback))
    if handling.cancel_reason:
        facts.append((texts.LABEL_CANCEL_REASON, handling.cancel_reason))
    return facts
