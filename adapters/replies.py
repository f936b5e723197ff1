"""A turn's replies to the channel: retried with backoff within the turn, then queued in the outbox."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import timedelta
from typing import Any

from msrest.authentication import Authentication

from adapters.channel_failures import Backoff, Failure, Verdict, judged
from adapters.connector_client import ChannelClient
from bot.orders import utc_now
from bot.reply_outbox import ReplyOutbox

log = logging.getLogger(__name__)
DEFAULT_BACKOFF = Backoff()


class ReplySender:
    """Sends one turn's replies in order, each with its stable id, while the turn holds its conversation.

    A reply the channel answers with 429 or 5xx, or does not answer, is tried again after a backoff
    with jitter and never sooner than its Retry-After, until `budget_seconds` after the first try,
    or until the app stops (`stopping`). Then it and the replies after it go to the outbox, which
    delivers them in order, with the same ids. A 403 or 404 ends the turn's sending: the conversation
    is marked lost (`ReplyOutbox.lost`); another refusal (400, 401, …) drops that reply only.
    Without an outbox (bare adapters in tests) what cannot be sent is logged and dropped.
    """

    def __init__(
        self,
        client: ChannelClient,
        backoff: Backoff = DEFAULT_BACKOFF,
        budget_seconds: float = 60.0,
        outbox: ReplyOutbox | None = None,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.client = client
        self.backoff = backoff
        self.budget_seconds = budget_seconds
        self.outbox = outbox
        self.stopping = stopping

    async def send(
        self, conversation: str, replies: list[dict[str, Any]], credentials: Authentication | None
    ) -> None:
        """Send `replies` (activities as JSON with their ids) to `conversation`, or queue them."""
        if self.outbox is not None and await self.outbox.is_waiting(conversation):
            await self._queue(conversation, replies, None)  # behind the replies already waiting
            return
        deadline = asyncio.get_running_loop().time() + self.budget_seconds
        for index, reply in enumerate(replies):
            failure = await self._send_one(reply, credentials, deadline)
            if failure is None:
                continue
            if failure.verdict is Verdict.RETRY:
                await self._queue(conversation, replies[index:], failure)
                return
            if failure.verdict is Verdict.GONE:
                await self._lost(conversation, reply, failure, unsent=len(replies) - index - 1)
                return
            log.error("the channel refused a reply (%s); it is not sent again", failure.reason)

    async def _send_one(
        self, reply: dict[str, Any], credentials: Authentication | None, deadline: float
    ) -> Failure | None:
        """None once sent; else why not, when retrying no longer helps or the time is up."""
        loop = asyncio.get_running_loop()
        tries = 0
        while True:
            tries += 1
            try:
                await self.client.send_json(reply, credentials)
                return None
            except Exception as error:
                failure = judged(error)
                if failure is None:
                    raise
            if failure.verdict is not Verdict.RETRY:
                return failure
            wait = self.backoff.wait(tries, failure.retry_after)
            if loop.time() + wait > deadline or await self._stopped_within(wait):
                return failure

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait `seconds`; True (at once) when the app begins to stop meanwhile."""
        if self.stopping is None:
            await asyncio.sleep(seconds)
            return False
        with suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)
        return self.stopping.is_set()

    async def _queue(self, conversation: str, replies: list[dict[str, Any]], failure: Failure | None) -> None:
        """Hand `replies` to the outbox, due when the channel asked (Retry-After) or now."""
        reason = failure.reason if failure else "earlier replies wait"
        if self.outbox is None:
            log.error("%d replies not sent (%s): no outbox to keep them", len(replies), reason)
            return
        after = failure.retry_after if failure else None
        due = utc_now() + timedelta(seconds=after) if after else None
        try:
            await self.outbox.put(conversation, replies, due)
        except Exception:
            log.exception("%d replies not sent (%s) and not queued either", len(replies), reason)
            return
        log.info("%d replies queued for the outbox (%s)", len(replies), reason)

    async def _lost(self, conversation: str, reply: dict[str, Any], failure: Failure, unsent: int) -> None:
        log.warning("the conversation refused the bot (%s); %d later replies dropped", failure.reason, unsent)
        if self.outbox is not None:
            await self.outbox.lost(conversation, reply, failure.reason)
