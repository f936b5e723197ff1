"""The outbox table: add deliveries in a business transaction, claim due ones, record outcomes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Exists, or_, select, update

from bot.outbox import Message, OutboxChannel, OutboxItem, OutboxState
from bot.store import tables
from bot.store.repositories import _Repository
from bot.store.upsert import insert_ignore

outbox = tables.outbox


class OutboxRepository(_Repository):
    """Exactly one row per dedupe key; rows are claimed with a lease so one worker sends each."""

    async def add(
        self,
        dedupe_key: str,
        channel: OutboxChannel,
        destination: str,
        message: Message,
        now: datetime,
        reference: str | None = None,
        due: datetime | None = None,
    ) -> None:
        """Queue `message` once per `dedupe_key`, due at `due` (default: now)."""
        values = {
            "dedupe_key": dedupe_key,
            "channel": channel.value,
            "destination": destination,
            "reference": reference,
            "payload": self.codec.dump(message),
            "state": OutboxState.PENDING.value,
            "attempts": 0,
            "next_attempt_at": due or now,
            "last_error": "",
            "created_at": now,
        }
        await insert_ignore(self.conn, outbox, values)

    async def claim(
        self, channels: list[OutboxChannel], now: datetime, lease: timedelta, limit: int
    ) -> list[OutboxItem]:
        """Due rows of `channels`, leased until now + lease so no other worker takes them meanwhile.

        A row waits while an earlier row about the same order to the same place is not due yet, so
        an order's messages arrive in the order they were queued (a conversation's replies too: they
        name no order). Reminders are due when they are due: they wait for nothing, and nothing waits
        for them.
        """
        query = (
            select(outbox)
            .where(outbox.c.state == OutboxState.PENDING.value)
            .where(outbox.c.channel.in_([channel.value for channel in channels]))
            .where(outbox.c.next_attempt_at <= now)
            .where(or_(outbox.c.channel == OutboxChannel.REMINDER.value, ~_earlier_waiting(now)))
            .order_by(outbox.c.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = (await self.conn.execute(query)).mappings().all()
        if rows:
            await self.conn.execute(
                update(outbox)
                .where(outbox.c.id.in_([row["id"] for row in rows]))
                .values(next_attempt_at=now + lease, attempts=outbox.c.attempts + 1)
            )
        return [self._item(row) for row in rows]

    async def get(self, dedupe_key: str) -> OutboxItem | None:
        query = select(outbox).where(outbox.c.dedupe_key == dedupe_key)
        row = (await self.conn.execute(query)).mappings().first()
        return None if row is None else self._item(row)

    async def pending_destinations(self, channel: OutboxChannel) -> set[str]:
        """Where messages of `channel` still wait to be delivered."""
        query = (
            select(outbox.c.destination)
            .where(outbox.c.state == OutboxState.PENDING.value, outbox.c.channel == channel.value)
            .distinct()
        )
        return set((await self.conn.scalars(query)).all())

    async def is_pending(self, channel: OutboxChannel, destination: str) -> bool:
        """True while a message of `channel` to `destination` waits to be delivered."""
        query = (
            select(outbox.c.id)
            .where(outbox.c.state == OutboxState.PENDING.value, outbox.c.channel == channel.value)
            .where(outbox.c.destination == destination)
            .limit(1)
        )
        return await self.conn.scalar(query) is not None

    async def sent(self, item_id: int, now: datetime) -> None:
        await self._set(item_id, state=OutboxState.SENT.value, sent_at=now)

    async def retry(self, item_id: int, at: datetime, error: str) -> None:
        await self._set(item_id, next_attempt_at=at, last_error=error[:200])

    async def dead(self, item_id: int, error: str) -> None:
        await self._set(item_id, state=OutboxState.DEAD.value, last_error=error[:200])

    async def requeue_dead(self, channel: OutboxChannel, reference: str, now: datetime) -> list[str]:
        """Put `reference`'s dead rows of `channel` back in the queue, due now; their last errors.

        The rows keep their dedupe key and message (so the same delivery is tried again) and their last
        error until the next try. Only rows still dead change, so of two callers at once one re-queues.
        """
        statement = (
            update(outbox)
            .where(outbox.c.channel == channel.value)
            .where(outbox.c.reference == reference)
            .where(outbox.c.state == OutboxState.DEAD.value)
            .values(state=OutboxState.PENDING.value, attempts=0, next_attempt_at=now)
            .returning(outbox.c.last_error)
        )
        return list((await self.conn.scalars(statement)).all())

    async def withdraw(self, reference: str, key_prefix: str) -> int:
        """Withdraw `reference`'s messages not yet sent whose dedupe key starts with `key_prefix`."""
        statement = (
            update(outbox)
            .where(outbox.c.reference == reference)
            .where(outbox.c.state == OutboxState.PENDING.value)
            .where(_starts_with(outbox.c.dedupe_key, key_prefix))
            .values(state=OutboxState.WITHDRAWN.value)
        )
        return (await self.conn.execute(statement)).rowcount

    async def _set(self, item_id: int, **values: object) -> None:
        await self.conn.execute(update(outbox).where(outbox.c.id == item_id).values(**values))

    def _item(self, row: dict) -> OutboxItem:  # type: ignore[type-arg]
        return OutboxItem(
            id=row["id"],
            dedupe_key=row["dedupe_key"],
            channel=OutboxChannel(row["channel"]),
            destination=row["destination"],
            reference=row["reference"],
            message=self.codec.load(Message, row["payload"]),
            attempts=row["attempts"] + 1,
            created_at=row["created_at"],
        )


def _starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """A prefix match with no LIKE wildcards in play: keys hold '_' and may hold '%'."""
    return column.startswith(prefix, autoescape=True)


def _earlier_waiting(now: datetime) -> Exists:
    earlier = outbox.alias("earlier")
    return (
        select(earlier.c.id)
        .where(earlier.c.state == OutboxState.PENDING.value)
        .where(earlier.c.channel == outbox.c.channel)
        .where(earlier.c.destination == outbox.c.destination)
        .where(earlier.c.reference.is_not_distinct_from(outbox.c.reference))  # replies: none
        .where(earlier.c.id < outbox.c.id)
        .where(earlier.c.next_attempt_at > now)
        .exists()
    )
