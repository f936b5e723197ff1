"""The Bot Framework connector's REST calls on one pooled aiohttp session, shared by every turn."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import ClientSession, ClientTimeout, TCPConnector
from botbuilder.schema import Activity, ConversationReference, ResourceResponse
from msrest.authentication import Authentication
from yarl import URL

from adapters.activity_json import to_json
from adapters.bearer_tokens import BearerTokens

USER_AGENT = "Trygghetslarm-boten (botbuilder-python 4.17.1 programming model; aiohttp connector)"
CONNECTIONS = 100  # open connections kept to the channel services, all service URLs together
TIMEOUT = ClientTimeout(total=30, connect=10)


class ChannelError(Exception):
    """The channel service answered an outgoing call with an error status (403: the bot was removed)."""

    def __init__(self, status: int, method: str) -> None:
        super().__init__(f"the channel answered {method} with HTTP {status}")
        self.status = status


class ChannelClient:
    """Sends, updates and deletes activities; credentials come from botbuilder, tokens are cached."""

    def __init__(self) -> None:
        self._tokens = BearerTokens()
        self._session: ClientSession | None = None

    async def send(self, activity: Activity, credentials: Authentication | None) -> ResourceResponse:
        """Post `activity` to its conversation, as a reply when it has a `reply_to_id`."""
        path = _activities_path(activity.conversation.id, activity.reply_to_id)
        body = await self._call("POST", activity.service_url, path, credentials, to_json(activity))
        return ResourceResponse(id=(body or {}).get("id"))

    async def update(self, activity: Activity, credentials: Authentication | None) -> ResourceResponse | None:
        path = _activities_path(activity.conversation.id, activity.id)
        body = await self._call("PUT", activity.service_url, path, credentials, to_json(activity))
        return ResourceResponse(id=body["id"]) if body and body.get("id") else None

    async def delete(self, reference: ConversationReference, credentials: Authentication | None) -> None:
        path = _activities_path(reference.conversation.id, reference.activity_id)
        await self._call("DELETE", reference.service_url, path, credentials, None)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(
        self,
        method: str,
        service_url: str,
        path: str,
        credentials: Authentication | None,
        body: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        headers = {"User-Agent": USER_AGENT}
        authorization = await self._tokens.authorization(credentials)
        if authorization:
            headers["Authorization"] = authorization
        url = URL(service_url.rstrip("/") + path, encoded=True)
        async with self._client().request(method, url, json=body, headers=headers) as response:
            if response.status >= 300:
                raise ChannelError(response.status, method)
            if response.content_type != "application/json":
                return None
            answer = await response.json()
        return answer if isinstance(answer, dict) else None

    def _client(self) -> ClientSession:
        if self._session is None:  # created on first use, inside the running event loop
            connector = TCPConnector(limit=CONNECTIONS, keepalive_timeout=60)
            self._session = ClientSession(connector=connector, timeout=TIMEOUT)
        return self._session


def _activities_path(conversation_id: str, activity_id: str | None) -> str:
    path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
    return f"{path}/{quote(activity_id, safe='')}" if activity_id else path
