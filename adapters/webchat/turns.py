"""Runs the bot for web chat activities in-process, through the same CloudAdapter and bot as Teams."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    RoleTypes,
)
from botframework.connector.auth import AuthenticateRequestResult

from adapters.activity_json import from_json
from adapters.webchat.tokens import Grant

CHANNEL_ID = "webchat"
LOCALE = "sv-SE"
LOCAL_BOT_ID = "trygghetslarm-boten"

Logic = Callable[[TurnContext], Awaitable[None]]


class BotTurns:
    """Turns a web chat user's activity into a bot turn; the replies go to the connector URL.

    The request was authenticated by its Direct Line token, so the turn gets the bot's own claims
    (as a proactive turn does) instead of a Bot Framework JWT.
    """

    def __init__(self, adapter: CloudAdapter, logic: Logic, app_id: str, connector_url: str) -> None:
        self.adapter = adapter
        self.logic = logic
        self.app_id = app_id
        self.connector_url = connector_url
        self.bot = ChannelAccount(id=app_id or LOCAL_BOT_ID, role=RoleTypes.bot)

    async def message(self, grant: Grant, activity: dict[str, Any]) -> None:
        await self._run(grant, from_json(Activity, activity))

    async def greet(self, grant: Grant) -> None:
        """What a channel sends when a conversation starts: the user joined."""
        user = ChannelAccount(id=grant.user_id, role=RoleTypes.user)
        await self._run(grant, Activity(type=ActivityTypes.conversation_update, members_added=[user]))

    async def _run(self, grant: Grant, activity: Activity) -> None:
        activity.channel_id = CHANNEL_ID
        activity.service_url = self.connector_url
        activity.conversation = ConversationAccount(id=grant.conversation_id, conversation_type="personal")
        activity.from_property = ChannelAccount(id=grant.user_id, role=RoleTypes.user)
        activity.recipient = self.bot
        activity.locale = activity.locale or LOCALE
        await self.adapter.process_activity(self._authenticated(), activity, self.logic)

    def _authenticated(self) -> AuthenticateRequestResult:
        result = AuthenticateRequestResult()
        result.claims_identity = self.adapter.create_claims_identity(self.app_id)
        authentication = self.adapter.bot_framework_authentication
        result.connector_factory = authentication.create_connector_factory(result.claims_identity)
        return result
