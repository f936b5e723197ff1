"""What staff and the team do with a filed order, as pure transitions: the new order and its event."""

from __future__ import annotations

from datetime import date, datetime

from bot import texts
from bot.domain import OPEN_STATES, Order, OrderDetails, OrderState, Pause, Question, Reply, TeamMember
from bot.workflow import CANCELLABLE, Change, NotAllowed, change, require

CHANGEABLE = CANCELLABLE  # until it is installed: after that, the team is phoned
CHANGED = "changed"
CANCELLED = "cancelled"
PAUSED = "paused"
MESSAGE = "message"
QUESTION = "question"
ANSWER = "answer"
ANSWER_WITHDRAWN = "answer-withdrawn"
DESK_COMMENT = "desk-comment"
# Events whose detail is what people wrote: it may hold a door code, so it goes with the access data.
WRITTEN = frozenset({MESSAGE, QUESTION, ANSWER, DESK_COMMENT})


def change_details(
    order: Order, actor: TeamMember, field: str, details: OrderDetails, now: datetime
) -> Change:
    """New details; the event names the field (`field`, in Swedish), never the values."""
    _require_changeable(order)
    made = change(order, actor, now, CHANGED, order.state, field, {"details": details})
    return Change(order=made.order, event=made.event.model_copy(update={"field": field}))


def cancel(order: Order, actor: TeamMember, reason: str, now: datetime) -> Change:
    """Cancelled by the ordering unit, with their reason."""
    _require_changeable(order)
    if not reason.strip():
        raise NotAllowed(texts.REFUSE_CANCEL_WITHOUT_REASON)
    handling = {"cancel_reason": reason, "cancelled_by": actor, "pause": None}
    return change(order, actor, now, CANCELLED, OrderState.CANCELLED, reason, **handling)


def pause(order: Order, actor: TeamMember, until: date, reason: str, now: datetime) -> Change:
    """On hold until `until` (the day it is active again), with the reason."""
    _require_changeable(order)
    held = Pause(until=until, reason=reason, by=actor, at=now)
    return change(order, actor, now, PAUSED, order.state, f"{until.isoformat()} {reason}".strip(), pause=held)


def message(order: Order, actor: TeamMember, text: str, now: datetime) -> Change:
    """A message to the team about the order; it changes nothing else."""
    require(order, OPEN_STATES)
    return change(order, actor, now, MESSAGE, order.state, text)


def ask(order: Order, member: TeamMember, text: str, now: datetime) -> Change:
    """The team's question to the ordering unit."""
    require(order, OPEN_STATES)
    question = Question(number=len(order.questions) + 1, text=text, by=member, at=now)
    questions = {"questions": (*order.questions, question)}
    return change(order, member, now, QUESTION, order.state, text, questions)


def answer(order: Order, actor: TeamMember, text: str, number: int | None, now: datetime) -> Change:
    """The answer to question `number` (None: the oldest one still open)."""
    question = _open_question(order, number)
    answered = question.model_copy(update={"answer": Reply(text=text, by=actor, at=now)})
    detail = f"{question.number}: {text}"
    return change(order, actor, now, ANSWER, order.state, detail, {"questions": _replaced(order, answered)})


def withdraw_answer(order: Order, actor: TeamMember, now: datetime) -> Change:
    """`actor` takes their latest answer back: its question is open again."""
    question = latest_answered(order, actor)
    if question is None:
        raise NotAllowed(texts.UNDO_NOTHING)
    reopened = question.model_copy(update={"answer": None})
    questions = {"questions": _replaced(order, reopened)}
    return change(order, actor, now, ANSWER_WITHDRAWN, order.state, str(question.number), questions)


def latest_answered(order: Order, actor: TeamMember) -> Question | None:
    """The question `actor` answered last, if an answer of theirs stands."""
    answers = [(q.answer.at, q) for q in order.questions if q.answer and q.answer.by.user_id == actor.user_id]
    return max(answers, key=lambda pair: pair[0])[1] if answers else None


def desk_comment(order: Order, desk: TeamMember, text: str, now: datetime, source: str = "") -> Change:
    """A comment made on the order's ticket in the service desk; `source` is the desk's id of it."""
    made = change(order, desk, now, DESK_COMMENT, order.state, text)
    return Change(order=made.order, event=made.event.model_copy(update={"source": source}))


def _open_question(order: Order, number: int | None) -> Question:
    waiting = order.open_questions()
    if not waiting:
        raise NotAllowed(texts.NO_OPEN_QUESTION.format(reference=order.reference))
    if number is None:
        return waiting[0]
    found = next((question for question in waiting if question.number == number), None)
    if found is None:
        raise NotAllowed(texts.NO_OPEN_QUESTION.format(reference=order.reference))
    return found


def _replaced(order: Order, question: Question) -> tuple[Question, ...]:
    return tuple(question if q.number == question.number else q for q in order.questions)


def _require_changeable(order: Order) -> None:
    if order.state not in CHANGEABLE:
        raise NotAllowed(texts.REFUSE_CHANGE_STATE.format(reference=order.reference))
