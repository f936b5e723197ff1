"""The Bot Framework channel: a CloudAdapter with a pooled connector; replies leave once state is saved."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientError
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityEventNames,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    ResourceResponse,
)
from botframework.connector import Channels
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication
from msrest.authentication import Authentication
from sqlalchemy.exc import DBAPIError

from adapters.activity_json import from_json, to_json
from adapters.channel_auth import BotConfiguration
from adapters.channel_failures import Backoff
from adapters.connector_client import ChannelClient, ChannelError
from adapters.replies import ReplySender
from adapters.reused_clients import ReusingAuthentication
from bot import texts
from bot.outbox_worker import current_delivery
from bot.reply_outbox import ReplyOutbox
from bot.settings import Settings
from bot.store.db import ConnectionLost
from bot.store.state_storage import StorageConflict

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # runs of one turn when other instances keep saving the conversation first
HELD_REPLIES = "trygghetslarm.held_replies"
RETRYABLE = "trygghetslarm.retryable"
Logic = Callable[[TurnContext], Awaitable[None]]
Held = tuple[Activity, ResourceResponse]  # a reply held until the turn is saved; what send_activity returned
UNDELIVERED = (ChannelError, ClientError, TimeoutError)  # the channel refused a reply, or was not reached
RERUN_ON = (StorageConflict, ConnectionLost, DBAPIError)  # see _worth_rerunning
PROACTIVE = (ActivityEventNames.continue_conversation, ActivityEventNames.create_conversation)


class ChannelAdapter(CloudAdapter):
    """CloudAdapter whose outgoing calls go through one shared ChannelClient.

    A turn's replies are held until the turn has ended (and saved its state), then sent; when the
    state was saved by another turn in between (StorageConflict, e.g. on another instance), or the
    database connection broke before the state was saved, the turn runs again on the stored state
    and only the replies of the run that counted are sent.

    Every activity sent carries a stable id (from the activity it answers, or from the outbox item
    it delivers), so a channel that dedupes by id shows a retried one once. A turn's replies go
    through `replies` (retried within the turn, then queued in the outbox); a proactive turn's are
    tried once, and the outbox that started it retries.
    """

    def __init__(
        self,
        authentication: BotFrameworkAuthentication,
        client: ChannelClient,
        replies: ReplySender | None = None,
    ) -> None:
        super().__init__(authentication)
        self.client = client
        self.replies = replies or ReplySender(client)
        self._conversations = _OneAtATime()

    @property
    def bot_framework_authentication(self) -> BotFrameworkAuthentication:
        return self._authentication

    @bot_framework_authentication.setter
    def bot_framework_authentication(self, authentication: BotFrameworkAuthentication) -> None:
        """Whatever authentication is set (the web chat wraps it), the clients it makes are reused."""
        if not isinstance(authentication, ReusingAuthentication):
            authentication = ReusingAuthentication(authentication)
        self._authentication = authentication

    async def process_activity(
        self,
        auth_header_or_authenticate_request_result: str | AuthenticateRequestResult,
        activity: Activity,
        logic: Logic,
    ) -> InvokeResponse | None:
        """Run the turn; replies the channel refuses once the turn is saved are logged, not a 500."""
        try:
            return await super().process_activity(auth_header_or_authenticate_request_result, activity, logic)
        except UNDELIVERED as error:
            # The channel would only re-send the activity, which the saved turn then skips as seen.
            log.error("the replies of a saved turn could not be sent: %s", _described(error))
            return None

    async def run_pipeline(self, context: TurnContext, callback: Logic | None = None) -> None:
        conversation = context.activity.conversation if context.activity else None
        if conversation is None or not conversation.id:
            await super().run_pipeline(context, callback)
            return
        async with self._conversations.turn(conversation.id):  # replies leave in the order of turns
            await self._run_until_saved(context, callback)

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        held: list[Held] | None = context.turn_state.get(HELD_REPLIES)
        if held is not None and any(activity.type != ActivityTypes.typing for activity in activities):
            responses = [ResourceResponse() for _ in activities]  # a proactive turn's get their ids once sent
            held.extend(zip(activities, responses, strict=True))
            return responses
        return [await self._send(context, activity) for activity in activities]

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse | None:
        return await self.client.update(activity, _credentials(context))

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        await self.client.delete(reference, _credentials(context))

    async def close(self) -> None:
        await self.client.close()

    async def send_stored(self, activity: dict[str, Any], app_id: str) -> None:
        """Send a queued reply as it is (its id too), once, in its conversation's turn order.

        Raises what the channel answered; the outbox decides what that means.
        """
        failures: list[Exception] = []

        async def send(context: TurnContext) -> None:
            try:  # caught here: raised, the turn-error handler would apologise into the chat
                await self.client.send_json(activity, _credentials(context))
            except Exception as error:
                failures.append(error)

        await self.continue_conversation(_reference_of(activity), send, app_id)
        if failures:
            raise failures[0]

    async def _run_until_saved(self, context: TurnContext, callback: Logic | None) -> None:
        before = dict(context.turn_state)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            turn = context if attempt == 1 else _fresh(context, before)
            held: list[Held] = []
            turn.turn_state[HELD_REPLIES] = held
            turn.turn_state[RETRYABLE] = attempt < MAX_ATTEMPTS
            try:
                await super().run_pipeline(turn, callback)
            except RERUN_ON as error:
                if attempt == MAX_ATTEMPTS or not _worth_rerunning(error):
                    raise
                log.info("running the turn again: %s", _rerun_reason(error))
                continue
            finally:
                del turn.turn_state[HELD_REPLIES]
            if held:
                await self._send_held(turn, held)
            if turn is not context:  # an invoke response, for process_activity to return
                context.turn_state.update(turn.turn_state)
            return

    async def _send_held(self, context: TurnContext, held: list[Held]) -> None:
        """The turn's replies, once its state is saved: each with a stable id, in order.

        A proactive turn's responses (returned to its `send_activity` calls) get the ids the channel gave.
        """
        outgoing = [(activity, response) for activity, response in held if not _stays_here(activity)]
        for activity, _response in held:
            if _stays_here(activity):  # delays, invoke responses, traces: botbuilder's own handling
                await super().send_activities(context, [activity])
        if not outgoing:
            return
        seed = _id_seed(context)
        bodies = [to_json(activity) | {"id": f"{seed}-{n}"} for n, (activity, _) in enumerate(outgoing, 1)]
        if _is_proactive(context.activity):
            for body, (_activity, response) in zip(bodies, outgoing, strict=True):
                # one try each: the outbox item that started the turn is retried
                response.id = (await self.client.send_json(body, _credentials(context))).id
            return
        await self.replies.send(context.activity.conversation.id, bodies, _credentials(context))

    async def _send(self, context: TurnContext, activity: Activity) -> ResourceResponse:
        if _stays_here(activity):  # delays, invoke responses, traces: botbuilder's own handling
            return (await super().send_activities(context, [activity]))[0]
        activity.id = None
        if activity.type != ActivityTypes.typing:
            return await self.client.send(activity, _credentials(context))
        try:  # a typing indicator is worth one try, never a failed turn
            return await self.client.send(activity, _credentials(context))
        except UNDELIVERED as error:
            log.info("a typing indicator was not sent: %s", _described(error))
            return ResourceResponse()


class _OneAtATime:
    """A lock per conversation, dropped again when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


def create_adapter(
    settings: Settings, outbox: ReplyOutbox | None = None, stopping: asyncio.Event | None = None
) -> ChannelAdapter:
    """The adapter; replies the channel does not take within the budget go to `outbox` (if given).

    `stopping` is set when the app begins to stop: turns then queue such replies at once.
    """
    authentication = ConfigurationBotFrameworkAuthentication(BotConfiguration(settings))
    client = ChannelClient(settings.channel_timeout_seconds)
    backoff = Backoff(settings.reply_retry_base_seconds)
    replies = ReplySender(client, backoff, settings.reply_retry_budget_seconds, outbox, stopping)
    adapter = ChannelAdapter(authentication, client, replies)
    adapter.on_turn_error = _apologise
    return adapter


async def _apologise(turn_context: TurnContext, error: Exception) -> None:
    if isinstance(error, RERUN_ON) and _worth_rerunning(error) and turn_context.turn_state.get(RETRYABLE):
        raise error  # ChannelAdapter runs the turn again
    # The exception's message may quote what the user typed: log its type and place only.
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
    log.error("turn failed: %s at %s", type(error).__name__, where)
    held: list[Held] | None = turn_context.turn_state.get(HELD_REPLIES)
    if held:
        held.clear()  # the failed turn saved no state, so its half answer is not sent either
    await turn_context.send_activity(texts.APOLOGY)


def _worth_rerunning(error: Exception) -> bool:
    """A turn whose state was not saved can run again: another turn saved first, or the connection broke."""
    if isinstance(error, DBAPIError):  # SQLAlchemy met the broken connection (and dropped the pool's)
        return error.connection_invalidated
    return True


def _rerun_reason(error: Exception) -> str:
    if isinstance(error, StorageConflict):
        return "the conversation was saved by another turn meanwhile"
    return "the database connection broke"


def _fresh(context: TurnContext, turn_state: dict[str, object]) -> TurnContext:
    """A new context for the same activity, with what the adapter put in it but no cached bot state."""
    fresh = TurnContext(context.adapter, context.activity)
    fresh.turn_state.update(turn_state)
    return fresh


def _stays_here(activity: Activity) -> bool:
    return activity.type in ("delay", ActivityTypes.invoke_response) or (
        activity.type == ActivityTypes.trace and activity.channel_id != Channels.emulator
    )


def _id_seed(context: TurnContext) -> str:
    """What the ids of a turn's replies are made of.

    A turn's replies get new ids, kept with them through every retry (in the turn, and in the
    outbox, which stores them): not derived from the activity answered, since a turn that runs
    again after a failed one must not reuse the failed run's ids. A message the outbox delivers
    gets its id from the outbox item, so a message sent again after a crash has the same id.
    """
    delivering = current_delivery.get()
    if _is_proactive(context.activity) and delivering is not None:
        return "tl-" + hashlib.sha256(f"outbox|{delivering.dedupe_key}".encode()).hexdigest()[:24]
    return "tl-" + uuid.uuid4().hex[:24]


def _is_proactive(activity: Activity) -> bool:
    """A turn the bot started itself (continue or create a conversation), not a channel's activity."""
    return activity.type == ActivityTypes.event and activity.name in PROACTIVE


def _reference_of(activity: dict[str, Any]) -> ConversationReference:
    """Where a queued reply goes: its own conversation, bot and user."""
    return ConversationReference(
        channel_id=activity.get("channelId"),
        service_url=activity.get("serviceUrl"),
        conversation=from_json(ConversationAccount, activity.get("conversation") or {}),
        bot=from_json(ChannelAccount, activity.get("from") or {}),
        user=from_json(ChannelAccount, activity.get("recipient") or {}),
    )


def _described(error: Exception) -> str:
    return f"HTTP {error.status}" if isinstance(error, ChannelError) else type(error).__name__


def _credentials(context: TurnContext) -> Authentication | None:
    connector = context.turn_state.get(CloudAdapter.BOT_CONNECTOR_CLIENT_KEY)
    return connector.config.credentials if connector is not None else None
