"""What the orderer is told of an order's events, and the reminders' words for the team and the orderer."""

from __future__ import annotations

from bot import notifications, texts
from bot.domain import Order, OrderEvent
from bot.followup import transitions
from bot.outbox import Message, ThreadPost


def orderer_notice(order: Order, event: OrderEvent) -> Message | None:
    """What the orderer is told about `event` (done by someone else), or None."""
    names = {"reference": order.reference, "brukare": order.details.brukare.name}
    if event.kind == transitions.QUESTION:
        return Message(text=texts.NOTIFY_ORDERER_QUESTION.format(**names, text=event.detail))
    if event.kind == transitions.DESK_COMMENT:
        return Message(text=texts.NOTIFY_ORDERER_DESK_COMMENT.format(**names, text=event.detail))
    if event.kind == transitions.CANCELLED and order.handling.cancelled_by is not None:
        who = order.handling.cancelled_by.name
        return Message(text=texts.NOTIFY_ORDERER_CANCELLED_BY.format(**names, name=who, reason=event.detail))
    if event.kind in (transitions.CHANGED, transitions.PAUSED, transitions.MESSAGE):
        return None  # a colleague's: the unit sees it in `historik`
    return notifications.orderer_update(order, event)


def pause_end_messages(order: Order) -> tuple[Message, Message]:
    """The team's reminder (in the order's thread) and the orderer's, on the day the pause ends."""
    names = {"reference": order.reference, "brukare": order.details.brukare.name, "unit": order.orderer.unit}
    return (
        Message(text=texts.REMIND_TEAM_PAUSE_END.format(**names), thread=ThreadPost.REPLY),
        Message(text=texts.REMIND_ORDERER_PAUSE_END.format(**names)),
    )


def question_waits_messages(order: Order, number: int) -> tuple[Message, Message]:
    """The team's note and the orderer's reminder when question `number` has waited a working day."""
    question = next(question for question in order.questions if question.number == number)
    names = {"reference": order.reference, "brukare": order.details.brukare.name, "unit": order.orderer.unit}
    return (
        Message(
            text=texts.REMIND_TEAM_QUESTION_WAITS.format(**names, number=number), thread=ThreadPost.REPLY
        ),
        Message(text=texts.REMIND_ORDERER_QUESTION.format(**names, text=question.text)),
    )
