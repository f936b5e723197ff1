"""What the team's conversations show of an order: its card, kept current, and a line per event."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import texts
from bot.cards import Facts, facts_card, order_facts
from bot.domain import ChecklistItem, Order, OrderEvent, OrderState
from bot.followup import transitions
from bot.followup.fields import ChangeField, shown
from bot.local_time import local


def team_card(order: Order, today: date) -> dict[str, Any]:
    """The order's card in the team's conversations: masked details, where it stands, what waits."""
    facts = [*_standing(order, today), *order_facts(order.details, order.orderer, reveal=False)]
    title = texts.TEAM_CARD_STATE_TITLE.format(
        reference=order.reference, state=texts.STATE_NAMES[order.state]
    )
    return facts_card(title, facts, _buttons(order))


def team_line(order: Order, event: OrderEvent) -> str | None:
    """The event as one line starting with the reference, or None for events the team is not shown."""
    line = _LINES.get(event.kind.partition(":")[0])
    if line is None:
        return None
    names = {"reference": order.reference, "actor": event.actor_name or event.actor_id}
    return line.format(**names, unit=order.orderer.unit, **_particulars(order, event))


def waiting_text(order: Order) -> str:
    """'Väntar på svar på fråga 1 sedan 8 december', or '' when the team waits for nothing."""
    waiting = order.open_questions()
    if not waiting:
        return ""
    first = waiting[0]
    return texts.TEAM_WAITING.format(number=first.number, since=texts.date_text(local(first.at).date()))


_LINES = {
    "received": texts.TEAM_EVENT_TAKEN,
    "booked": texts.TEAM_EVENT_BOOKED,
    "checklist": texts.TEAM_EVENT_TICKED,
    "closed": texts.TEAM_EVENT_CLOSED,
    transitions.CANCELLED: texts.TEAM_EVENT_CANCELLED,
    transitions.CHANGED: texts.TEAM_EVENT_CHANGED,
    transitions.PAUSED: texts.TEAM_EVENT_PAUSED,
    transitions.MESSAGE: texts.TEAM_EVENT_MESSAGE,
    transitions.QUESTION: texts.TEAM_EVENT_QUESTION,
    transitions.ANSWER: texts.TEAM_EVENT_ANSWER,
    transitions.DESK_COMMENT: texts.TEAM_EVENT_DESK_COMMENT,
}


def _particulars(order: Order, event: OrderEvent) -> dict[str, str]:
    """The words each kind of line needs besides the reference, the actor and the unit."""
    handling = order.handling
    kind, _, item = event.kind.partition(":")
    if kind == "booked" and handling.booking is not None:
        return {"when": texts.when_text(local(handling.booking.at))}
    if kind == "checklist":
        return {"item": item}
    if kind == transitions.CHANGED:
        field = ChangeField(event.detail)
        return {"field": field.value, "value": shown(field, order.details, order.orderer)}
    if kind == transitions.PAUSED and handling.pause is not None:
        return {"until": texts.date_text(handling.pause.until), "reason": handling.pause.reason}
    if kind == transitions.ANSWER:
        number, _, text = event.detail.partition(": ")
        return {"number": number, "text": text}
    if kind == transitions.QUESTION:
        return {"number": str(len(order.questions)), "text": event.detail}
    return {"text": event.detail}


def _standing(order: Order, today: date) -> Facts:
    """Where the order stands: who has it, the booking, the checklist, a pause, a question waiting."""
    handling = order.handling
    facts: Facts = []
    if handling.assignee is not None:
        facts.append((texts.LABEL_ASSIGNEE, handling.assignee.name))
    if handling.booking is not None:
        facts.append((texts.LABEL_BOOKING, texts.when_text(local(handling.booking.at))))
    if order.state in (OrderState.RECEIVED, OrderState.BOOKED, OrderState.INSTALLED):
        left = ", ".join(item.value for item in ChecklistItem if item not in handling.checklist)
        facts.append((texts.LABEL_CHECKLIST_LEFT, left or texts.VALUE_NOTHING))
    pause = order.paused_on(today)
    if pause is not None:
        until = texts.date_text(pause.until)
        facts.append((texts.LABEL_PAUSED, texts.VALUE_PAUSED.format(until=until, reason=pause.reason)))
    waiting = waiting_text(order)
    if waiting:
        facts.append((texts.LABEL_QUESTION, waiting))
    return facts


def _buttons(order: Order) -> list[tuple[str, str]]:
    show = (texts.BUTTON_SHOW, f"visa {order.reference}")
    if order.state is OrderState.FILED:
        return [(texts.BUTTON_TAKE, f"ta {order.reference}"), show]
    return [show]
