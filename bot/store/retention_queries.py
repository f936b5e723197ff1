"""The retention rules' reads and deletes: ended orders due for erasure, stale drafts, delivered messages."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Delete, delete, select, update

from bot.domain import OrderEvent, OrderState
from bot.outbox import OutboxState
from bot.store import tables
from bot.store.repositories import _Repository

ENDED = (OrderState.CLOSED.value, OrderState.CANCELLED.value)
orders = tables.orders


class RetentionQueries(_Repository):
    """Times are compared in UTC: SQLite stores them as UTC text without an offset."""

    async def ended_before(self, cutoff: datetime, not_yet: ColumnElement[bool]) -> list[str]:
        """References of orders closed or cancelled before `cutoff` that match `not_yet`, oldest first."""
        query = (
            select(orders.c.reference)
            .where(orders.c.state.in_(ENDED), orders.c.updated_at < _utc(cutoff), not_yet)
            .order_by(orders.c.updated_at)
        )
        return list(await self.conn.scalars(query))

    async def forget_who(self, reference: str) -> None:
        """Clear the plain columns that point at people: the personnummer hash and the orderer's id."""
        await self.conn.execute(
            update(orders).where(orders.c.reference == reference).values(pnr_index="", orderer_id="")
        )

    async def blank_event_details(self, reference: str, kinds: Collection[str] | None = None) -> None:
        """Re-encrypt the order's events (of `kinds`; None: all) without their free text."""
        events = tables.order_events
        query = select(events.c.id, events.c.payload).where(events.c.reference == reference)
        if kinds is not None:
            query = query.where(events.c.kind.in_(list(kinds)))
        rows = await self.conn.execute(query)
        for event_id, payload in rows.all():
            blank = self.codec.load(OrderEvent, payload).model_copy(update={"detail": ""})
            await self.conn.execute(
                update(events).where(events.c.id == event_id).values(payload=self.codec.dump(blank))
            )

    async def delete_messages(self, reference: str) -> int:
        """Every outbox message about the order, delivered or not."""
        outbox = tables.outbox
        return await self._deleted(delete(outbox).where(outbox.c.reference == reference))

    async def delete_finished_messages(self, cutoff: datetime) -> int:
        """Outbox messages sent or given up before `cutoff` (a ticket carries the portkod)."""
        outbox = tables.outbox
        finished = (OutboxState.SENT.value, OutboxState.DEAD.value, OutboxState.WITHDRAWN.value)
        return await self._deleted(
            delete(outbox).where(outbox.c.state.in_(finished), outbox.c.created_at < _utc(cutoff))
        )

    async def delete_drafts(self, cutoff: datetime) -> int:
        """Unfinished orders nobody has touched since `cutoff`."""
        drafts = tables.drafts
        return await self._deleted(delete(drafts).where(drafts.c.updated_at < _utc(cutoff)))

    async def delete_staff(self, cutoff: datetime) -> int:
        """Orderers' remembered names and phones, when they have not ordered since `cutoff`."""
        staff = tables.staff
        return await self._deleted(delete(staff).where(staff.c.updated_at < _utc(cutoff)))

    async def _deleted(self, statement: Delete) -> int:
        return int((await self.conn.execute(statement)).rowcount)


def access_not_erased() -> ColumnElement[bool]:
    return orders.c.access_erased_at.is_(None)


def not_anonymised() -> ColumnElement[bool]:
    return orders.c.anonymised_at.is_(None)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
