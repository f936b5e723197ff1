"""An order's thread in a Teams channel: the root post, replies in its thread, its card updated in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference

from adapters.proactive import ChatDeliverer
from bot import notifications, texts
from bot.conversations import ConversationDirectory
from bot.outbox import Message, OutboxChannel, ThreadPost
from bot.outbox_worker import Deliverer, OutboxWorker, RetryPolicy
from bot.threads import ThreadDirectory, in_thread, split_thread
from dialogs.team.threads import thread_reference
from tests.support.chatting import chatting
from tests.support.http_helpers import stored_conversation
from tests.support.lindesk import SteppingClock
from tests.support.services import FIXED_NOW, order_service
from tests.support.team import ANNA, STAFF, RefusingConnector, team_settings, wait_until
from tests.test_proactive import adapter  # noqa: F401 (the fixture: botbuilder's adapter and ours)
from tests.test_tenants_over_http import HOME, TeamsChat

CHANNEL = "19:team-lagret@thread.tacv2"
ORDER = "VT-2026-0042"
ROOT_CARD = {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock", "text": "Bokad"}]}
FILED = Message(text=f"{ORDER}: ny beställning", thread=ThreadPost.ROOT)
BOOKED = Message(text=f"{ORDER}: bokad", thread=ThreadPost.REPLY, root_card=ROOT_CARD)


@dataclass
class Channel:
    """The outbox worker delivering chat through `adapter` to a loopback connector, on a test clock."""

    worker: OutboxWorker
    connector: RefusingConnector
    directory: ConversationDirectory
    threads: ThreadDirectory
    clock: SteppingClock

    async def remember(self, key: str, channel_id: str = "msteams", kind: str | None = "channel") -> None:
        conversation = ConversationAccount(id=key, conversation_type=kind, tenant_id=HOME)
        reference = ConversationReference(
            channel_id=channel_id,
            service_url=self.connector.url,
            conversation=conversation,
            user=ChannelAccount(id="29:1team-anna"),
            bot=ChannelAccount(id="28:bot"),
        )
        await self.directory.remember(key, ANNA[0], reference.serialize())

    async def deliver(self, key: str, message: Message, destination: str = CHANNEL) -> int:
        """Queue `message` about ORDER for `destination` and run one round; how many items were tried."""
        async with self.worker.database.transaction() as uow:
            await uow.outbox.add(key, OutboxChannel.CHAT, destination, message, self.clock(), ORDER)
        return await self.worker.run_once()

    async def retry(self) -> int:
        """The round after the retry delay (ten seconds)."""
        self.clock.advance(10)
        return await self.worker.run_once()

    def root(self) -> str:
        """The id the connector gave the first post."""
        return self.connector.posted[0][1]


@pytest.fixture
async def channel(database_url: str, adapter: BotAdapter) -> AsyncIterator[Channel]:  # noqa: F811
    clock = SteppingClock()
    async with order_service(database_url) as orders, RefusingConnector() as connector:
        directory = ConversationDirectory(orders.database, clock)
        threads = ThreadDirectory(orders.database)
        deliverers: dict[OutboxChannel, Deliverer] = {
            OutboxChannel.CHAT: ChatDeliverer(adapter, directory, "", threads)
        }
        policy = RetryPolicy(10, 10)
        worker = OutboxWorker(orders.database, deliverers, notifications.undeliverable, policy, clock)
        yield Channel(worker, connector, directory, threads, clock)


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    return activity["attachments"][0]["content"]


async def test_the_root_post_goes_to_the_channel_and_its_id_is_recorded(channel: Channel) -> None:
    await channel.remember(CHANNEL)
    await channel.deliver("filed", FILED)
    [(conversation, root)] = channel.connector.posted
    assert conversation == CHANNEL
    assert await channel.threads.root(ORDER, CHANNEL) == root
    assert await channel.threads.reference_of(in_thread(CHANNEL, root)) == ORDER


async def test_a_reply_goes_into_the_roots_thread_and_the_root_card_is_updated_in_place(
    channel: Channel,
) -> None:
    await channel.remember(CHANNEL)
    await channel.deliver("filed", FILED)
    await channel.deliver("booked", BOOKED)
    root = channel.root()
    thread = in_thread(CHANNEL, root)
    assert [conversation for conversation, _ in channel.connector.posted] == [CHANNEL, thread]
    assert channel.connector.texts(thread) == [BOOKED.text]
    [update] = channel.connector.updated[root]
    assert update.conversation == CHANNEL
    assert update.activity["id"] == root and card_of(update.activity) == ROOT_CARD
    assert update.activity["channelData"] == {"tenant": {"id": HOME}}
    assert channel.connector.texts(CHANNEL) == [FILED.text]  # the root stays one post


async def test_a_reply_without_a_new_card_only_posts_in_the_thread(channel: Channel) -> None:
    await channel.remember(CHANNEL)
    await channel.deliver("filed", FILED)
    await channel.deliver("asked", Message(text=f"{ORDER}: fråga", thread=ThreadPost.REPLY))
    assert channel.connector.texts(in_thread(CHANNEL, channel.root())) == [f"{ORDER}: fråga"]
    assert channel.connector.updated == {}


@pytest.mark.parametrize(
    ("channel_id", "kind"),
    [
        pytest.param("webchat", None, id="web-chat"),
        pytest.param("emulator", None, id="emulator"),
        pytest.param("msteams", "personal", id="teams-personal"),
        pytest.param("msteams", "groupChat", id="teams-group"),
    ],
)
async def test_without_threads_every_event_is_a_plain_message(
    channel: Channel, channel_id: str, kind: str | None
) -> None:
    await channel.remember("team-chat", channel_id, kind)
    await channel.deliver("filed", FILED, "team-chat")
    await channel.deliver("booked", BOOKED, "team-chat")
    assert channel.connector.texts("team-chat") == [FILED.text, BOOKED.text]
    assert [conversation for conversation, _ in channel.connector.posted] == ["team-chat", "team-chat"]
    assert channel.connector.updated == {}
    assert await channel.threads.root(ORDER, "team-chat") is None


async def test_a_reply_with_no_recorded_root_is_a_plain_message(channel: Channel) -> None:
    await channel.remember(CHANNEL)  # registered after the order was filed: no root there
    await channel.deliver("booked", BOOKED)
    assert channel.connector.texts(CHANNEL) == [BOOKED.text]
    assert channel.connector.updated == {}


async def test_a_failed_update_is_retried_and_the_reply_posted_once(channel: Channel) -> None:
    await channel.remember(CHANNEL)
    await channel.deliver("filed", FILED)
    channel.connector.refuse[CHANNEL] = 503  # the update goes to the channel, the reply to the thread
    await channel.deliver("booked", BOOKED)
    del channel.connector.refuse[CHANNEL]
    assert channel.connector.texts(in_thread(CHANNEL, channel.root())) == []
    assert await channel.retry() == 1
    assert channel.connector.refused[CHANNEL] > 0  # (botbuilder's own client tries 5xx four times)
    assert channel.connector.texts(in_thread(CHANNEL, channel.root())) == [BOOKED.text]
    assert len(channel.connector.updated[channel.root()]) == 1


async def test_a_failed_reply_is_retried_and_posted_once(channel: Channel) -> None:
    await channel.remember(CHANNEL)
    await channel.deliver("filed", FILED)
    thread = in_thread(CHANNEL, channel.root())
    channel.connector.refuse[thread] = 503
    await channel.deliver("booked", BOOKED)
    del channel.connector.refuse[thread]
    assert await channel.retry() == 1
    assert channel.connector.refused[thread] > 0
    assert channel.connector.texts(thread) == [BOOKED.text]
    updates = channel.connector.updated[channel.root()]  # updated again on the retry: the same card
    assert [card_of(update.activity) for update in updates] == [ROOT_CARD, ROOT_CARD]


async def test_when_the_root_post_was_deleted_the_reply_is_a_plain_post(channel: Channel) -> None:
    await channel.remember(CHANNEL)
    await channel.threads.record_root(ORDER, CHANNEL, "deleted-post", FIXED_NOW)  # the connector: 404
    assert await channel.deliver("booked", BOOKED) == 1
    assert await channel.retry() == 0  # delivered, not left to retry
    assert channel.connector.posted == [(CHANNEL, "reply-1")]
    assert channel.connector.texts(CHANNEL) == [BOOKED.text]


async def test_the_first_recorded_root_stays(channel: Channel) -> None:
    await channel.threads.record_root(ORDER, CHANNEL, "first", FIXED_NOW)
    await channel.threads.record_root(ORDER, in_thread(CHANNEL, "x"), "second", FIXED_NOW)
    assert await channel.threads.root(ORDER, CHANNEL) == "first"


async def test_reference_of_finds_the_order_of_a_thread_and_nothing_else(channel: Channel) -> None:
    await channel.threads.record_root(ORDER, CHANNEL, "1700000000001", FIXED_NOW)
    await channel.threads.record_root("VT-2026-0043", CHANNEL, "1700000000002", FIXED_NOW)
    found = channel.threads.reference_of
    assert await found(in_thread(CHANNEL, "1700000000001")) == ORDER
    assert await found(in_thread(CHANNEL, "1700000000002")) == "VT-2026-0043"
    assert await found(CHANNEL) is None
    assert await found(in_thread(CHANNEL, "1700000000003")) is None  # another thread of the channel
    assert await found(in_thread("19:other@thread.tacv2", "1700000000001")) is None
    assert await found("a personal chat") is None


def test_split_thread_and_in_thread_are_inverse() -> None:
    assert split_thread(in_thread(CHANNEL, "1700000000001")) == (CHANNEL, "1700000000001")
    assert split_thread(CHANNEL) == (CHANNEL, None)
    assert split_thread(f"{CHANNEL};messageid=") == (CHANNEL, None)


@pytest.mark.parametrize(
    ("channel_id", "kind", "expected"),
    [
        pytest.param("msteams", "channel", ORDER, id="teams-thread"),
        pytest.param("msteams", "personal", "", id="teams-personal"),
        pytest.param("emulator", None, "", id="emulator"),
    ],
)
async def test_thread_reference_is_the_order_of_the_thread_written_in(
    channel: Channel, channel_id: str, kind: str | None, expected: str
) -> None:
    await channel.threads.record_root(ORDER, CHANNEL, "1700000000001", FIXED_NOW)
    conversation = ConversationAccount(id=in_thread(CHANNEL, "1700000000001"), conversation_type=kind)
    activity = Activity(type="message", text="ta", channel_id=channel_id, conversation=conversation)
    assert await thread_reference(TurnContext(TestAdapter(), activity), channel.threads) == expected


async def test_registering_inside_a_thread_registers_the_channel(database_url: str, tmp_path: Path) -> None:
    settings = team_settings(database_url, tmp_path, microsoft_app_tenant_id=HOME)
    thread = in_thread(CHANNEL, "1700000000001")
    async with chatting(settings) as app:
        team = TeamsChat(app, ANNA, HOME, thread)
        channel_post = {"conversation": {"id": thread, "conversationType": "channel", "tenantId": HOME}}
        answered = await team.say("registrera teamkanal", **channel_post)
        reference = await TeamsChat(app, STAFF, HOME).file_order()
        await wait_until(
            lambda: any(reference in text for text in app.connector.texts(CHANNEL)),
            lambda: app.connector.texts(CHANNEL),
        )
    registered = await stored_conversation(settings, CHANNEL)
    in_the_thread = await stored_conversation(settings, thread)
    assert answered == [texts.TEAM_CHANNEL_REGISTERED]
    assert registered is not None and registered["is_team_channel"] is True
    assert registered["reference"]["conversation"]["id"] == CHANNEL
    assert in_the_thread is not None and in_the_thread["is_team_channel"] is False
    assert team.texts() == [texts.TEAM_CHANNEL_REGISTERED]  # the thread got the answer, not the notice
