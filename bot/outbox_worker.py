"""Delivers the outbox: claims due items, hands each to its channel, retries with backoff."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.orders import Clock, utc_now
from bot.outbox import OutboxChannel, OutboxItem
from bot.store.unit_of_work import Database, UnitOfWork

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The destination is down or busy; try again later. The message carries no personal data.

    `after`: seconds the destination asked to wait (Retry-After); else a cause's `retry_after`, if any.
    """

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after

    def wait_seconds(self) -> float:
        after = self.after if self.after is not None else getattr(self.__cause__, "retry_after", None)
        return float(after) if isinstance(after, int | float) else 0.0


class Undeliverable(Exception):
    """The destination refused for good (gone, forbidden, invalid); retrying cannot help."""


class RefusedMessage(Undeliverable):
    """The destination refused this one message (malformed, unauthorised), not the conversation.

    It is given up like any undeliverable message, but the hooks that mark a destination lost do not run.
    """


class Deliverer(Protocol):
    async def deliver(self, item: OutboxItem) -> None: ...


# The item being delivered, for a deliverer's helpers (e.g. a stable activity id from its dedupe key).
current_delivery: ContextVar[OutboxItem | None] = ContextVar("current_delivery", default=None)
OnUndeliverable = Callable[[UnitOfWork, OutboxItem], Awaitable[None]]
OnDelivered = Callable[[UnitOfWork, OutboxItem], Awaitable[None]]


async def _nothing(_uow: UnitOfWork, _item: OutboxItem) -> None:
    """The default hook after a delivery: nothing more to record."""


def each(hooks: Sequence[OnUndeliverable]) -> OnUndeliverable:
    """One hook running `hooks` in turn; each acts on the channels it knows and ignores the rest."""

    async def run_each(uow: UnitOfWork, item: OutboxItem) -> None:
        for hook in hooks:
            await hook(uow, item)

    return run_each


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    max_seconds: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        """Doubling per attempt up to the max, with jitter: between half and all of it."""
        full = min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return timedelta(seconds=full * random.uniform(0.5, 1.0))


class OutboxWorker:
    """One loop per app instance; leases make several instances safe on PostgreSQL."""

    def __init__(
        self,
        database: Database,
        deliverers: Mapping[OutboxChannel, Deliverer],
        on_undeliverable: OnUndeliverable,
        retry: RetryPolicy = RetryPolicy(),
        clock: Clock = utc_now,
        batch: int = 200,
        parallel: int = 50,
        on_delivered: OnDelivered = _nothing,
    ) -> None:
        self.database = database
        self.deliverers = deliverers
        self.on_undeliverable = on_undeliverable
        self.on_delivered = on_delivered  # in the transaction that records the delivery
        self.retry = retry
        self.clock = clock
        self.batch = batch
        self.lease = timedelta(seconds=60)
        self._parallel = asyncio.Semaphore(parallel)

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many items were tried."""
        async with self.database.transaction() as uow:
            items = await uow.outbox.claim(list(self.deliverers), self.clock(), self.lease, self.batch)
        await asyncio.gather(*(self._deliver_in_order(sequence) for sequence in _sequences(items)))
        return len(items)

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 0.5) -> None:
        """Deliver until `stop` is set; a round under way is finished, so no delivery is left half done."""
        while not stop.is_set():
            try:
                tried = await self.run_once()
            except Exception:  # a database hiccup must not stop deliveries for good
                log.exception("outbox round failed")
                tried = 0
            if tried < self.batch:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)

    async def _deliver_in_order(self, sequence: list[OutboxItem]) -> None:
        """One order's messages to one place, oldest first; when one must wait, the later ones wait too."""
        for index, item in enumerate(sequence):
            retry_at = await self._deliver(item)
            if retry_at is not None:
                async with self.database.transaction() as uow:
                    for later in sequence[index + 1 :]:
                        await uow.outbox.retry(later.id, retry_at, "waits for an earlier message")
                return

    async def _deliver(self, item: OutboxItem) -> datetime | None:
        """Deliver `item` and record the outcome; the time of the next try when it must be retried."""
        async with self._parallel:
            delivering = current_delivery.set(item)
            try:
                await self.deliverers[item.channel].deliver(item)
            except RetryLater as error:
                return await self._record_retry(item, str(error), error.wait_seconds())
            except Undeliverable as error:
                await self._record_dead(item, str(error), lost=not isinstance(error, RefusedMessage))
            except Exception as error:  # a bug in a deliverer: keep the item, say what kind of error
                log.exception("outbox %s to %s: unexpected error", item.id, item.channel)
                return await self._record_retry(item, type(error).__name__)
            else:
                async with self.database.transaction() as uow:
                    await uow.outbox.sent(item.id, self.clock())
                    await self.on_delivered(uow, item)
            finally:
                current_delivery.reset(delivering)
            return None

    async def _record_retry(self, item: OutboxItem, reason: str, wait_seconds: float = 0.0) -> datetime:
        """The next try after the backoff, and not before the destination asked (Retry-After)."""
        at = self.clock() + max(self.retry.delay(item.attempts), timedelta(seconds=wait_seconds))
        log.info("outbox %s to %s: retry at %s (%s)", item.id, item.channel, at.isoformat(), reason)
        async with self.database.transaction() as uow:
            await uow.outbox.retry(item.id, at, reason)
        return at

    async def _record_dead(self, item: OutboxItem, reason: str, lost: bool = True) -> None:
        """Give `item` up; when its destination is lost (not just this message refused), run the hooks."""
        log.warning("outbox %s to %s: undeliverable (%s)", item.id, item.channel, reason)
        async with self.database.transaction() as uow:
            await uow.outbox.dead(item.id, reason)
            if lost:
                await self.on_undeliverable(uow, item)


def _sequences(items: list[OutboxItem]) -> list[list[OutboxItem]]:
    """The items grouped by channel, destination and order, each group in the order it was queued."""
    groups: dict[tuple[OutboxChannel, str, str | None], list[OutboxItem]] = {}
    for item in items:
        groups.setdefault((item.channel, item.destination, item.reference), []).append(item)
    return list(groups.values())
