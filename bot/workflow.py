"""The team's handling of an order as pure state transitions: each returns the new order and its event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.domain import (
    OPEN_STATES,
    Booking,
    ChecklistItem,
    Devices,
    Order,
    OrderEvent,
    OrderState,
    TeamMember,
)

BOOKABLE = frozenset({OrderState.FILED, OrderState.RECEIVED, OrderState.BOOKED})
CANCELLABLE = BOOKABLE
TICKABLE = frozenset({OrderState.RECEIVED, OrderState.BOOKED, OrderState.INSTALLED})


class NotAllowed(Exception):
    """The change is not allowed now; `message` says why, in Swedish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Change:
    """The order after a transition, and the event that records it."""

    order: Order
    event: OrderEvent


def take(order: Order, member: TeamMember, now: datetime) -> Change:
    if order.state is not OrderState.FILED:
        raise NotAllowed(_taken_or_state(order))
    return change(order, member, now, "received", OrderState.RECEIVED, assignee=member)


def book(order: Order, member: TeamMember, booking: Booking, now: datetime) -> Change:
    require(order, BOOKABLE)
    assignee = order.handling.assignee or member
    detail = booking.at.isoformat()
    return change(order, member, now, "booked", OrderState.BOOKED, detail, assignee=assignee, booking=booking)


def tick(
    order: Order, member: TeamMember, item: ChecklistItem, devices: Devices | None, now: datetime
) -> Change:
    require(order, TICKABLE)
    if item is ChecklistItem.INSTALLED and order.state is OrderState.RECEIVED:
        raise NotAllowed(texts.REFUSE_INSTALL_BEFORE_BOOKING.format(reference=order.reference))
    state = OrderState.INSTALLED if item is ChecklistItem.INSTALLED else order.state
    checklist = order.handling.checklist | {item}
    changes: dict[str, object] = {"checklist": checklist}
    if devices is not None:
        changes["devices"] = _merged(order.handling.devices, devices)
    return change(order, member, now, f"checklist:{item.value}", state, **changes)


def close(order: Order, member: TeamMember, feedback: str, now: datetime) -> Change:
    require(order, frozenset({OrderState.INSTALLED, OrderState.BOOKED, OrderState.RECEIVED}))
    remaining = order.handling.remaining()
    if remaining:
        items = ", ".join(item.value for item in remaining)
        raise NotAllowed(texts.REFUSE_CLOSE_REMAINING.format(reference=order.reference, items=items))
    if not feedback.strip():
        raise NotAllowed(texts.REFUSE_CLOSE_WITHOUT_FEEDBACK)
    return change(order, member, now, "closed", OrderState.CLOSED, feedback, feedback=feedback)


def close_from_desk(order: Order, member: TeamMember, feedback: str, now: datetime) -> Change:
    """Close an order the service desk finished: its checklist was done there, and is recorded as done."""
    require(order, OPEN_STATES)
    if not feedback.strip():
        raise NotAllowed(texts.REFUSE_CLOSE_WITHOUT_FEEDBACK)
    checklist = frozenset(ChecklistItem)
    return change(
        order, member, now, "closed", OrderState.CLOSED, feedback, feedback=feedback, checklist=checklist
    )


def cancel(order: Order, member: TeamMember, reason: str, now: datetime) -> Change:
    require(order, CANCELLABLE)
    if not reason.strip():
        raise NotAllowed(texts.REFUSE_CANCEL_WITHOUT_REASON)
    return change(order, member, now, "cancelled", OrderState.CANCELLED, reason, cancel_reason=reason)


def _merged(known: Devices | None, given: Devices) -> Devices:
    """Serials given now replace the recorded ones; a serial not given keeps the recorded one."""
    if known is None:
        return given
    return Devices(
        alarm_serial=given.alarm_serial or known.alarm_serial,
        lock_serial=given.lock_serial or known.lock_serial,
    )


def require(order: Order, states: frozenset[OrderState]) -> None:
    if order.state not in states:
        raise NotAllowed(
            texts.REFUSE_STATE.format(reference=order.reference, state=texts.STATE_NAMES[order.state])
        )


def _taken_or_state(order: Order) -> str:
    assignee = order.handling.assignee
    if order.state in TICKABLE and assignee is not None:
        return texts.REFUSE_ALREADY_TAKEN.format(reference=order.reference, name=assignee.name)
    return texts.REFUSE_STATE.format(reference=order.reference, state=texts.STATE_NAMES[order.state])


def change(
    order: Order,
    member: TeamMember,
    now: datetime,
    kind: str,
    state: OrderState,
    detail: str = "",
    order_fields: Mapping[str, object] | None = None,
    **handling: object,
) -> Change:
    """The order moved to `state` by `member`, with `handling` and `order_fields` updated, and its event."""
    new_handling = order.handling.model_copy(update=handling)
    updates = {"state": state, "handling": new_handling, "updated_at": now, "version": order.version + 1}
    new_order = order.model_copy(update={**(order_fields or {}), **updates})
    event = OrderEvent(
        reference=order.reference,
        at=now,
        actor_id=member.user_id,
        actor_name=member.name,
        kind=kind,
        state=state,
        detail=detail,
    )
    return Change(order=new_order, event=event)
