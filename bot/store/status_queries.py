"""Reads orders for status questions, only among those a user may see, newest first."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, or_, select, true

from bot.access import Visibility
from bot.domain import Order, OrderState
from bot.store import tables
from bot.store.repositories import _Repository

orders = tables.orders


class StatusQueries(_Repository):
    """Filters on the plain columns first, so only orders the user may see are ever decrypted."""

    async def units(self) -> list[str]:
        """Every ordering unit as spelt on some order (no personal data)."""
        return list(await self.conn.scalars(select(orders.c.unit).distinct()))

    async def visible(
        self,
        visibility: Visibility,
        *,
        reference: str | None = None,
        pnr_indexes: Collection[str] = (),
        states: Collection[OrderState] = (),
        limit: int | None = None,
    ) -> list[Order]:
        """The orders `visibility` allows, narrowed by reference, personnummer hashes and states."""
        query = select(orders.c.payload).where(_allowed(visibility))
        if reference is not None:
            query = query.where(orders.c.reference == reference)
        if pnr_indexes:
            query = query.where(orders.c.pnr_index.in_(list(pnr_indexes)))
        if states:
            query = query.where(orders.c.state.in_([state.value for state in states]))
        query = query.order_by(orders.c.filed_at.desc(), orders.c.id.desc()).limit(limit)
        return [self.codec.load(Order, payload) for payload in await self.conn.scalars(query)]


def _allowed(visibility: Visibility) -> ColumnElement[bool]:
    if visibility.everyone:
        return true()
    own = orders.c.orderer_id == visibility.orderer_id
    return or_(own, orders.c.unit.in_(visibility.units)) if visibility.units else own
