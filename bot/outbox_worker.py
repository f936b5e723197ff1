"""Delivers the outbox: claims due items, hands each to its channel, retries with backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.orders import Clock, utc_now
from bot.outbox import OutboxChannel, OutboxItem
from bot.store.unit_of_work import Database, UnitOfWork

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The destination is down or busy; try again later. The message carries no personal data."""


class Undeliverable(Exception):
    """The destination refused for good (gone, forbidden, invalid); retrying cannot help."""


class Deliverer(Protocol):
    async def deliver(self, item: OutboxItem) -> None: ...


OnUndeliverable = Callable[[UnitOfWork, OutboxItem], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    max_seconds: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))


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
    ) -> None:
        self.database = database
        self.deliverers = deliverers
        self.on_undeliverable = on_undeliverable
        self.retry = retry
        self.clock = clock
        self.batch = batch
        self.lease = timedelta(seconds=60)
        self._parallel = asyncio.Semaphore(parallel)

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many items were tried."""
        async with self.database.transaction() as uow:
            items = await uow.outbox.claim(list(self.deliverers), self.clock(), self.lease, self.batch)
        await asyncio.gather(*(self._deliver(item) for item in items))
        return len(items)

    async def run_forever(self, idle_seconds: float = 0.5) -> None:
        while True:
            try:
                tried = await self.run_once()
            except Exception:  # a database hiccup must not stop deliveries for good
                log.exception("outbox round failed")
                tried = 0
            if tried < self.batch:
                await asyncio.sleep(idle_seconds)

    async def _deliver(self, item: OutboxItem) -> None:
        async with self._parallel:
            try:
                await self.deliverers[item.channel].deliver(item)
            except RetryLater as error:
                await self._record_retry(item, str(error))
            except Undeliverable as error:
                await self._record_dead(item, str(error))
            except Exception as error:  # a bug in a deliverer: keep the item, say what kind of error
                log.exception("outbox %s to %s: unexpected error", item.id, item.channel)
                await self._record_retry(item, type(error).__name__)
            else:
                async with self.database.transaction() as uow:
                    await uow.outbox.sent(item.id, self.clock())

    async def _record_retry(self, item: OutboxItem, reason: str) -> None:
        at = self.clock() + self.retry.delay(item.attempts)
        log.info("outbox %s to %s: retry at %s (%s)", item.id, item.channel, at.isoformat(), reason)
        async with self.database.transaction() as uow:
            await uow.outbox.retry(item.id, at, reason)

    async def _record_dead(self, item: OutboxItem, reason: str) -> None:
        log.warning("outbox %s to %s: undeliverable (%s)", item.id, item.channel, reason)
        async with self.database.transaction() as uow:
            await uow.outbox.dead(item.id, reason)
            await self.on_undeliverable(uow, item)
