"""The outbox's chat deliverer: sends a message into a stored conversation, as the bot, unprompted."""

from __future__ import annotations

import asyncio

import aiohttp
from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import ClientRequestError

from adapters.activity_json import MalformedJson, from_json
from bot.conversations import ConversationDirectory
from bot.outbox import OutboxItem
from bot.outbox_worker import RefusedMessage, RetryLater, Undeliverable
from dialogs.messages import with_card
from dialogs.users import TEAMS

GONE = frozenset({403, 404})  # the bot was removed from the conversation, or it no longer exists
REFUSED = frozenset({400, 401})  # this message is refused: retrying sends the same refusal
UNREACHABLE = (ClientRequestError, aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


class ChatDeliverer:
    """Delivers outbox items of the chat channel with `continue_conversation`.

    Only the message is sent: the bot's turn handler does not run, so the conversation's dialog
    state (an order half answered) is neither read nor written.
    """

    def __init__(self, adapter: BotAdapter, directory: ConversationDirectory, app_id: str) -> None:
        self.adapter = adapter
        self.directory = directory
        self.app_id = app_id

    async def deliver(self, item: OutboxItem) -> None:
        stored = await self.directory.reference(item.destination)
        if stored is None:
            raise Undeliverable("no conversation reference stored")
        try:
            reference = from_json(ConversationReference, stored)
        except MalformedJson:
            raise Undeliverable("the stored conversation reference cannot be read") from None
        activity = MessageFactory.text(item.message.text)
        if item.message.card is not None:
            activity = with_card(activity, item.message.card)
        with_tenant(activity, reference)
        failures: list[Exception] = []

        async def send(context: TurnContext) -> None:
            # Caught here: raised, the adapter's turn-error handler would apologise into the chat.
            try:
                await context.send_activity(activity)
            except Exception as error:
                failures.append(error)

        try:
            await self.adapter.continue_conversation(reference, send, self.app_id)
        except Exception as error:
            failures.append(error)
        if failures:
            raise delivery_error(failures[0]) from failures[0]


def with_tenant(activity: Activity, reference: ConversationReference) -> None:
    """Into Teams, a message the bot starts names its tenant in `channelData.tenant.id` as well.

    (`conversation.tenantId` it has already: the conversation is the stored reference's.)
    """
    tenant = getattr(reference.conversation, "tenant_id", None)
    if reference.channel_id == TEAMS and tenant:
        channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        activity.channel_data = {**channel_data, "tenant": {"id": tenant}}


def delivery_error(error: Exception) -> Exception:
    """What a failed send means for the outbox; works for msrest's and aiohttp's errors alike."""
    status = _status(error)
    if status in GONE:
        return Undeliverable(f"the channel answered HTTP {status}")
    if status in REFUSED:
        return RefusedMessage(f"the channel answered HTTP {status}")
    if status is not None:
        return RetryLater(f"the channel answered HTTP {status}")
    if isinstance(error, UNREACHABLE):
        return RetryLater(f"the channel could not be reached ({type(error).__name__})")
    return error


def _status(error: Exception) -> int | None:
    """The HTTP status of a failed call: `status` (aiohttp, our client) or `response.status_code` (msrest)."""
    status = getattr(error, "status", None)
    if isinstance(status, int):
        return status
    code = getattr(getattr(error, "response", None), "status_code", None)
    return code if isinstance(code, int) else None
