"""The core services built on a real database, as app.py builds them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from cryptography.fernet import Fernet

from bot.crypto import Vault
from bot.drafts import OrderDraft
from bot.orders import OrderService
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.unit_of_work import Database

FIXED_NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@asynccontextmanager
async def order_service(database_url: str) -> AsyncIterator[OrderService]:
    engine = create_engine(database_url)
    await migrate(engine)
    database = Database(engine, PayloadCodec(Vault([Fernet.generate_key().decode()])))
    try:
        yield OrderService(database, lambda: FIXED_NOW)
    finally:
        await engine.dispose()


async def save_draft(orders: OrderService, draft: OrderDraft) -> None:
    """A draft saved as the chat saves one (with the turn's state, at the service's clock)."""
    async with orders.database.transaction() as uow:
        await uow.drafts.save(draft.user_id, draft, orders.clock())
