"""The web chat's connector side (replies, proactive messages, its key), origins, app-id mode, pruning."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from botbuilder.core import TurnContext
from botbuilder.schema import ConversationReference

from adapters.channel import create_adapter
from adapters.webchat.connector import ConnectorKey
from adapters.webchat.pruning import TranscriptPruner
from adapters.webchat.transcripts import TranscriptStore
from adapters.webchat.wiring import reach_webchat
from bot import texts
from bot.conversations import ConversationDirectory
from bot.crypto import Vault
from bot.orders import utc_now
from bot.settings import Settings
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.unit_of_work import Database
from tests.support.app_server import TEST_KEY
from tests.support.directline_client import DirectLineClient, DirectLineError, bot_texts, browser, started
from tests.support.webchat_server import running_webchat_app, webchat_settings

ALLOWED = "https://utforare.kommun.example"
BOT_APP_ID = "6f1c7a8e-2b4d-4c6e-8f10-123456789abc"


async def test_a_proactive_message_from_another_adapter_lands_in_the_transcript(
    database_url: str, tmp_path: Path
) -> None:
    settings = webchat_settings(database_url, tmp_path)
    async with browser() as session, running_webchat_app(settings) as url:
        client, _ = await started(session, url)
        await client.say("beställ")
        reference = await _stored_reference(settings, client.conversation_id)
        adapter = create_adapter(settings)  # as another instance's outbox worker would have it
        reach_webchat(adapter, settings, Vault([TEST_KEY]))

        async def notify(context: TurnContext) -> None:
            await context.send_activity("Installationen är bokad.")

        try:
            await adapter.continue_conversation(reference, notify, settings.microsoft_app_id)
        finally:
            await adapter.close()
        arrived = await client.poll()
    assert bot_texts(arrived) == ["Installationen är bokad."]


async def test_the_connector_routes_want_the_key(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path)
    key = ConnectorKey(Vault([TEST_KEY])).current
    async with browser() as session, running_webchat_app(settings) as url:
        client, _ = await started(session, url)
        activities = f"{url}/v3/conversations/{client.conversation_id}/activities"
        message = {"type": "message", "text": "Hej från någon annan", "from": {"id": "x"}}
        statuses = []
        for authorization in ("", "Bearer not-the-key", f"Basic {key}"):
            async with session.post(
                activities, json=message, headers={"Authorization": authorization}
            ) as answer:
                statuses.append(answer.status)
        unknown = f"{url}/v3/conversations/no-such-conversation/activities"
        async with session.post(unknown, json=message, headers={"Authorization": f"Bearer {key}"}) as answer:
            statuses.append(answer.status)
        arrived = await client.poll()
    assert statuses == [401, 401, 401, 404]
    assert arrived == []


async def test_with_an_app_id_web_chat_needs_no_azure(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(
        database_url, tmp_path, microsoft_app_id=BOT_APP_ID, microsoft_app_password="never-sent"
    )
    async with browser() as session, running_webchat_app(settings) as url:
        client = DirectLineClient(session, url)
        await client.generate()
        await client.start()
        greeting = bot_texts(await client.poll())
        replies = await client.say("beställ")
    assert greeting == [f"{texts.WELCOME}\n\n{texts.COMMANDS}"]
    assert replies[-1] == texts.ASK_TRESERVA


async def test_only_the_own_and_allowed_origins_may_call(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path, webchat_allowed_origins=(ALLOWED,))
    generate = "/v3/directline/tokens/generate"
    async with browser() as session, running_webchat_app(settings) as url:
        preflight_headers = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST"}
        async with session.options(url + generate, headers=preflight_headers) as preflight:
            allowed_headers = preflight.headers.get("Access-Control-Allow-Headers", "")
            preflight_status = preflight.status
        statuses = {}
        for origin in (ALLOWED, url, "https://evil.example"):
            async with session.post(url + generate, headers={"Origin": origin}) as answer:
                statuses[origin] = (answer.status, answer.headers.get("Access-Control-Allow-Origin"))
    assert preflight_status == 204
    assert "x-ms-bot-agent" in allowed_headers
    assert statuses == {ALLOWED: (200, ALLOWED), url: (200, url), "https://evil.example": (403, None)}


async def test_idle_transcripts_are_pruned(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path, webchat_retention_hours=24)
    async with browser() as session, running_webchat_app(settings) as url:
        client, _ = await started(session, url)
        await client.say("hjälp")
        engine = create_engine(settings.database_url)
        try:
            transcripts = TranscriptStore(engine, Vault([TEST_KEY]))
            soon = await _pruner(transcripts, timedelta(hours=23)).prune_once()
            later = await _pruner(transcripts, timedelta(hours=25)).prune_once()
        finally:
            await engine.dispose()
        try:
            await client.poll()
        except DirectLineError as error:
            status = error.status
    assert (soon, later, status) == (0, 1, 404)  # 404: directlinejs ends the conversation


def _pruner(transcripts: TranscriptStore, after: timedelta) -> TranscriptPruner:
    return TranscriptPruner(transcripts, timedelta(hours=24), clock=lambda: utc_now() + after)


async def _stored_reference(settings: Settings, conversation_id: str) -> ConversationReference:
    """The reference the bot kept for the conversation, as a notifier reads it back."""
    engine = create_engine(settings.database_url)
    try:
        directory = ConversationDirectory(Database(engine, PayloadCodec(Vault([TEST_KEY]))))
        stored = await directory.reference(conversation_id)
    finally:
        await engine.dispose()
    assert stored is not None
    return ConversationReference().deserialize(stored)
