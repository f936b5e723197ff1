"""The team's handling service: applies a transition with optimistic locking, records and notifies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot import texts, workflow
from bot.access import AccessPolicy
from bot.domain import Booking, ChecklistItem, Devices, Order, TeamMember
from bot.followup.publish import publish
from bot.orders import Clock, utc_now
from bot.store.repositories import ConcurrentUpdate
from bot.store.unit_of_work import Database, UnitOfWork
from bot.workflow import Change, NotAllowed

Transition = Callable[[Order, datetime], Change]
Check = Callable[[UnitOfWork, Order], Awaitable[None]]  # raises NotAllowed when the actor may not


async def _anyone(_uow: UnitOfWork, _order: Order) -> None:
    """The check of a caller that has checked the actor already."""


async def applied(
    database: Database,
    reference: str,
    transition: Transition,
    now: datetime,
    check: Check = _anyone,
    undo_seconds: float = 0,
) -> Order:
    """Apply `transition` to the order as it is now, record its event and tell everyone, or nothing.

    Two changes at once: the one that commits first wins, the other is refused as concurrent.
    """
    try:
        async with database.transaction() as uow:
            order = await uow.orders.by_reference(reference)
            if order is None:
                raise NotAllowed(texts.ORDER_NOT_FOUND.format(reference=reference))
            await check(uow, order)
            change = transition(order, now)
            await uow.orders.update(change.order, read_version=order.version)
            event_id = await uow.events.add(change.event)
            await publish(uow, change, event_id, now, undo_seconds)
    except ConcurrentUpdate:
        raise NotAllowed(texts.REFUSE_CONCURRENT.format(reference=reference)) from None
    return change.order


class HandlingService:
    """Take, book, tick off, close and cancel orders; every change is an event and may notify."""

    def __init__(self, database: Database, policy: AccessPolicy, clock: Clock = utc_now) -> None:
        self.database = database
        self.policy = policy
        self.clock = clock

    async def take(self, reference: str, member: TeamMember) -> Order:
        return await self._apply(reference, member, lambda order, now: workflow.take(order, member, now))

    async def book(self, reference: str, member: TeamMember, booking: Booking) -> Order:
        return await self._apply(
            reference, member, lambda order, now: workflow.book(order, member, booking, now)
        )

    async def tick(
        self, reference: str, member: TeamMember, item: ChecklistItem, devices: Devices | None = None
    ) -> Order:
        return await self._apply(
            reference, member, lambda order, now: workflow.tick(order, member, item, devices, now)
        )

    async def close(self, reference: str, member: TeamMember, feedback: str) -> Order:
        return await self._apply(
            reference, member, lambda order, now: workflow.close(order, member, feedback, now)
        )

    async def apply(self, reference: str, member: TeamMember, transition: Transition) -> Order:
        """Any transition built from bot.workflow's, applied as the methods above apply theirs."""
        return await self._apply(reference, member, transition)

    async def cancel(self, reference: str, member: TeamMember, reason: str) -> Order:
        return await self._apply(
            reference, member, lambda order, now: workflow.cancel(order, member, reason, now)
        )

    async def _apply(self, reference: str, member: TeamMember, transition: Transition) -> Order:
        if not self.policy.is_team(member.user_id):
            raise NotAllowed(texts.REFUSE_NOT_TEAM)
        return await applied(self.database, reference, transition, self.clock())
