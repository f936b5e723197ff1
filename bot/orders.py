"""The order service: drafts, filing (exactly once per draft), and reading orders back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from bot import notifications, tickets
from bot.domain import Order, Orderer, OrderEvent, OrderState, format_reference
from bot.drafts import OrderDraft
from bot.store.unit_of_work import Database, UnitOfWork

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class OrderService:
    """Everything the chat does with orders goes through here."""

    def __init__(self, database: Database, clock: Clock = utc_now, files_tickets: bool = False) -> None:
        self.database = database
        self.clock = clock
        self.files_tickets = files_tickets  # True: each order is also filed in the service desk

    async def starting_point(self, user_id: str) -> tuple[OrderDraft | None, Orderer | None]:
        """What `beställ` needs: the user's saved draft, and how they ordered last time."""
        async with self.database.statements() as uow:
            return await uow.drafts.get(user_id), await uow.staff.get(user_id)

    async def load_draft(self, user_id: str) -> OrderDraft | None:
        async with self.database.statements() as uow:
            return await uow.drafts.get(user_id)

    async def discard_draft(self, user_id: str) -> None:
        async with self.database.transaction() as uow:
            await uow.drafts.delete(user_id)

    async def file(self, draft: OrderDraft, conversation: str = "") -> Order:
        """File the draft as an order; the same draft filed again returns the first order.

        `conversation` is where the orderer hears about the order's progress.
        """
        try:
            async with self.database.transaction() as uow:
                return await self._file(uow, draft, conversation)
        except IntegrityError:
            # A concurrent retry of the same confirmation filed it first.
            async with self.database.transaction() as uow:
                existing = await uow.orders.by_draft_key(draft.key)
            if existing is None:
                raise
            return existing

    async def get(self, reference: str) -> Order | None:
        async with self.database.transaction() as uow:
            return await uow.orders.by_reference(reference)

    async def events(self, reference: str) -> list[OrderEvent]:
        async with self.database.transaction() as uow:
            return await uow.events.for_order(reference)

    async def in_states(self, states: Iterable[OrderState]) -> list[Order]:
        """The orders in any of `states`, oldest first (the team's lists)."""
        async with self.database.transaction() as uow:
            return await uow.orders.in_states(states)

    async def _file(self, uow: UnitOfWork, draft: OrderDraft, conversation: str) -> Order:
        existing = await uow.orders.by_draft_key(draft.key)
        if existing is not None:
            return existing
        now = self.clock()
        await uow.staff.save(draft.orderer(), now)
        await uow.drafts.delete(draft.user_id)
        team = await uow.conversations.team_channels()
        # From here the year's serial counter is locked until commit: every filing waits for it.
        order = Order(
            reference=format_reference(now.year, await uow.orders.next_serial(now.year)),
            state=OrderState.FILED,
            orderer=draft.orderer(),
            details=draft.details(),
            filed_at=now,
            updated_at=now,
            orderer_conversation=conversation,
        )
        if self.files_tickets:
            order = await tickets.queue_ticket(uow, order, now)
        pnr_index = self.database.codec.vault.blind_index(order.details.brukare.personnummer)
        await uow.orders.add(order, draft.key, pnr_index)
        event = OrderEvent(
            reference=order.reference, at=now, actor_id=draft.user_id, kind="filed", state=OrderState.FILED
        )
        event_id = await uow.events.add(event)
        message = notifications.team_filed(order)
        await notifications.to_conversations(uow, team, f"event:{event_id}", message, order.reference, now)
        return order
