"""An order's chat messages leave in the order they were queued, also when the first one had to wait."""

from __future__ import annotations

from adapters.proactive import ChatDeliverer
from bot import notifications
from bot.conversations import ConversationDirectory
from bot.outbox import Message, OutboxChannel
from bot.outbox_worker import Deliverer, OutboxWorker, RetryPolicy
from bot.store.unit_of_work import Database
from tests.support.lindesk import SteppingClock
from tests.support.services import order_service
from tests.support.team import RefusingConnector
from tests.test_proactive import remember, stock_adapter

CONVERSATION = "staff-chat"


def chat_worker(database: Database, directory: ConversationDirectory, clock: SteppingClock) -> OutboxWorker:
    """The outbox worker as the app builds it for chat, on a test clock; retries after ten seconds."""
    deliverers: dict[OutboxChannel, Deliverer] = {
        OutboxChannel.CHAT: ChatDeliverer(stock_adapter(), directory, "")
    }
    return OutboxWorker(database, deliverers, notifications.undeliverable, RetryPolicy(10, 60), clock)


async def queue(worker: OutboxWorker, key: str, text: str) -> None:
    async with worker.database.transaction() as uow:
        message = Message(text=text)
        await uow.outbox.add(key, OutboxChannel.CHAT, CONVERSATION, message, worker.clock(), "VT-2026-0001")


async def test_a_later_message_waits_for_an_earlier_one_that_is_being_retried(database_url: str) -> None:
    clock = SteppingClock()
    async with order_service(database_url) as orders, RefusingConnector() as connector:
        directory = ConversationDirectory(orders.database, clock)
        await remember(directory, CONVERSATION, connector.url)
        worker = chat_worker(orders.database, directory, clock)
        connector.refuse[CONVERSATION] = 503
        await queue(worker, "first", "Mottagen")
        await worker.run_once()  # refused: the first is retried in ten seconds
        await queue(worker, "second", "Bokad")
        tried_early = await worker.run_once()  # the second is due, but must not overtake the first
        del connector.refuse[CONVERSATION]
        clock.advance(10)
        tried_later = await worker.run_once()
    assert (tried_early, tried_later) == (0, 2)
    assert connector.refused[CONVERSATION] == 1
    assert connector.texts(CONVERSATION) == ["Mottagen", "Bokad"]


async def test_when_the_first_of_a_round_fails_the_rest_of_its_order_waits(database_url: str) -> None:
    clock = SteppingClock()
    async with order_service(database_url) as orders, RefusingConnector() as connector:
        directory = ConversationDirectory(orders.database, clock)
        await remember(directory, CONVERSATION, connector.url)
        worker = chat_worker(orders.database, directory, clock)
        connector.refuse[CONVERSATION] = 503
        await queue(worker, "first", "Mottagen")
        await queue(worker, "second", "Bokad")
        await worker.run_once()
        del connector.refuse[CONVERSATION]
        clock.advance(10)
        await worker.run_once()
    assert connector.refused[CONVERSATION] == 1  # the second was not tried after the first failed
    assert connector.texts(CONVERSATION) == ["Mottagen", "Bokad"]
