"""botbuilder's authentication, with its connector and user-token clients built once and reused."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

K = TypeVar("K")
V = TypeVar("V")
CAPACITY = 256  # identities x service URLs kept; channels have few service URLs


class _Recent(Generic[K, V]):
    """A small least-recently-used map: anyone may post any serviceUrl in local mode."""

    def __init__(self, capacity: int) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._capacity = capacity

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: K, item: V) -> None:
        self._items[key] = item
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)


class ReusingAuthentication(BotFrameworkAuthentication):
    """Authenticates as `inner` does; msrest clients (≈15 ms of CPU each to build) are made once per key."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner
        self._connectors: _Recent[tuple[str | None, str, str | None], ConnectorClient] = _Recent(CAPACITY)
        self._token_clients: _Recent[str | None, UserTokenClient] = _Recent(CAPACITY)

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        result.connector_factory = self._reusing(result.claims_identity, result.connector_factory)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._reusing(claims_identity, self._inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = app_id_of(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients.put(app_id, client)
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

    def _reusing(self, claims_identity: ClaimsIdentity, inner: ConnectorFactory) -> ConnectorFactory:
        return _ReusingConnectorFactory(inner, app_id_of(claims_identity), self._connectors)


class _ReusingConnectorFactory(ConnectorFactory):
    """Hands out the connector client made earlier for the same app id, service URL and audience."""

    def __init__(
        self,
        inner: ConnectorFactory,
        app_id: str | None,
        clients: _Recent[tuple[str | None, str, str | None], ConnectorClient],
    ) -> None:
        self._inner = inner
        self._app_id = app_id
        self._clients = clients

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self._app_id, service_url, audience)
        client = self._clients.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            self._clients.put(key, client)
        return client


def app_id_of(claims_identity: ClaimsIdentity) -> str | None:
    """The bot's app id as botbuilder reads it: the audience claim, else the appid claim (Emulator)."""
    audience = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if audience is not None:
        return audience
    return claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
