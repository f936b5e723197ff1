"""The outbox's deliverer of queued replies: each as the turn would have sent it, with its stable id."""

from __future__ import annotations

from typing import Any, Protocol

from adapters.channel_failures import Verdict, judged
from bot.outbox import OutboxItem
from bot.outbox_worker import RefusedMessage, RetryLater, Undeliverable


class SendsStored(Protocol):
    async def send_stored(self, activity: dict[str, Any], app_id: str) -> None: ...


class ReplyDeliverer:
    """One try per round; the outbox worker keeps the order, the backoff and the Retry-After."""

    def __init__(self, adapter: SendsStored, app_id: str) -> None:
        self.adapter = adapter
        self.app_id = app_id

    async def deliver(self, item: OutboxItem) -> None:
        activity = (item.message.data or {}).get("activity")
        if not isinstance(activity, dict):
            raise RefusedMessage("the queued reply cannot be read")
        try:
            await self.adapter.send_stored(activity, self.app_id)
        except Exception as error:
            failure = judged(error)
            if failure is None:
                raise
            if failure.verdict is Verdict.RETRY:
                raise RetryLater(f"the channel: {failure.reason}", failure.retry_after) from error
            if failure.verdict is Verdict.GONE:
                raise Undeliverable(f"the channel: {failure.reason}") from error
            raise RefusedMessage(f"the channel: {failure.reason}") from error
