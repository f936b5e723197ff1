"""Channel authentication: with MicrosoftAppId set only a valid Bot Framework token runs a turn.

The tokens are checked by botbuilder's own validation against a loopback OpenID metadata and key
server; the bot's replies carry a token it got from a loopback managed identity endpoint.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import ClientSession, web

from bot import texts
from bot.crypto import ConfigurationError
from tests.support.app_server import app_settings, running_app
from tests.support.bot_identity import LoopbackIdentity, new_key
from tests.support.chat import Chat
from tests.support.chatting import chatting
from tests.support.connector import LoopbackConnector
from tests.support.http_helpers import stored_conversation


class TokenRecordingConnector(LoopbackConnector):
    """The loopback connector, also keeping the Authorization header of every call the bot makes."""

    def __init__(self) -> None:
        super().__init__()
        self.authorizations: list[str] = []

    async def _receive(self, request: web.Request) -> web.Response:
        self.authorizations.append(request.headers.get("Authorization", ""))
        return await super()._receive(request)


@dataclass
class AuthenticatedLine:
    """The app with an app id, the token services it trusts, and the connector its replies go to."""

    session: ClientSession
    url: str
    app_id: str
    identity: LoopbackIdentity
    connector: TokenRecordingConnector
    database_url: str
    data_dir: Path

    def chat(self) -> Chat:
        return Chat(self.session, self.url, self.connector)

    async def post(self, activity: dict[str, Any], authorization: str | None) -> int:
        headers = {"Authorization": authorization} if authorization is not None else {}
        async with self.session.post(f"{self.url}/api/messages", json=activity, headers=headers) as response:
            await response.read()
            return response.status

    async def remembered(self, conversation_id: str) -> bool:
        """Did a turn run in `conversation_id`? (Every turn remembers its conversation first.)"""
        settings = app_settings(self.database_url, self.data_dir)
        return await stored_conversation(settings, conversation_id) is not None


@pytest.fixture
async def line(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AuthenticatedLine]:
    app_id = str(uuid.uuid4())  # MSAL caches reply tokens per app id for the whole process
    async with LoopbackIdentity() as identity, TokenRecordingConnector() as connector:
        monkeypatch.setenv("IDENTITY_ENDPOINT", identity.identity_endpoint)
        monkeypatch.setenv("IDENTITY_HEADER", identity.identity_header)
        settings = app_settings(
            database_url,
            tmp_path,
            microsoft_app_id=app_id,
            microsoft_app_type="UserAssignedMSI",
            microsoft_app_tenant_id="loopback-tenant",
            to_bot_from_channel_openid_metadata_url=identity.metadata_url,
        )
        async with ClientSession() as session, running_app(settings) as url:
            yield AuthenticatedLine(session, url, app_id, identity, connector, database_url, tmp_path)


async def test_a_request_with_a_valid_channel_token_runs_a_turn_and_the_reply_carries_the_bots_token(
    line: AuthenticatedLine,
) -> None:
    chat = line.chat()
    token = line.identity.channel_token(line.app_id, line.connector.url)
    assert await line.post(chat.activity("beställ"), f"Bearer {token}") == 201
    assert texts.ASK_TRESERVA in line.connector.texts(chat.conversation_id)[-1]
    assert await line.remembered(chat.conversation_id)
    scheme, _, reply_token = line.connector.authorizations[-1].partition(" ")
    assert scheme == "Bearer"
    assert line.identity.verify_reply_token(reply_token, line.app_id)["appid"] == line.app_id


Forgery = Callable[[AuthenticatedLine], "str | None"]


def _token(**changes: Any) -> Forgery:
    return lambda line: "Bearer " + line.identity.channel_token(line.app_id, line.connector.url, **changes)


def _unsigned(line: AuthenticatedLine) -> str:
    claims = jwt.decode(_token()(line).split(" ")[1], options={"verify_signature": False})
    return "Bearer " + jwt.encode(claims, key=None, algorithm="none")


FORGED: list[Any] = [
    pytest.param(lambda line: None, id="no-authorization-header"),
    pytest.param(lambda line: "", id="empty-authorization-header"),
    pytest.param(_token(audience="another-bots-app-id"), id="wrong-audience"),
    pytest.param(_token(issuer="https://sts.example.invalid/"), id="wrong-issuer"),
    pytest.param(_token(lifetime=-3600), id="expired"),
    pytest.param(_token(key=new_key()), id="bad-signature"),
    pytest.param(_unsigned, id="unsigned-alg-none"),
    pytest.param(
        lambda line: "Bearer " + line.identity.channel_token(line.app_id, "https://evil.example.invalid/"),
        id="token-for-another-service-url",
    ),
    pytest.param(lambda line: "Bearer not.a.token", id="not-a-jwt"),
    pytest.param(lambda line: "Basic c3RhZmYtMTpsw7ZzZW5vcmQ=", id="basic-credentials"),
]


@pytest.mark.parametrize("forged", FORGED)
async def test_a_request_without_a_valid_token_is_refused_and_nothing_happens(
    line: AuthenticatedLine, forged: Forgery
) -> None:
    chat = line.chat()
    assert await line.post(chat.activity("beställ"), forged(line)) == 401
    assert line.connector.received == {}
    assert line.connector.authorizations == []
    assert not await line.remembered(chat.conversation_id)


def _local(tmp_path: Path, **overrides: object) -> Any:
    return app_settings(f"sqlite+aiosqlite:///{tmp_path / 'local.db'}", tmp_path, **overrides)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "bot.example.invalid", ""])
async def test_without_an_app_id_the_app_refuses_to_listen_beyond_loopback(tmp_path: Path, host: str) -> None:
    with pytest.raises(ConfigurationError, match="ALLOW_UNAUTHENTICATED"):
        async with running_app(_local(tmp_path, host=host)):
            pass
    assert not (tmp_path / "local.db").exists()  # it stopped before touching anything


@pytest.mark.parametrize(
    ("host", "allow"),
    [("127.0.0.1", False), ("::1", False), ("localhost", False), ("0.0.0.0", True)],
)
async def test_without_an_app_id_the_app_warns_that_nothing_is_authenticated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, host: str, allow: bool
) -> None:
    caplog.set_level(logging.WARNING)
    settings = _local(tmp_path, host=host, allow_unauthenticated=allow)
    async with chatting(settings) as app:
        assert (await app.http.get(f"{app.url}/healthz")).status == 200
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert any("not authenticated" in warning for warning in warnings), warnings


async def test_with_an_app_id_the_app_may_listen_on_every_interface(tmp_path: Path) -> None:
    settings = _local(tmp_path, host="0.0.0.0", microsoft_app_id=str(uuid.uuid4()))
    async with chatting(settings) as app:
        activity = app.chat().activity("beställ")
        async with app.http.post(f"{app.url}/api/messages", json=activity) as response:
            assert response.status == 401
