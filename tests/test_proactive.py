"""The chat deliverer against a loopback connector, on botbuilder's stock adapter and on ours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from botbuilder.core import BotAdapter
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.channel import ChannelAdapter, create_adapter
from adapters.proactive import ChatDeliverer
from bot.conversations import ConversationDirectory
from bot.outbox import Message, OutboxChannel, OutboxItem
from bot.outbox_worker import RetryLater, Undeliverable
from bot.settings import Settings
from tests.support.services import order_service
from tests.support.team import RefusingConnector


def stock_adapter() -> BotAdapter:
    identity = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(identity))


def our_adapter() -> BotAdapter:
    return create_adapter(Settings(_env_file=None))


@pytest.fixture(params=[pytest.param(stock_adapter, id="stock"), pytest.param(our_adapter, id="pooled")])
async def adapter(request: pytest.FixtureRequest) -> AsyncIterator[BotAdapter]:
    """botbuilder's CloudAdapter (msrest, a client per call) and ours (one pooled aiohttp client)."""
    made = request.param()
    yield made
    if isinstance(made, ChannelAdapter):
        await made.close()


def item(conversation: str, message: Message) -> OutboxItem:
    return OutboxItem(
        id=1,
        dedupe_key="k",
        channel=OutboxChannel.CHAT,
        destination=conversation,
        reference="VT-2026-0001",
        message=message,
        attempts=1,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
    )


async def remember(directory: ConversationDirectory, conversation: str, service_url: str) -> None:
    reference = ConversationReference(
        channel_id="emulator",
        service_url=service_url,
        conversation=ConversationAccount(id=conversation),
        user=ChannelAccount(id="staff-1"),
        bot=ChannelAccount(id="bot"),
    )
    await directory.remember(conversation, "staff-1", reference.serialize())


async def test_a_message_with_its_card_arrives_in_the_stored_conversation(
    database_url: str, adapter: BotAdapter
) -> None:
    card = {"type": "AdaptiveCard", "version": "1.4", "body": []}
    async with order_service(database_url) as orders, RefusingConnector() as connector:
        directory = ConversationDirectory(orders.database)
        await remember(directory, "conv-1", connector.url)
        await ChatDeliverer(adapter, directory, "").deliver(item("conv-1", Message(text="Hej", card=card)))
    [posted] = connector.received["conv-1"]
    assert posted["text"] == "Hej"
    assert posted["attachments"][0]["content"] == card


@pytest.mark.parametrize(
    ("status", "meaning"), [(403, Undeliverable), (404, Undeliverable), (503, RetryLater), (500, RetryLater)]
)
async def test_a_refusal_says_whether_to_retry(
    database_url: str, adapter: BotAdapter, status: int, meaning: type[Exception]
) -> None:
    async with order_service(database_url) as orders, RefusingConnector() as connector:
        directory = ConversationDirectory(orders.database)
        await remember(directory, "conv-1", connector.url)
        connector.refuse["conv-1"] = status
        with pytest.raises(meaning, match=str(status)):
            await ChatDeliverer(adapter, directory, "").deliver(item("conv-1", Message(text="Hej")))


async def test_an_unreachable_channel_is_retried_and_an_unknown_conversation_is_not(
    database_url: str, adapter: BotAdapter
) -> None:
    async with order_service(database_url) as orders:
        directory = ConversationDirectory(orders.database)
        async with RefusingConnector() as connector:
            closed_url = connector.url
        await remember(directory, "conv-1", closed_url)  # nothing listens there any more
        deliverer = ChatDeliverer(adapter, directory, "")
        with pytest.raises(RetryLater, match="could not be reached"):
            await deliverer.deliver(item("conv-1", Message(text="Hej")))
        with pytest.raises(Undeliverable):
            await deliverer.deliver(item("never-seen", Message(text="Hej")))
