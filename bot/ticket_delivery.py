"""Sends each order's ticket and updates to the service desk from the outbox; records how the ticket went."""

from __future__ import annotations

from datetime import datetime

from bot import notifications, texts
from bot.access import SERVICE_DESK
from bot.desk_updates import update_event
from bot.domain import DeskTicket, Order, OrderEvent, TicketState
from bot.orders import Clock, utc_now
from bot.outbox import Message, OutboxChannel, OutboxItem
from bot.outbox_worker import RefusedMessage, RetryLater, Undeliverable
from bot.store.repositories import ConcurrentUpdate
from bot.store.unit_of_work import Database, UnitOfWork
from bot.tickets import TicketDesk, TicketUpdate, ticket_for, update_for

RECORD_TRIES = 3


class TicketDelivery:
    """The outbox's deliverer for Lindesk: builds the ticket, or an update of it, from the stored order.

    The desk recognises a ticket filed twice by its reference, and an update added twice by its key
    (Idempotency-Key, Message-ID), so an app that dies after sending and before recording sends again
    on restart and the desk keeps one. An order's updates are queued after its ticket, so they wait
    for it; an update of a ticket the desk refused is given up with it, and `skicka om` sends both.
    """

    def __init__(self, database: Database, desk: TicketDesk, clock: Clock = utc_now) -> None:
        self.database = database
        self.desk = desk
        self.clock = clock

    async def deliver(self, item: OutboxItem) -> None:
        async with self.database.transaction() as uow:
            order = await uow.orders.by_reference(item.reference or "")
        if order is None:
            raise Undeliverable("the order is gone")
        event_id = update_event(item)
        if event_id is None:
            await self._file(order)
        else:
            await self.desk.add_update(_update(order, event_id, item.message.text))

    async def undeliverable(self, uow: UnitOfWork, item: OutboxItem) -> None:
        """The worker's hook for a ticket the desk refused: the order shows it, the team is told.

        For an update the desk refused, the team is told; the ticket stays as it is.
        """
        if item.channel is not OutboxChannel.LINDESK or item.reference is None:
            return
        now = self.clock()
        if update_event(item) is not None:
            await _tell_update_refused(uow, item, item.reference, now)
            return
        order = await _record_ticket(uow, item.reference, DeskTicket(state=TicketState.FAILED), now)
        if order is not None:
            text = texts.NOTIFY_TEAM_TICKET_FAILED.format(reference=order.reference, unit=order.orderer.unit)
            key = f"ticket-failed:{item.id}:{order.version}"  # a re-sent ticket refused again is told again
            await notifications.to_team(uow, key, Message(text=text), order.reference, now)

    async def _file(self, order: Order) -> None:
        try:
            desk_id = await self.desk.file(ticket_for(order))
        except RetryLater:
            await self._record(order.reference, DeskTicket(state=TicketState.DELAYED))
            raise
        await self._record(order.reference, DeskTicket(state=TicketState.SENT, desk_id=desk_id))

    async def _record(self, reference: str, ticket: DeskTicket) -> None:
        for _ in range(RECORD_TRIES):
            try:
                async with self.database.transaction() as uow:
                    await _record_ticket(uow, reference, ticket, self.clock())
                return
            except ConcurrentUpdate:
                continue  # the team changed the order meanwhile: read it again
        raise RetryLater("the order kept changing while its ticket was recorded")


def _update(order: Order, event_id: int, text: str) -> TicketUpdate:
    """The update to send; none for an order without a ticket, or whose ticket the desk refused."""
    if order.ticket is None:
        raise Undeliverable("the order has no ticket")
    if order.ticket.state is TicketState.FAILED:
        raise RefusedMessage("the order's ticket was refused")  # dead with it, re-queued with it
    return update_for(order, event_id, text)


async def _tell_update_refused(uow: UnitOfWork, item: OutboxItem, reference: str, now: datetime) -> None:
    order = await uow.orders.by_reference(reference)
    if order is not None:
        text = texts.NOTIFY_TEAM_UPDATE_FAILED.format(reference=reference, unit=order.orderer.unit)
        await notifications.to_team(uow, f"update-failed:{item.id}", Message(text=text), reference, now)


async def _record_ticket(uow: UnitOfWork, reference: str, ticket: DeskTicket, now: datetime) -> Order | None:
    """Put `ticket` on the order, as an event, telling the orderer when the desk was late.

    Returns the order if it changed.
    """
    order = await uow.orders.by_reference(reference)
    if order is None:
        return None
    current = order.ticket or DeskTicket()
    if not _moves(current, ticket):
        return None
    changed = order.model_copy(update={"ticket": ticket, "version": order.version + 1})
    await uow.orders.update(changed, read_version=order.version)
    event = OrderEvent(
        reference=reference,
        at=now,
        actor_id=SERVICE_DESK.user_id,
        kind=f"ticket:{ticket.state.value}",
        state=order.state,
        detail=ticket.desk_id or "",
    )
    event_id = await uow.events.add(event)
    message = _orderer_notice(changed, was_delayed=current.state is TicketState.DELAYED)
    if message is not None:
        await notifications.tell_orderer(uow, changed, f"event:{event_id}", message, now)
    return changed


def _moves(current: DeskTicket, outcome: DeskTicket) -> bool:
    """Whether `outcome` changes the ticket: a sent ticket stays sent, and a delay is told once."""
    if current.state is TicketState.SENT or current == outcome:
        return False
    return outcome.state is not TicketState.DELAYED or current.state is TicketState.QUEUED


def _orderer_notice(order: Order, was_delayed: bool) -> Message | None:
    state = order.ticket.state if order.ticket else None
    names = {"reference": order.reference, "brukare": order.details.brukare.name}
    if state is TicketState.DELAYED:
        return Message(text=texts.NOTIFY_ORDERER_TICKET_DELAYED.format(**names))
    if state is TicketState.SENT and was_delayed:
        return Message(text=texts.NOTIFY_ORDERER_TICKET_SENT.format(**names))
    return None
