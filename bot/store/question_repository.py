"""The team's questions still waiting for the ordering unit's answer, by conversation and by unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.domain import Order
from bot.store import tables
from bot.store.repositories import _Repository
from bot.store.upsert import insert_ignore

questions = tables.open_questions


class QuestionRepository(_Repository):
    """One row per open question; the question itself is in the order (encrypted)."""

    async def add(self, order: Order, number: int, asked_at: datetime) -> None:
        values = {
            "reference": order.reference,
            "number": number,
            "conversation_key": order.orderer_conversation,
            "unit": order.orderer.unit,
            "asked_at": asked_at,
        }
        await insert_ignore(self.conn, questions, values)

    async def remove(self, reference: str, number: int) -> None:
        await self.conn.execute(
            delete(questions).where(questions.c.reference == reference, questions.c.number == number)
        )

    async def remove_all(self, reference: str) -> None:
        await self.conn.execute(delete(questions).where(questions.c.reference == reference))

    async def in_conversation(self, conversation_key: str) -> list[str]:
        """The orders with a question waiting in the orderer's conversation, newest question first."""
        query = (
            select(questions.c.reference)
            .where(questions.c.conversation_key == conversation_key)
            .order_by(questions.c.asked_at.desc())
        )
        return list(dict.fromkeys((await self.conn.scalars(query)).all()))

    async def for_units(self, units: tuple[str, ...]) -> list[str]:
        """The orders of `units` with a question waiting, oldest question first."""
        query = (
            select(questions.c.reference).where(questions.c.unit.in_(units)).order_by(questions.c.asked_at)
        )
        return list(dict.fromkeys((await self.conn.scalars(query)).all()))
