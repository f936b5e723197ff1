"""A turn's replies the channel did not take in time, queued in the outbox for the worker to deliver."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import datetime
from typing import Any

from bot.orders import Clock, utc_now
from bot.outbox import Message, OutboxChannel
from bot.outbox_worker import OnUndeliverable
from bot.store.unit_of_work import Database

log = logging.getLogger(__name__)
REFRESH_SECONDS = 1.0  # how soon this instance learns of replies another instance queued


class ReplyOutbox:
    """Queues replies (activities as JSON, each with its stable id) per conversation, in order.

    It also knows which conversations have replies waiting, so that a later turn's replies queue
    behind them instead of overtaking them: the conversations this process queued for, and those
    any instance did, read from the database at start and every REFRESH_SECONDS. Only a turn of the
    conversation (holding its turn lock) forgets one again, after the database says none is waiting.
    """

    def __init__(self, database: Database, on_lost: OnUndeliverable, clock: Clock = utc_now) -> None:
        self.database = database
        self.on_lost = on_lost  # the outbox's undeliverable hooks: unreachable mark, the team's notice
        self.clock = clock
        self._waiting: set[str] = set()

    async def is_waiting(self, conversation: str) -> bool:
        """True while replies to `conversation` wait in the outbox (asked holding its turn lock)."""
        if conversation not in self._waiting:
            return False
        async with self.database.statements() as uow:
            waiting = await uow.outbox.is_pending(OutboxChannel.REPLY, conversation)
        if not waiting:
            self._waiting.discard(conversation)
        return waiting

    async def put(self, conversation: str, activities: list[dict[str, Any]], due: datetime | None) -> None:
        """Queue `activities` for `conversation` after any waiting there, first due at `due` (None: now)."""
        now = self.clock()
        async with self.database.transaction() as uow:
            for activity in activities:
                message = Message(data={"activity": activity})
                key = reply_key(activity)
                await uow.outbox.add(key, OutboxChannel.REPLY, conversation, message, now, due=due)
        self._waiting.add(conversation)

    async def lost(self, conversation: str, activity: dict[str, Any], reason: str) -> None:
        """The channel refused `activity` for good (the bot was removed): recorded and handled as the
        outbox handles an undeliverable message: the conversation is marked unreachable, and the team
        is told if it was a team channel."""
        key = reply_key(activity)
        async with self.database.transaction() as uow:
            message = Message(data={"activity": activity})
            await uow.outbox.add(key, OutboxChannel.REPLY, conversation, message, self.clock())
            item = await uow.outbox.get(key)
            if item is not None:
                await uow.outbox.dead(item.id, reason)
                await self.on_lost(uow, item)

    async def refresh(self) -> None:
        """Learn which conversations have replies waiting, also those other instances queued."""
        async with self.database.statements() as uow:
            self._waiting |= await uow.outbox.pending_destinations(OutboxChannel.REPLY)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Refresh until `stop` is set; a database hiccup is logged and the next round tries again."""
        while not stop.is_set():
            try:
                await self.refresh()
            except Exception:
                log.exception("reading the conversations with queued replies failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), REFRESH_SECONDS)


def reply_key(activity: dict[str, Any]) -> str:
    """The outbox's dedupe key of a reply: its stable activity id, so it is queued once."""
    return f"reply:{activity['id']}"
