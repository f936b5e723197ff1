"""The order_threads table: each order's root post per team conversation, found both ways."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.store import tables
from bot.store.repositories import _Repository
from bot.store.upsert import insert_ignore

order_threads = tables.order_threads


class ThreadRepository(_Repository):
    """One root per (order, team conversation): the first recorded stays. Ids only, no personal data."""

    async def root(self, reference: str, conversation_key: str) -> str | None:
        return await self.conn.scalar(
            select(order_threads.c.root_activity_id)
            .where(order_threads.c.reference == reference)
            .where(order_threads.c.conversation_key == conversation_key)
        )

    async def add_root(self, reference: str, conversation_key: str, activity_id: str, at: datetime) -> None:
        values = {
            "reference": reference,
            "conversation_key": conversation_key,
            "root_activity_id": activity_id,
            "created_at": at,
        }
        await insert_ignore(self.conn, order_threads, values)

    async def reference_of(self, conversation_key: str, root_activity_id: str) -> str | None:
        """The order whose root post in `conversation_key` is `root_activity_id`."""
        return await self.conn.scalar(
            select(order_threads.c.reference)
            .where(order_threads.c.root_activity_id == root_activity_id)
            .where(order_threads.c.conversation_key == conversation_key)
        )
