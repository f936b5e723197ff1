"""The web chat's Bot Framework connector: where the bot's replies and proactive messages land.

The bot reaches web chat conversations through the app's own `/v3/conversations/...` routes at the
connector URL (this app's address). Those routes accept only calls that carry the connector key, a
secret derived from the data encryption key: every instance knows it, nothing outside does. The
adapter's connector factory adds the key for the connector URL, so replies within a turn and
proactive messages (`continue_conversation`) both carry it, with or without a Microsoft app id,
and no token is ever fetched from Azure for web chat.
"""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient
from msrest.authentication import BasicTokenAuthentication

from adapters.webchat.transcripts import TranscriptStore, UnknownConversation
from bot.crypto import Vault

KEY_PURPOSE = "web chat connector key"


class ConnectorKey:
    """The shared secret of the connector routes; every configured data key's variant is accepted."""

    def __init__(self, vault: Vault) -> None:
        self.current = vault.blind_index(KEY_PURPOSE)
        self._accepted = vault.blind_indexes(KEY_PURPOSE)

    def admits(self, authorization: str) -> bool:
        scheme, _, key = authorization.partition(" ")
        return scheme == "Bearer" and any(hmac.compare_digest(key, accepted) for accepted in self._accepted)


class ConnectorRoutes:
    """`POST /v3/conversations/{id}/activities[/{replyToId}]`: the bot's activities into the transcript."""

    def __init__(self, key: ConnectorKey, transcripts: TranscriptStore) -> None:
        self.key = key
        self.transcripts = transcripts

    def add_to(self, app: web.Application) -> None:
        app.router.add_post("/v3/conversations/{conversation}/activities", self.receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self.receive)

    async def receive(self, request: web.Request) -> web.Response:
        if not self.key.admits(request.headers.get("Authorization", "")):
            return web.json_response({"error": "unauthorized"}, status=401)
        try:
            activity = await request.json()
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "the body is not JSON"}, status=400)
        if not isinstance(activity, dict):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        try:
            conversation, sent_id = request.match_info["conversation"], _bot_id(activity)
            stored = await self.transcripts.append(conversation, _from_bot(activity), sent_id)
        except UnknownConversation:
            return web.json_response({"error": "no such conversation"}, status=404)
        return web.json_response({"id": stored.activity["id"]})


def _bot_id(activity: dict[str, Any]) -> str | None:
    """The id the bot sent with `activity` (the same for every try of one reply): a repeat is shown once."""
    sent = activity.get("id")
    return f"bot:{sent}" if isinstance(sent, str) and sent else None


def _from_bot(activity: dict[str, Any]) -> dict[str, Any]:
    shown = {name: value for name, value in activity.items() if name not in ("serviceUrl", "id")}
    shown["from"] = {**(activity.get("from") or {}), "role": "bot"}
    return shown


class WebChatAuthentication(BotFrameworkAuthentication):
    """The app's Bot Framework authentication, except that calls to the web chat connector carry its key."""

    def __init__(self, inner: BotFrameworkAuthentication, connector_url: str, key: ConnectorKey) -> None:
        self.inner = inner
        self.connector_url = connector_url
        credentials = BasicTokenAuthentication({"access_token": key.current})
        self.client = ConnectorClient(credentials, base_url=connector_url)  # one for all turns

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _WebChatConnectorFactory(self.inner.create_connector_factory(claims_identity), self)

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        return await self.inner.authenticate_request(activity, auth_header)

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self.inner.authenticate_streaming_request(auth_header, channel_id_header)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self.inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self.inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self.inner.authenticate_channel_request(auth_header)


class _WebChatConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, web_chat: WebChatAuthentication) -> None:
        self.inner = inner
        self.web_chat = web_chat

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        if service_url.rstrip("/") != self.web_chat.connector_url:
            return await self.inner.create(service_url, audience)
        return self.web_chat.client
