"""Answers status questions from the stored orders and events, with only what the asker may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from bot import texts
from bot.access import AccessPolicy, Visibility
from bot.cards import Facts, facts_text
from bot.domain import OPEN_STATES, Order, OrderEvent, OrderState
from bot.identity import mask_personnummer
from bot.language.status_questions import Intent, IntentKind
from bot.language.words import fold
from bot.local_time import local
from bot.orders import Clock, utc_now
from bot.store.unit_of_work import Database, UnitOfWork

LIST_LIMIT = 10  # lines in a numbered list
RECENT = 5  # orders offered for a bare `status`
NAME_CUTOFF = 85  # 'Gretas', 'Johanson' are Greta Johansson


@dataclass(frozen=True)
class StatusReply:
    """What to answer; `choices` are the references of its numbered list, in the list's order."""

    text: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Asker:
    user_id: str
    unit: str | None
    visibility: Visibility


class StatusService:
    """Finds the orders a question is about (by reference, personnummer hash or name) and describes them."""

    def __init__(self, database: Database, policy: AccessPolicy, clock: Clock = utc_now) -> None:
        self.database = database
        self.policy = policy
        self.clock = clock

    def today(self) -> date:
        return local(self.clock()).date()

    async def answer(self, user_id: str, intent: Intent) -> StatusReply:
        if intent.invalid_personnummer:
            return StatusReply(texts.STATUS_BAD_PERSONNUMMER)
        async with self.database.transaction() as uow:
            asker = await self._asker(uow, user_id)
            if intent.kind is IntentKind.MINE:
                return _mine(await self._open_own(uow, asker), self.today())
            found = await self._find(uow, asker, intent)
            if len(found) == 1:
                events = await uow.events.for_order(found[0].reference)
                return StatusReply(status_text(found[0], events, self.today()))
        return _choose_or_not_found(found, intent, self.today())

    async def _asker(self, uow: UnitOfWork, user_id: str) -> _Asker:
        profile = await uow.staff.get(user_id)
        unit = None if profile is None else profile.unit
        return _Asker(user_id, unit, self.policy.visibility(user_id, unit, await uow.status.units()))

    async def _find(self, uow: UnitOfWork, asker: _Asker, intent: Intent) -> list[Order]:
        query = uow.status.visible
        if intent.reference is not None:
            return self._seen_by(asker, await query(asker.visibility, reference=intent.reference))
        if intent.personnummer is not None:
            indexes = self.database.codec.vault.blind_indexes(intent.personnummer)
            return self._seen_by(asker, await query(asker.visibility, pnr_indexes=indexes))
        if intent.name is None:
            return self._seen_by(asker, await query(asker.visibility, limit=RECENT))
        found = self._seen_by(asker, await query(asker.visibility))
        return [order for order in found if name_matches(intent.name, order.details.brukare.name)]

    async def _open_own(self, uow: UnitOfWork, asker: _Asker) -> list[Order]:
        own = asker.visibility.own()
        return self._seen_by(asker, await uow.status.visible(own, states=OPEN_STATES))

    def _seen_by(self, asker: _Asker, orders: list[Order]) -> list[Order]:
        """The access policy has the last word on every order shown."""
        return [order for order in orders if self.policy.may_see(asker.user_id, asker.unit, order)]


def name_matches(asked: str, name: str) -> bool:
    """Every word asked for begins a word of `name` or is spelt close to one ('Gretas', 'Johanson')."""
    words = fold(name).split()
    return all(any(_word_matches(part, word) for word in words) for part in fold(asked).split())


def _word_matches(part: str, word: str) -> bool:
    return word.startswith(part) or fuzz.ratio(part, word) >= NAME_CUTOFF


def status_text(order: Order, events: Sequence[OrderEvent], today: date) -> str:
    """Reference, brukare, state, booked time, a pause, the team's question, last event, assignee, next."""
    brukare = order.details.brukare
    title = texts.STATUS_TITLE.format(
        reference=order.reference, brukare=brukare.name, personnummer=mask_personnummer(brukare.personnummer)
    )
    facts: Facts = [(texts.LABEL_STATE, texts.STATE_NAMES[order.state])]
    booking = order.handling.booking
    if booking is not None and order.state is not OrderState.CANCELLED:
        facts.append((texts.LABEL_BOOKED, texts.when_text(local(booking.at))))
    facts += _waiting(order, today)
    facts += _history(order, events)
    facts.append((texts.LABEL_NEXT, texts.NEXT_STEPS[order.state]))
    return facts_text(title, facts)


def _waiting(order: Order, today: date) -> Facts:
    """A pause in force, and the team's question waiting for the unit's answer."""
    facts: Facts = []
    pause = order.paused_on(today)
    if pause is not None:
        until = texts.date_text(pause.until)
        facts.append((texts.LABEL_PAUSED, texts.VALUE_PAUSED.format(until=until, reason=pause.reason)))
    for question in order.open_questions():
        answer = texts.STATUS_QUESTION.format(text=question.text, reference=order.reference)
        facts.append((texts.LABEL_QUESTION, answer))
    return facts


def _history(order: Order, events: Sequence[OrderEvent]) -> Facts:
    handling = order.handling
    facts = _last_event(events)
    assignee = texts.VALUE_NO_ASSIGNEE if handling.assignee is None else handling.assignee.name
    facts.append((texts.LABEL_ASSIGNEE, assignee))
    if order.state is OrderState.CLOSED and handling.feedback:
        facts.append((texts.LABEL_FEEDBACK, handling.feedback))
    if order.state is OrderState.CANCELLED and handling.cancel_reason:
        facts.append((texts.LABEL_CANCEL_REASON, handling.cancel_reason))
    return facts


def _last_event(events: Sequence[OrderEvent]) -> Facts:
    for event in reversed(events):
        text = _event_text(event)
        if text is not None:
            when = texts.date_text(local(event.at).date())
            return [(texts.LABEL_LAST_EVENT, texts.LAST_EVENT.format(event=text, date=when))]
    return []


def _event_text(event: OrderEvent) -> str | None:
    """The team's handling in words; other events (e.g. the service desk's) are not told."""
    if event.kind in texts.EVENT_NAMES:
        return texts.EVENT_NAMES[event.kind]
    prefix, _, item = event.kind.partition(":")
    return texts.EVENT_CHECKLIST.format(item=item) if prefix == "checklist" else None


def _mine(orders: list[Order], today: date) -> StatusReply:
    return _numbered(texts.STATUS_MINE, orders, today) if orders else StatusReply(texts.STATUS_MINE_NONE)


def _choose_or_not_found(found: list[Order], intent: Intent, today: date) -> StatusReply:
    if found:
        heading = texts.STATUS_WHICH if intent.target is None else texts.STATUS_SEVERAL
        return _numbered(heading, found, today)
    if intent.reference is not None:
        return StatusReply(texts.ORDER_NOT_FOUND.format(reference=intent.reference))
    if intent.personnummer is not None:
        return StatusReply(texts.STATUS_NOT_FOUND_FOR.format(what=mask_personnummer(intent.personnummer)))
    if intent.name is not None:
        return StatusReply(texts.STATUS_NOT_FOUND_FOR.format(what=intent.name))
    return StatusReply(texts.STATUS_NONE)


def _numbered(heading: str, orders: list[Order], today: date) -> StatusReply:
    shown = orders[:LIST_LIMIT]
    lines = [_line(number, order, today) for number, order in enumerate(shown, start=1)]
    if len(orders) > len(shown):
        lines.append(texts.STATUS_MORE.format(count=len(orders) - len(shown)))
    return StatusReply("\n\n".join([heading, "\n".join(lines)]), tuple(order.reference for order in shown))


def _line(number: int, order: Order, today: date) -> str:
    """One order of a list: its state, and what waits (a pause, the team's question to the unit)."""
    state = texts.STATE_NAMES[order.state]
    booking = order.handling.booking
    if order.state is OrderState.BOOKED and booking is not None:
        state = f"{state} {texts.when_text(local(booking.at))}"
    pause = order.paused_on(today)
    if pause is not None:
        state = f"{state}, {texts.STATUS_PAUSED.format(until=texts.date_text(pause.until))}"
    name = order.details.brukare.name
    line = texts.STATUS_LINE.format(number=number, reference=order.reference, brukare=name, state=state)
    questions = [
        texts.STATUS_QUESTION.format(text=q.text, reference=order.reference) for q in order.open_questions()
    ]
    return "\n".join([line, *(f"   {texts.LABEL_QUESTION}: {question}" for question in questions)])
