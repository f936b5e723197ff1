"""Everything one event of a filed order sets going, in the transaction that records it.

The team's conversations get a line in the order's thread and its card updated; the orderer is told
what the team and the desk did; the desk's ticket gets the change; reminders are set or withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import notifications
from bot.access import SERVICE_DESK
from bot.desk_updates import UPDATE_KEY, queue_desk_update
from bot.domain import Order, OrderEvent, OrderState, Question
from bot.followup import transitions
from bot.followup.desk_texts import desk_text
from bot.followup.notices import orderer_notice, pause_end_messages, question_waits_messages
from bot.followup.reminders import morning_of, one_working_day_after
from bot.followup.team_posts import team_card, team_line
from bot.local_time import local
from bot.outbox import Message, OutboxChannel, ThreadPost
from bot.store.unit_of_work import UnitOfWork
from bot.workflow import Change

PAUSE_END = "pause-end"
QUESTION_WAITS = "question-wait"
ENDED = frozenset({OrderState.CLOSED, OrderState.CANCELLED})


@dataclass(frozen=True)
class Published:
    """One recorded event, about to be told: the order after it, the event and its id, and when."""

    order: Order
    event: OrderEvent
    event_id: int
    now: datetime
    undo_seconds: float = 0.0  # an answer reaches the team and the desk only after this

    @property
    def due(self) -> datetime | None:
        return self.now + timedelta(seconds=self.undo_seconds) if self.undo_seconds else None


async def publish(
    uow: UnitOfWork, change: Change, event_id: int, now: datetime, undo_seconds: float = 0
) -> None:
    """Tell the team, the orderer and the desk about `change`, and keep its reminders right."""
    done = Published(change.order, change.event, event_id, now, undo_seconds)
    await _to_team(uow, done)
    await _to_orderer(uow, done)
    await _to_desk(uow, done)
    await _reminders(uow, done)
    await _open_questions(uow, done)


async def _to_team(uow: UnitOfWork, done: Published) -> None:
    line = team_line(done.order, done.event)
    if line is None:
        return
    card = team_card(done.order, local(done.now).date())
    message = Message(text=line, thread=ThreadPost.REPLY, root_card=card)
    key = f"event:{done.event_id}"
    await notifications.to_team(uow, key, message, done.order.reference, done.now, due=done.due)


async def _to_orderer(uow: UnitOfWork, done: Published) -> None:
    """The orderer hears what others did; what they did themselves they were answered in their chat."""
    if done.event.actor_id == done.order.orderer.user_id:
        return
    message = orderer_notice(done.order, done.event)
    if message is not None:
        await notifications.tell_orderer(uow, done.order, f"event:{done.event_id}", message, done.now)


async def _to_desk(uow: UnitOfWork, done: Published) -> None:
    if done.event.actor_id == SERVICE_DESK.user_id:
        return  # it came from the desk
    text = desk_text(done.order, done.event)
    if text is not None:
        await queue_desk_update(uow, done.order, done.event_id, text, done.now, done.due)


async def _reminders(uow: UnitOfWork, done: Published) -> None:
    order, kind, reference = done.order, done.event.kind, done.order.reference
    if kind == transitions.PAUSED or order.state in ENDED:
        await uow.outbox.withdraw(reference, f"{PAUSE_END}:{reference}:")
    if order.state in ENDED:
        await uow.outbox.withdraw(reference, f"{QUESTION_WAITS}:{reference}:")
    if kind == transitions.PAUSED and order.handling.pause is not None:
        await _remind_pause_end(uow, done)
    if kind == transitions.ANSWER:
        number = done.event.detail.partition(": ")[0]
        await uow.outbox.withdraw(reference, f"{QUESTION_WAITS}:{reference}:{number}:")
    if kind in (transitions.QUESTION, transitions.ANSWER_WITHDRAWN):
        await _remind_question(uow, done)


async def _remind_pause_end(uow: UnitOfWork, done: Published) -> None:
    """On the morning the pause ends, the team and the orderer are reminded, once."""
    order = done.order
    pause = order.handling.pause
    assert pause is not None
    due = morning_of(pause.until)
    key = f"{PAUSE_END}:{order.reference}:{done.event_id}"
    await _remind(uow, order, key, pause_end_messages(order), done.now, due)


async def _remind_question(uow: UnitOfWork, done: Published) -> None:
    """A working day after it was asked (or reopened), the orderer is reminded and the team told."""
    order = done.order
    question = _waiting_question(done)
    due = one_working_day_after(done.now)
    key = f"{QUESTION_WAITS}:{order.reference}:{question.number}:{done.event_id}"
    await _remind(uow, order, key, question_waits_messages(order, question.number), done.now, due)


async def _remind(
    uow: UnitOfWork,
    order: Order,
    key: str,
    messages: tuple[Message, Message],
    now: datetime,
    due: datetime,
) -> None:
    """The team's and the orderer's reminder, due at `due`, once per `key`."""
    team, orderer = messages
    reminder = OutboxChannel.REMINDER
    await notifications.to_team(uow, key, team, order.reference, now, channel=reminder, due=due)
    await notifications.tell_orderer(uow, order, key, orderer, now, channel=reminder, due=due)


async def _open_questions(uow: UnitOfWork, done: Published) -> None:
    """The questions waiting for the unit, by conversation and unit: a plain reply there answers."""
    order, kind = done.order, done.event.kind
    if order.state in ENDED:
        await uow.questions.remove_all(order.reference)
    elif kind == transitions.ANSWER:
        await uow.questions.remove(order.reference, int(done.event.detail.partition(": ")[0]))
    elif kind in (transitions.QUESTION, transitions.ANSWER_WITHDRAWN):
        question = _waiting_question(done)
        await uow.questions.add(order, question.number, question.at)


def _waiting_question(done: Published) -> Question:
    """The question a QUESTION event asked, or the one an ANSWER_WITHDRAWN event opened again."""
    if done.event.kind == transitions.QUESTION:
        return done.order.questions[-1]
    number = int(done.event.detail)
    return next(question for question in done.order.questions if question.number == number)


def answer_keys(event_id: int) -> list[str]:
    """The key prefixes of what an answer set going to the team and the desk: withdrawn on 'ångra'."""
    return [f"event:{event_id}:", f"{UPDATE_KEY}:{event_id}:"]
