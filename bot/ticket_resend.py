"""Sends a ticket the service desk refused for good once more: the same ticket, queued again by the team."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.access import AccessPolicy
from bot.domain import DeskTicket, Order, OrderEvent, TeamMember, TicketState
from bot.orders import Clock, utc_now
from bot.outbox import OutboxChannel
from bot.store.repositories import ConcurrentUpdate
from bot.store.unit_of_work import Database, UnitOfWork
from bot.tickets import ticket_facts
from bot.workflow import NotAllowed

REQUEUED = "ticket:requeued"  # the event's kind; its detail keeps the desk's last refusal


class TicketResend:
    """Puts an order's dead Lindesk outbox item back in the queue, so the worker files the ticket again.

    The row is the one the desk refused, so the ticket keeps its reference (and Idempotency-Key or
    Message-ID); the desk, which de-duplicates on them, still files it at most once.
    """

    def __init__(self, database: Database, policy: AccessPolicy, clock: Clock = utc_now) -> None:
        self.database = database
        self.policy = policy
        self.clock = clock

    async def resend(self, reference: str, member: TeamMember) -> Order:
        """Re-queue `reference`'s refused ticket as `member`; the order, its ticket on its way again."""
        if not self.policy.is_team(member.user_id):
            raise NotAllowed(texts.REFUSE_NOT_TEAM)
        try:
            async with self.database.transaction() as uow:
                return await self._requeue(uow, reference, member)
        except ConcurrentUpdate:
            raise NotAllowed(texts.REFUSE_CONCURRENT.format(reference=reference)) from None

    async def _requeue(self, uow: UnitOfWork, reference: str, member: TeamMember) -> Order:
        now = self.clock()
        errors = await uow.outbox.requeue_dead(OutboxChannel.LINDESK, reference, now)  # first: it locks
        order = await uow.orders.by_reference(reference)
        if order is None:
            raise NotAllowed(texts.ORDER_NOT_FOUND.format(reference=reference))
        if not errors:
            raise NotAllowed(_nothing_to_resend(order))
        history = await uow.events.for_order(reference)
        sent = order.ticket is not None and order.ticket.state is TicketState.SENT
        ticket = order.ticket if sent else _on_its_way(history)  # sent: only its updates were refused
        changed = order.model_copy(update={"ticket": ticket, "version": order.version + 1})
        await uow.orders.update(changed, read_version=order.version)
        event = OrderEvent(
            reference=reference,
            at=now,
            actor_id=member.user_id,
            kind=REQUEUED,
            state=order.state,
            detail="; ".join(errors),
        )
        await uow.events.add(event)  # and its audit log entry: who re-queued it, when, where
        return changed


def _on_its_way(history: Sequence[OrderEvent]) -> DeskTicket:
    """Queued again; delayed if the orderer was told so, so that they are told when it is sent."""
    told_delayed = any(event.kind == f"ticket:{TicketState.DELAYED.value}" for event in history)
    return DeskTicket(state=TicketState.DELAYED if told_delayed else TicketState.QUEUED)


def _nothing_to_resend(order: Order) -> str:
    if order.ticket is None:
        return texts.RESEND_NO_TICKET.format(reference=order.reference)
    [(label, state)] = ticket_facts(order)
    return texts.RESEND_NOT_REFUSED.format(reference=order.reference, label=label, state=state)
