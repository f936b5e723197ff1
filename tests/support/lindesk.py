"""Orders filed for a service desk on a real database, sent by the real outbox worker, on a test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.crypto import Vault
from bot.domain import Order
from bot.orders import OrderService
from bot.outbox import OutboxChannel, OutboxState
from bot.outbox_worker import OutboxWorker, RetryPolicy
from bot.store import tables
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.unit_of_work import Database
from bot.ticket_delivery import TicketDelivery
from bot.tickets import TicketDesk
from tests.support.services import FIXED_NOW

KEY = Fernet.generate_key().decode()
RETRY = RetryPolicy(base_seconds=1, max_seconds=4)
TEAM_CONVERSATION = "team-conversation"


@dataclass
class SteppingClock:
    """Time that moves only when the test says so: retries become due without waiting."""

    now: datetime = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class DeskApp:
    """One app instance's view: its engine's database, order service and outbox worker."""

    orders: OrderService
    desk: TicketDesk
    worker: OutboxWorker
    clock: SteppingClock = field(default_factory=SteppingClock)

    async def deliver(self, rounds: int = 20) -> None:
        """Run the worker until nothing is due now (bounded)."""
        for _ in range(rounds):
            if await self.worker.run_once() == 0:
                return

    async def deliver_later(self) -> None:
        """Let the longest retry delay pass, then deliver what is due."""
        self.clock.advance(RETRY.max_seconds + 1)
        await self.deliver()

    async def order(self, reference: str) -> Order:
        found = await self.orders.get(reference)
        assert found is not None
        return found

    async def ticket_items(self) -> list[tuple[str, str]]:
        """(reference, state) of every Lindesk outbox row."""
        outbox = tables.outbox
        query = select(outbox.c.reference, outbox.c.state).where(outbox.c.channel == OutboxChannel.LINDESK)
        async with self.orders.database.transaction() as uow:
            return [(row.reference, row.state) for row in await uow.conn.execute(query)]

    async def all_sent(self) -> bool:
        return all(state == OutboxState.SENT for _, state in await self.ticket_items())


@asynccontextmanager
async def desk_app(
    database_url: str, desk: TicketDesk, clock: SteppingClock | None = None, batch: int = 200
) -> AsyncIterator[DeskApp]:
    """Services wired as app.py wires them for TICKET_SYSTEM=email|rest, with a team conversation."""
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        clock = clock or SteppingClock()
        database = Database(engine, PayloadCodec(Vault([KEY])))
        delivery = TicketDelivery(database, desk, clock)
        deliverers = {OutboxChannel.LINDESK: delivery}
        worker = OutboxWorker(database, deliverers, delivery.undeliverable, RETRY, clock, batch=batch)
        async with database.transaction() as uow:
            await uow.conversations.remember(TEAM_CONVERSATION, "team-anna", {}, clock())
            await uow.conversations.set_team_channel(TEAM_CONVERSATION)
        yield DeskApp(OrderService(database, clock, files_tickets=True), desk, worker, clock)
    finally:
        await engine.dispose()
