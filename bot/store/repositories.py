"""Repositories: load and save domain objects in one transaction's connection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.audit import change_entry
from bot.domain import Order, Orderer, OrderEvent, OrderState
from bot.drafts import OrderDraft
from bot.store import tables
from bot.store.codec import PayloadCodec
from bot.store.upsert import insert_or_increment, upsert


class ConcurrentUpdate(Exception):
    """Someone else changed the order since it was read."""


class _Repository:
    def __init__(self, conn: AsyncConnection, codec: PayloadCodec) -> None:
        self.conn = conn
        self.codec = codec


class StaffRepository(_Repository):
    """Who orders, and for which unit: asked once per user and remembered."""

    async def get(self, user_id: str) -> Orderer | None:
        row = await self.conn.scalar(select(tables.staff.c.payload).where(tables.staff.c.user_id == user_id))
        return None if row is None else self.codec.load(Orderer, row)

    async def save(self, orderer: Orderer, at: datetime) -> None:
        values = {
            "user_id": orderer.user_id,
            "unit": orderer.unit,
            "payload": self.codec.dump(orderer),
            "updated_at": at,
        }
        await upsert(self.conn, tables.staff, values)


class DraftRepository(_Repository):
    """One unfinished order per user, resumable with `fortsätt`."""

    async def get(self, user_id: str) -> OrderDraft | None:
        row = await self.conn.scalar(
            select(tables.drafts.c.payload).where(tables.drafts.c.user_id == user_id)
        )
        return None if row is None else self.codec.load(OrderDraft, row)

    async def save(self, user_id: str, draft: OrderDraft, at: datetime) -> None:
        values = {"user_id": user_id, "payload": self.codec.dump(draft), "updated_at": at}
        await upsert(self.conn, tables.drafts, values)

    async def delete(self, user_id: str) -> None:
        await self.conn.execute(delete(tables.drafts).where(tables.drafts.c.user_id == user_id))


class OrderRepository(_Repository):
    """Filed orders; the whole Order is the encrypted payload, a few columns are for queries."""

    async def next_serial(self, year: int) -> int:
        """The year's next serial; the counter row stays locked until the transaction ends."""
        return await insert_or_increment(self.conn, tables.order_serials, {"year": year}, "last_serial")

    async def by_reference(self, reference: str) -> Order | None:
        return await self._one(tables.orders.c.reference == reference)

    async def by_draft_key(self, draft_key: str) -> Order | None:
        return await self._one(tables.orders.c.draft_key == draft_key)

    async def in_states(self, states: Iterable[OrderState]) -> list[Order]:
        """The orders in any of `states`, oldest first."""
        orders = tables.orders
        rows = await self.conn.scalars(
            select(orders.c.payload)
            .where(orders.c.state.in_([state.value for state in states]))
            .order_by(orders.c.filed_at, orders.c.id)
        )
        return [self.codec.load(Order, row) for row in rows]

    async def add(self, order: Order, draft_key: str, pnr_index: str) -> None:
        values = self._columns(order) | {
            "reference": order.reference,
            "draft_key": draft_key,
            "pnr_index": pnr_index,
            "orderer_id": order.orderer.user_id,
            "filed_at": order.filed_at,
        }
        await self.conn.execute(insert(tables.orders).values(**values))

    async def update(self, order: Order, read_version: int) -> None:
        """Save `order` if nobody saved it since `read_version`, else raise ConcurrentUpdate."""
        statement = (
            update(tables.orders)
            .where(tables.orders.c.reference == order.reference)
            .where(tables.orders.c.version == read_version)
            .values(**self._columns(order))
        )
        if (await self.conn.execute(statement)).rowcount != 1:
            raise ConcurrentUpdate(order.reference)

    async def _one(self, condition: object) -> Order | None:
        row = await self.conn.scalar(select(tables.orders.c.payload).where(condition))
        return None if row is None else self.codec.load(Order, row)

    def _columns(self, order: Order) -> dict[str, object]:
        return {
            "state": order.state.value,
            "unit": order.orderer.unit,
            "payload": self.codec.dump(order),
            "version": order.version,
            "updated_at": order.updated_at,
            "access_erased_at": order.erasure.access_data_at,
            "anonymised_at": order.erasure.anonymised_at,
        }


class EventRepository(_Repository):
    """The append-only history of each order; every event is a change, so it is audited too."""

    async def add(self, event: OrderEvent) -> int:
        """Append `event`, and its entry in the audit log (who, when, through which channel); its id."""
        await self.conn.execute(insert(tables.audit_log).values(**change_entry(event).model_dump()))
        values = {
            "reference": event.reference,
            "at": event.at,
            "actor_id": event.actor_id,
            "kind": event.kind,
            "state": event.state.value,
            "payload": self.codec.dump(event),
        }
        statement = insert(tables.order_events).values(**values).returning(tables.order_events.c.id)
        return int((await self.conn.execute(statement)).scalar_one())

    async def latest(self, reference: str, kind: str, actor_id: str) -> tuple[int, OrderEvent] | None:
        """The id and the event of `actor_id`'s latest event of `kind` on the order, if any."""
        events = tables.order_events
        query = (
            select(events.c.id, events.c.payload)
            .where(events.c.reference == reference, events.c.kind == kind, events.c.actor_id == actor_id)
            .order_by(events.c.id.desc())
            .limit(1)
        )
        row = (await self.conn.execute(query)).first()
        return None if row is None else (int(row.id), self.codec.load(OrderEvent, row.payload))

    async def for_order(self, reference: str) -> list[OrderEvent]:
        events = tables.order_events
        rows = await self.conn.scalars(
            select(events.c.payload).where(events.c.reference == reference).order_by(events.c.id)
        )
        return [self.codec.load(OrderEvent, row) for row in rows]


class ConversationRepository(_Repository):
    """Where each conversation can be reached later (for proactive messages)."""

    async def remember(self, key: str, user_id: str, reference: dict[str, Any], at: datetime) -> None:
        values = {
            "conversation_key": key,
            "user_id": user_id,
            "reference": reference,
            "updated_at": at,
            "unreachable": False,
        }
        await upsert(self.conn, tables.conversations, values)

    async def set_team_channel(self, key: str) -> None:
        await self.conn.execute(
            update(tables.conversations)
            .where(tables.conversations.c.conversation_key == key)
            .values(is_team_channel=True)
        )

    async def unset_team_channels(self, prefix: str) -> None:
        """The conversations whose keys begin with `prefix` no longer get the team's notifications."""
        conversations = tables.conversations
        await self.conn.execute(
            update(conversations)
            .where(conversations.c.conversation_key.startswith(prefix, autoescape=True))
            .where(conversations.c.is_team_channel.is_(True))
            .values(is_team_channel=False)
        )

    async def refresh_team_channel(self, key: str, reference: dict[str, Any], at: datetime) -> None:
        """A turn came from the channel `key`: if a team channel, its reference is renewed (reachable)."""
        conversations = tables.conversations
        await self.conn.execute(
            update(conversations)
            .where(conversations.c.conversation_key == key)
            .where(conversations.c.is_team_channel.is_(True))
            .values(reference=reference, updated_at=at, unreachable=False)
        )

    async def team_channels(self) -> list[str]:
        conversations = tables.conversations
        rows = await self.conn.scalars(
            select(conversations.c.conversation_key)
            .where(conversations.c.is_team_channel.is_(True))
            .where(conversations.c.unreachable.is_(False))
        )
        return list(rows)

    async def is_team_channel(self, key: str) -> bool:
        conversations = tables.conversations
        query = select(conversations.c.is_team_channel).where(conversations.c.conversation_key == key)
        return bool(await self.conn.scalar(query))

    async def mark_unreachable(self, key: str) -> bool:
        """Mark `key` unreachable; False when it already was, True when that is news (or it is unknown)."""
        conversations = tables.conversations
        changed = await self.conn.execute(
            update(conversations)
            .where(conversations.c.conversation_key == key)
            .where(conversations.c.unreachable.is_(False))
            .values(unreachable=True)
        )
        return changed.rowcount > 0 or await self.reference(key) is None

    async def mark_reachable(self, key: str) -> None:
        """`key` took a message: it is reachable again (only a row marked unreachable is written)."""
        conversations = tables.conversations
        await self.conn.execute(
            update(conversations)
            .where(conversations.c.conversation_key == key)
            .where(conversations.c.unreachable.is_(True))
            .values(unreachable=False)
        )

    async def remembered(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """The user a conversation was remembered for, and its reference."""
        conversations = tables.conversations
        row = (
            await self.conn.execute(
                select(conversations.c.user_id, conversations.c.reference).where(
                    conversations.c.conversation_key == key
                )
            )
        ).first()
        return None if row is None else (row.user_id or "", dict(row.reference))

    async def reference(self, key: str) -> dict[str, Any] | None:
        row = await self.conn.scalar(
            select(tables.conversations.c.reference).where(tables.conversations.c.conversation_key == key)
        )
        return None if row is None else dict(row)
