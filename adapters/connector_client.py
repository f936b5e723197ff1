"""The Bot Framework connector's REST calls on one pooled aiohttp session, shared by every turn."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
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
CONNECT_SECONDS = 10.0
RETRY_AFTER_CAP_SECONDS = 3600.0  # a longer Retry-After is taken as an hour


class ChannelError(Exception):
    """The channel service answered an outgoing call with an error status (403: the bot was removed).

    `retry_after`: the seconds its Retry-After header asked to wait (a number or an HTTP date), if any.
    """

    def __init__(self, status: int, method: str, retry_after: float | None = None) -> None:
        super().__init__(f"the channel answered {method} with HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class ChannelClient:
    """Sends, updates and deletes activities; credentials come from botbuilder, tokens are cached."""

    def __init__(self, timeout_seconds: float = 30.0) -> None:
        self.timeout_seconds = timeout_seconds  # one call, connecting included
        self._tokens = BearerTokens()
        self._session: ClientSession | None = None

    async def send(self, activity: Activity, credentials: Authentication | None) -> ResourceResponse:
        """Post `activity` to its conversation, as a reply when it has a `reply_to_id`."""
        return await self.send_json(to_json(activity), credentials)

    async def send_json(
        self, activity: dict[str, Any], credentials: Authentication | None
    ) -> ResourceResponse:
        """Post an activity already in JSON (as a turn's reply is queued)."""
        path = _activities_path(activity["conversation"]["id"], activity.get("replyToId"))
        body = await self._call("POST", activity["serviceUrl"], path, credentials, activity)
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
                raise ChannelError(response.status, method, retry_after(response.headers.get("Retry-After")))
            if response.content_type != "application/json":
                return None
            answer = await response.json()
        return answer if isinstance(answer, dict) else None

    def _client(self) -> ClientSession:
        if self._session is None:  # created on first use, inside the running event loop
            connector = TCPConnector(limit=CONNECTIONS, keepalive_timeout=60)
            seconds = self.timeout_seconds
            timeout = ClientTimeout(total=seconds, connect=min(seconds, CONNECT_SECONDS))
            self._session = ClientSession(connector=connector, timeout=timeout)
        return self._session


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """The seconds a Retry-After header asks for (delay-seconds or an HTTP date); None if none is readable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value) if value.replace(".", "", 1).isdigit() else None
        if seconds is None:
            seconds = (parsedate_to_datetime(value) - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_SECONDS)


def _activities_path(conversation_id: str, activity_id: str | None) -> str:
    path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
    return f"{path}/{quote(activity_id, safe='')}" if activity_id else path
