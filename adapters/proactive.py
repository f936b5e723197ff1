"""The outbox's chat deliverer: sends a message into a stored conversation, as the bot, unprompted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from copy import deepcopy
from typing import Any

import aiohttp
from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ConversationReference
from msrest.exceptions import ClientRequestError

from adapters.activity_json import MalformedJson, from_json
from bot.conversations import ConversationDirectory
from bot.outbox import OutboxItem, ThreadPost
from bot.outbox_worker import RefusedMessage, RetryLater, Undeliverable
from bot.threads import ThreadDirectory, in_thread, split_thread
from dialogs.messages import with_card
from dialogs.users import TEAMS

log = logging.getLogger(__name__)

GONE = frozenset({403, 404})  # the bot was removed from the conversation, or it no longer exists
REFUSED = frozenset({400, 401})  # this message is refused: retrying sends the same refusal
UNREACHABLE = (ClientRequestError, aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)
ROOT_DELETED = 404  # answered to the update of an order's root post: someone deleted the post
Call = Callable[[TurnContext], Awaitable[Any]]


class ChatDeliverer:
    """Delivers outbox items of the chat channel with `continue_conversation`.

    Only the message is sent: the bot's turn handler does not run, so the conversation's dialog
    state (an order half answered) is neither read nor written.

    In a Teams channel an order's messages form a thread: the ROOT message is posted to the channel
    and its id recorded (`threads`); a REPLY first updates the root's card (`root_card`), then goes
    into the root's thread, so a retry after either step never posts the reply twice. Elsewhere, or
    without a recorded root, a REPLY is a plain message. A crash between posting a root and
    recording it posts the root again on the retry (Teams gives it a new id): that order then has
    two root posts there, and its thread is under the second. (The post carries the outbox item's
    stable `tl-` id; a channel that keeps ids shows it once, and answers with the same id.)
    """

    def __init__(
        self,
        adapter: BotAdapter,
        directory: ConversationDirectory,
        app_id: str,
        threads: ThreadDirectory | None = None,
    ) -> None:
        self.adapter = adapter
        self.directory = directory
        self.app_id = app_id
        self.threads = threads or ThreadDirectory(directory.database)

    async def deliver(self, item: OutboxItem) -> None:
        reference = await self._reference(item.destination)
        activity = MessageFactory.text(item.message.text)
        if item.message.card is not None:
            activity = with_card(activity, item.message.card)
        with_tenant(activity, reference)
        order = item.reference if has_threads(reference) else None
        if order and item.message.thread is ThreadPost.ROOT:
            await self._post_root(order, item.destination, reference, activity)
            return
        in_a_thread = order and item.message.thread is ThreadPost.REPLY
        root = await self.threads.root(order, item.destination) if order and in_a_thread else None
        if root is None:
            await self._send(reference, activity)
            return
        await self._reply(item.message.root_card, reference, activity, root)

    async def _reference(self, key: str) -> ConversationReference:
        stored = await self.directory.reference(key)
        if stored is None:
            raise Undeliverable("no conversation reference stored")
        try:
            return from_json(ConversationReference, stored)
        except MalformedJson:
            raise Undeliverable("the stored conversation reference cannot be read") from None

    async def _post_root(
        self, order: str, key: str, reference: ConversationReference, activity: Activity
    ) -> None:
        """The order's first post in a Teams channel: a new post there (not in a thread), its id recorded."""
        if await self.threads.root(order, key) is not None:
            return  # posted and recorded before a crash kept the item from being marked sent
        base, _root = split_thread(reference.conversation.id)
        root = await self._send(at_conversation(reference, base), activity)
        if root is None:
            log.warning("the channel gave the order's root post no id: later events come as plain posts")
            return
        await self.threads.record_root(order, key, root, self.directory.clock())

    async def _reply(
        self,
        root_card: dict[str, Any] | None,
        reference: ConversationReference,
        activity: Activity,
        root: str,
    ) -> None:
        """Update the root's card, then reply in its thread (a plain post if the root was deleted)."""
        base, _root = split_thread(reference.conversation.id)
        channel = at_conversation(reference, base)
        if root_card is not None:
            update = with_card(Activity(type=ActivityTypes.message, id=root), root_card)
            with_tenant(update, reference)
            try:
                await self._call(channel, lambda context: context.update_activity(update))
            except Undeliverable as gone:
                if _status(gone.__cause__) != ROOT_DELETED:
                    raise
                await self._send(channel, activity)
                return
        await self._send(at_conversation(reference, in_thread(base, root)), activity)

    async def _send(self, reference: ConversationReference, activity: Activity) -> str | None:
        """Send `activity` into the conversation of `reference`; the id the channel gave it, if any."""
        response = await self._call(reference, lambda context: context.send_activity(activity))
        return getattr(response, "id", None) or None

    async def _call(self, reference: ConversationReference, call: Call) -> Any:
        """Run `call` in a proactive turn in `reference`'s conversation; a failure as the outbox reads it."""
        failures: list[Exception] = []
        results: list[Any] = []

        async def turn(context: TurnContext) -> None:
            # Caught here: raised, the adapter's turn-error handler would apologise into the chat.
            try:
                results.append(await call(context))
            except Exception as error:
                failures.append(error)

        try:
            await self.adapter.continue_conversation(reference, turn, self.app_id)
        except Exception as error:
            failures.append(error)
        if failures:
            raise delivery_error(failures[0]) from failures[0]
        return results[0] if results else None


def has_threads(reference: ConversationReference) -> bool:
    """Only channel conversations in Teams have threads (not its personal or group chats, nor Web Chat)."""
    conversation = reference.conversation
    return reference.channel_id == TEAMS and getattr(conversation, "conversation_type", None) == "channel"


def at_conversation(reference: ConversationReference, conversation_id: str) -> ConversationReference:
    """`reference`, to the conversation `conversation_id` (its channel, or one of its threads)."""
    moved = deepcopy(reference)
    moved.conversation.id = conversation_id
    return moved


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
