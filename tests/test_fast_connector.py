"""ChannelAdapter: replies and proactive messages through one shared aiohttp client, sent once saved."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    Entity,
)
from botframework.connector import models
from msrest import Serializer

from adapters.channel import ChannelAdapter, create_adapter
from adapters.connector_client import ChannelError, to_json
from bot import texts
from bot.settings import Settings
from bot.store.state_storage import StorageConflict
from dialogs.messages import question, with_card
from tests.support.app_server import app_settings
from tests.support.chatting import chatting

APP_ID = "6a3c1f0e-0000-4000-8000-000000000b07"
TENANT = "4b6c2d1e-0000-4000-8000-0000000000aa"
IDENTITY_SECRET = "loopback-identity-header"


class RecordingConnector:
    """A channel service on loopback that also keeps each request's method, path and Authorization header."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        app = web.Application()
        app.router.add_route("*", "/v3/conversations/{conversation}/activities", self._receive)
        app.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", self._receive)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def texts(self) -> list[str]:
        return [request["body"].get("text") or "" for request in self.requests if request["body"]]

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.requests.append(
            {
                "method": request.method,
                "conversation": request.match_info["conversation"],
                "activity": request.match_info.get("activity"),
                "authorization": request.headers.get("Authorization"),
                "body": body,
            }
        )
        if self.status >= 300:
            return web.json_response({"error": {"code": "Forbidden"}}, status=self.status)
        return web.json_response({"id": f"sent-{len(self.requests)}"})


@pytest.fixture
async def connector() -> AsyncIterator[RecordingConnector]:
    recording = RecordingConnector()
    await recording.server.start_server()
    yield recording
    await recording.server.close()


def _settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **overrides)


def _reference(connector: RecordingConnector, conversation: str = "personal-1") -> ConversationReference:
    return ConversationReference(
        channel_id="msteams",
        service_url=connector.url,
        conversation=ConversationAccount(id=conversation),
        user=ChannelAccount(id="staff-1"),
        bot=ChannelAccount(id="bot"),
    )


async def test_replies_reach_the_connector_as_replies(database_url: str, tmp_path: Path) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        replies = await chat.say("hjälp")
        service_url = app.connector.url
    assert replies and texts.WELCOME in replies[0]
    sent = app.connector.received[chat.conversation_id][0]
    assert sent["replyToId"].startswith("act-")
    assert sent["recipient"]["id"] == chat.user_id
    assert sent["serviceUrl"] == service_url


async def test_a_conversation_id_with_reserved_characters_arrives_intact(
    connector: RecordingConnector,
) -> None:
    adapter = create_adapter(_settings())
    conversation = "19:abc@thread.tacv2;messageid=1700000000000"

    async def say_hello(context: TurnContext) -> None:
        await context.send_activity("Hej")

    await adapter.continue_conversation(_reference(connector, conversation), say_hello, "")
    await adapter.close()
    assert connector.requests[0]["conversation"] == conversation
    assert connector.requests[0]["authorization"] is None


async def test_the_json_sent_is_what_botbuilder_would_send() -> None:
    serializer = Serializer({name: value for name, value in vars(models).items() if isinstance(value, type)})
    body = [{"type": "TextBlock", "text": "Greta Johansson"}]
    card = {"type": "AdaptiveCard", "version": "1.5", "body": body}
    activity = with_card(question(texts.ASK_CONFIRM, ["ja", "nej"]), card)
    activity.timestamp = datetime(2026, 11, 26, 9, 30, 1, 250000, tzinfo=UTC)
    activity.entities = [Entity(type="mention")]
    activity.from_property = ChannelAccount(id="bot", name="Trygghetslarm-boten")
    activity.conversation = ConversationAccount(id="c-1", is_group=False)
    assert to_json(activity) == serializer.body(activity, "Activity")


async def test_updates_and_deletes_go_out_at_once_and_sends_when_the_turn_is_over(
    connector: RecordingConnector,
) -> None:
    adapter = create_adapter(_settings())

    async def edit(context: TurnContext) -> None:
        await context.send_activity("Ny")
        await context.update_activity(Activity(id="sent-0", type=ActivityTypes.message, text="Ändrad"))
        await context.delete_activity("sent-0")

    await adapter.continue_conversation(_reference(connector), edit, "")
    await adapter.close()
    assert [(r["method"], r["activity"]) for r in connector.requests[:2]] == [
        ("PUT", "sent-0"),
        ("DELETE", "sent-0"),
    ]
    assert connector.requests[2]["method"] == "POST"


async def test_a_refusal_raises_channel_error_with_the_status(connector: RecordingConnector) -> None:
    adapter = create_adapter(_settings())
    connector.status = 403

    async def say_hello(context: TurnContext) -> None:
        await context.send_activity("Hej")

    with pytest.raises(ChannelError) as refused:
        await adapter.continue_conversation(_reference(connector), say_hello, "")
    await adapter.close()
    assert refused.value.status == 403


async def test_typing_goes_at_once_and_messages_when_the_turn_is_over(connector: RecordingConnector) -> None:
    adapter = create_adapter(_settings())
    seen_during_turn: list[list[str]] = []

    async def turn(context: TurnContext) -> None:
        await context.send_activity(Activity(type=ActivityTypes.typing))
        await context.send_activity("Svar")
        seen_during_turn.append([str(r["body"]["type"]) for r in connector.requests])

    await adapter.continue_conversation(_reference(connector), turn, "")
    await adapter.close()
    assert seen_during_turn == [["typing"]]
    assert [r["body"]["type"] for r in connector.requests] == ["typing", "message"]


async def test_a_turn_that_sends_nothing_sends_nothing(connector: RecordingConnector) -> None:
    adapter = create_adapter(_settings())

    async def silent(_context: TurnContext) -> None:
        return None

    await adapter.continue_conversation(_reference(connector), silent, "")
    await adapter.close()
    assert connector.requests == []


async def test_a_failed_turn_says_only_the_apology(connector: RecordingConnector) -> None:
    adapter = create_adapter(_settings())

    async def half_then_fail(context: TurnContext) -> None:
        await context.send_activity("Halvt svar")
        raise RuntimeError("boom")

    await adapter.continue_conversation(_reference(connector), half_then_fail, "")
    await adapter.close()
    assert connector.texts() == [texts.APOLOGY]


async def test_a_turn_that_lost_the_save_runs_again_and_only_its_last_run_is_heard(
    connector: RecordingConnector,
) -> None:
    adapter = create_adapter(_settings())
    runs: list[dict[str, object]] = []

    async def turn(context: TurnContext) -> None:
        runs.append(dict(context.turn_state))
        context.turn_state["cached state"] = len(runs)
        await context.send_activity(f"Körning {len(runs)}")
        if len(runs) < 3:
            raise StorageConflict("emulator/conversations/personal-1")

    await adapter.continue_conversation(_reference(connector), turn, "")
    await adapter.close()
    assert connector.texts() == ["Körning 3"]
    assert all("cached state" not in state for state in runs)  # every run starts from a fresh context


async def test_botbuilders_connector_client_is_built_once_not_per_turn(connector: RecordingConnector) -> None:
    adapter = create_adapter(_settings())
    clients: set[int] = set()

    async def note_client(context: TurnContext) -> None:
        clients.add(id(context.turn_state[ChannelAdapter.BOT_CONNECTOR_CLIENT_KEY]))
        await context.send_activity("Hej")

    for number in range(3):
        await adapter.continue_conversation(_reference(connector, f"personal-{number}"), note_client, "")
    await adapter.close()
    assert len(clients) == 1  # botbuilder's msrest client is built once, not per turn
    assert len(connector.requests) == 3


def _jwt(expires: float) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"aud": "https://api.botframework.com", "exp": int(expires)}
    return f"{part({'alg': 'none'})}.{part(claims)}.c2ln"


class ManagedIdentityEndpoint:
    """Azure App Service's managed identity token endpoint (IDENTITY_ENDPOINT), on loopback."""

    def __init__(self) -> None:
        self.token = _jwt(time.time() + 3600)
        self.calls: list[dict[str, str]] = []
        app = web.Application()
        app.router.add_get("/msi/token", self._token)
        self.server = TestServer(app, host="127.0.0.1")

    async def _token(self, request: web.Request) -> web.Response:
        self.calls.append({**request.query, "header": request.headers.get("X-IDENTITY-HEADER", "")})
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_SECRET:
            return web.json_response({"statusCode": 401, "message": "no identity header"}, status=401)
        expires_on = str(int(time.time()) + 3600)
        body = {"access_token": self.token, "expires_on": expires_on, "resource": request.query["resource"]}
        return web.json_response({**body, "token_type": "Bearer"})


async def test_with_an_app_id_every_call_carries_the_bot_token(
    connector: RecordingConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    identity = ManagedIdentityEndpoint()
    await identity.server.start_server()
    monkeypatch.setenv("IDENTITY_ENDPOINT", str(identity.server.make_url("/msi/token")))
    monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_SECRET)
    settings = _settings(
        microsoft_app_id=APP_ID, microsoft_app_type="UserAssignedMSI", microsoft_app_tenant_id=TENANT
    )
    adapter = create_adapter(settings)

    async def say_hello(context: TurnContext) -> None:
        await context.send_activity("Hej")

    try:
        for number in range(3):
            reference = _reference(connector, f"personal-{number}")
            await adapter.continue_conversation(reference, say_hello, APP_ID)
    finally:
        await adapter.close()
        await identity.server.close()
    assert [r["authorization"] for r in connector.requests] == [f"Bearer {identity.token}"] * 3
    assert len(identity.calls) <= 1  # cached until it expires (MSAL's cache may already hold it)
    assert all(call["client_id"] == APP_ID and call["header"] == IDENTITY_SECRET for call in identity.calls)
