"""Events from the service desk (Lindesk): each moves its order once, as the team's chat commands would."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot import texts, workflow
from bot.access import SERVICE_DESK
from bot.domain import REFERENCE_PATTERN, Booking, Order, OrderEvent, OrderState, format_reference
from bot.followup.transitions import DESK_COMMENT, desk_comment
from bot.handling import HandlingService, Transition
from bot.notifications import LOCAL_TIME
from bot.workflow import Change, NotAllowed

MAX_COMMENT_LENGTH = 4000
BOOKING_YEARS = range(2000, 2101)


class DeskStatus(StrEnum):
    RECEIVED = "received"
    BOOKED = "booked"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    COMMENT = "comment"  # a comment on the ticket: recorded on the order, in any state


NEEDS_COMMENT = frozenset({DeskStatus.CLOSED, DeskStatus.CANCELLED, DeskStatus.COMMENT})


class DeskEvent(BaseModel):
    """`{"reference", "status", "comment", "booked_at"?, "id"?}` as the desk posts it (other fields ignored).

    `id` is the desk's own id of a comment: two comments with the same words are two comments.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    reference: str = Field(max_length=40)
    status: DeskStatus
    comment: str = Field("", max_length=MAX_COMMENT_LENGTH)
    booked_at: datetime | None = None
    id: str = Field("", max_length=200)

    @field_validator("reference")
    @classmethod
    def _normalised(cls, value: str) -> str:
        match = REFERENCE_PATTERN.fullmatch(value.strip())
        if match is None:
            raise ValueError("not an order reference (VT-YYYY-NNNN)")
        return format_reference(int(match.group(1)), int(match.group(2)))

    @field_validator("booked_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """A time without offset is Swedish local time."""
        if value is None:
            return None
        if value.year not in BOOKING_YEARS:
            raise ValueError(f"booked_at must be in {BOOKING_YEARS.start}-{BOOKING_YEARS.stop - 1}")
        return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TIME)).astimezone(UTC)

    @model_validator(mode="after")
    def _complete(self) -> DeskEvent:
        if self.status is DeskStatus.BOOKED:
            self.booking()
        if self.status in NEEDS_COMMENT and not self.comment.strip():
            raise ValueError(f"{self.status.value} needs a comment")
        return self

    def booking(self) -> Booking:
        if self.booked_at is None:
            raise ValueError("booked needs booked_at")
        return Booking(at=self.booked_at)


class Outcome(StrEnum):
    APPLIED = "applied"
    UNCHANGED = "unchanged"  # already applied (a replay), or nothing left to do


class UnknownOrder(Exception):
    """No order has the event's reference."""


class DeskEvents:
    """Applies the desk's events through the team's handling, as the desk's system actor.

    Replays change nothing twice: an event is a no-op when the order's history already holds the
    same event from the desk (same status and detail: booked time, återkoppling, reason, comment), and
    `received` is a no-op once the order is past FILED. The check and the change are tied by the
    order's version, so two copies of one event arriving together apply once.
    """

    def __init__(self, handling: HandlingService) -> None:
        self.handling = handling

    async def receive(self, event: DeskEvent) -> Outcome:
        """Apply `event`; raises UnknownOrder, or NotAllowed when the order cannot move that way now."""
        order = await self._unapplied(event)
        if order is None:
            return Outcome.UNCHANGED
        try:
            await self.handling.apply(event.reference, SERVICE_DESK, _at_version(order, _transition(event)))
        except NotAllowed:
            if await self._unapplied(event) is None:  # a copy of the event got there first
                return Outcome.UNCHANGED
            raise
        return Outcome.APPLIED

    async def _unapplied(self, event: DeskEvent) -> Order | None:
        """The order as it is now if `event` still has to be applied to it, else None."""
        async with self.handling.database.transaction() as uow:
            order = await uow.orders.by_reference(event.reference)
            if order is None:
                raise UnknownOrder(event.reference)
            history = await uow.events.for_order(event.reference)
        if event.status is DeskStatus.RECEIVED:
            return order if order.state is OrderState.FILED else None
        return None if any(_same(past, event) for past in history) else order


def _transition(event: DeskEvent) -> Transition:
    desk, comment = SERVICE_DESK, event.comment
    if event.status is DeskStatus.RECEIVED:
        return lambda order, now: workflow.take(order, desk, now)
    if event.status is DeskStatus.BOOKED:
        booking = event.booking()
        return lambda order, now: workflow.book(order, desk, booking, now)
    if event.status is DeskStatus.CLOSED:
        return lambda order, now: workflow.close_from_desk(order, desk, comment, now)
    if event.status is DeskStatus.COMMENT:
        return lambda order, now: desk_comment(order, desk, comment, now, event.id)
    return lambda order, now: workflow.cancel(order, desk, comment, now)


def _at_version(checked: Order, transition: Transition) -> Transition:
    """`transition`, refused if the order changed since it was checked."""

    def guarded(order: Order, now: datetime) -> Change:
        if order.version != checked.version:
            raise NotAllowed(texts.REFUSE_CONCURRENT.format(reference=order.reference))
        return transition(order, now)

    return guarded


def _same(past: OrderEvent, event: DeskEvent) -> bool:
    kind = DESK_COMMENT if event.status is DeskStatus.COMMENT else event.status.value
    if past.actor_id != SERVICE_DESK.user_id or past.kind != kind:
        return False
    if event.status is DeskStatus.BOOKED:
        return past.detail == event.booking().at.isoformat()
    if event.status is DeskStatus.COMMENT and event.id:
        return past.source == event.id
    return past.detail == event.comment
