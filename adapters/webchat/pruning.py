"""Deletes idle web chat transcripts in the background, once at start and then every hour."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from aiohttp import web

from adapters.webchat.transcripts import TranscriptStore
from bot.orders import Clock, utc_now

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)


class TranscriptPruner:
    """Keeps transcripts only while they are in use; they hold personal data (encrypted)."""

    def __init__(self, transcripts: TranscriptStore, retention: timedelta, clock: Clock = utc_now) -> None:
        self.transcripts = transcripts
        self.retention = retention
        self.clock = clock

    async def prune_once(self) -> int:
        removed = await self.transcripts.prune(self.clock() - self.retention)
        if removed:
            log.info("removed %d idle web chat conversations", removed)
        return removed

    async def running(self, _app: web.Application) -> AsyncIterator[None]:
        """For `app.cleanup_ctx`: prunes while the app runs."""
        task = asyncio.create_task(self._loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _loop(self) -> None:
        while True:
            try:
                await self.prune_once()
            except Exception:  # a database hiccup must not stop pruning for good
                log.exception("pruning web chat transcripts failed")
            await asyncio.sleep(PRUNE_EVERY.total_seconds())
