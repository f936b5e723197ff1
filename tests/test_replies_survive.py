"""A turn's reply the channel throttles, fails or does not answer still reaches the user, once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import select

from adapters.webchat.connector import ConnectorKey
from bot import texts
from bot.crypto import Vault
from bot.settings import Settings
from bot.store import tables
from tests.support.app_server import TEST_KEY, app_settings
from tests.support.directline_client import bot_texts, browser, started
from tests.support.flaky_channel import HANG, FlakyConnector, Refusal, chatting_through
from tests.support.http_helpers import app_database
from tests.support.team import ANNA, POLL_SECONDS, STAFF, WAIT_ROUNDS, team_settings, wait_until
from tests.support.webchat_server import running_webchat_app, webchat_settings

HELP = f"{texts.WELCOME}\n\n{texts.COMMANDS}"  # the bot's whole answer to `hjälp`
CHAT = "staff-chat"


async def replies_in_outbox(settings: Settings, conversation: str) -> Counter[str]:
    """The states of the replies to `conversation` kept in the outbox (pending, sent, dead)."""
    outbox = tables.outbox
    query = (
        select(outbox.c.state).where(outbox.c.destination == conversation).where(outbox.c.channel == "reply")
    )
    async with app_database(settings) as database, database.transaction() as uow:
        return Counter(await uow.conn.scalars(query))


async def all_sent(settings: Settings, conversation: str) -> Counter[str]:
    """The states of `conversation`'s replies in the outbox once none is pending any more (bounded wait)."""
    for _ in range(WAIT_ROUNDS):
        states = await replies_in_outbox(settings, conversation)
        if not states["pending"]:
            return states
        await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"replies still pending: {states}")


def one_id_per_reply(connector: FlakyConnector, conversation: str) -> bool:
    """Every try of a reply carried that reply's id, and different replies had different ids."""
    shown = [activity["id"] for activity in connector.shown(conversation)]
    return len(set(shown)) == len(shown) and set(connector.tries[conversation]) == set(shown)


async def test_a_reply_throttled_with_retry_after_and_then_failing_arrives_once(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path, reply_retry_budget_seconds=30)
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        connector.script[CHAT] = [Refusal(429, "1"), Refusal(503), Refusal(502)]
        answer = await app.chat(STAFF, CHAT).say("hjälp")
    assert answer == [HELP]  # within the turn: the channel got it on the fourth try
    assert len(connector.tries[CHAT]) == 4
    assert one_id_per_reply(connector, CHAT)


async def test_a_retry_after_beyond_the_turns_budget_is_waited_for_and_the_reply_comes_later(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path, outbox_retry_base_seconds=0.05)
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)  # an HTTP date
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        connector.script[CHAT] = [Refusal(429, later)]
        chat = app.chat(STAFF, CHAT)
        during_turn = await chat.say("hjälp")
        tries_in_turn = len(connector.tries[CHAT])
        await chat.wait_for(texts.WELCOME)
        waiting = await all_sent(settings, CHAT)
    assert during_turn == []
    assert tries_in_turn == 1  # not tried again within the turn: the channel asked for more time
    assert chat.texts() == [HELP]
    assert one_id_per_reply(connector, CHAT)
    assert waiting == {"sent": 1}


async def test_a_reply_the_channel_took_but_never_answered_is_sent_again_and_shown_once(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(
        database_url, tmp_path, channel_timeout_seconds=0.5, reply_retry_budget_seconds=30
    )
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        connector.script[CHAT] = [HANG]
        answer = await app.chat(STAFF, CHAT).say("hjälp")
    assert answer == [HELP]
    assert len(connector.tries[CHAT]) == 2  # the hung try, and the one answered
    assert one_id_per_reply(connector, CHAT)


async def test_replies_refused_past_the_budget_arrive_after_a_restart_in_order_and_once(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path, outbox_retry_base_seconds=0.05)
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        control = app.chat(("staff-2", "Sara Lind"), "control-chat")  # the same words where the channel works
        heard = [*await control.say("hjälp"), *await control.say("beställ")]
        connector.refuse[CHAT] = 503
        chat = app.chat(STAFF, CHAT)
        during_outage = [*await chat.say("hjälp"), *await chat.say("beställ")]  # the second queues behind
        await app.stop()
        queued = await replies_in_outbox(settings, CHAT)
        del connector.refuse[CHAT]
        await app.start()
        await wait_until(lambda: len(chat.texts()) >= len(heard), chat.texts)
        after_restart = await all_sent(settings, CHAT)
    assert during_outage == []
    assert queued == {"pending": len(heard)}
    assert chat.texts() == heard
    assert after_restart == {"sent": len(heard)}
    assert one_id_per_reply(connector, CHAT)


async def test_a_chat_that_removed_the_bot_is_tried_once_and_not_again(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        connector.refuse[CHAT] = 403
        answer = await app.chat(STAFF, CHAT).say("beställ")  # more than one reply
        kept = await replies_in_outbox(settings, CHAT)
    assert answer == []
    assert connector.refused[CHAT] == 1
    assert kept == {"dead": 1}  # recorded as refused, nothing left to retry


async def test_a_team_channel_that_removed_the_bot_gets_nothing_more_and_the_team_is_told(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        removed, other = app.chat(ANNA, "team-channel"), app.chat(ANNA, "team-chat-2")
        await removed.say("registrera teamkanal")
        await other.say("registrera teamkanal")
        connector.refuse["team-channel"] = 403  # the bot was removed from the team's channel
        await removed.say("ärenden")
        told = await other.wait_for(texts.NOTIFY_TEAM_CHANNEL_LOST)
        reference = await app.chat(STAFF, CHAT).file_order()
        notices = await other.wait_for(reference)
    assert told.count(texts.NOTIFY_TEAM_CHANNEL_LOST) == 1
    assert any(reference in text for text in notices)
    assert connector.refused["team-channel"] == 1  # neither retried nor sent the new order's notice


async def test_web_chat_shows_a_reply_sent_twice_with_its_id_once(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path)
    key = ConnectorKey(Vault([TEST_KEY])).current
    async with browser() as session, running_webchat_app(settings) as url:
        client, _ = await started(session, url)
        activities = f"{url}/v3/conversations/{client.conversation_id}/activities"
        reply = {"type": "message", "id": "tl-0123456789abcdef01234567-1", "text": "Installationen är bokad."}
        for _ in range(2):  # a try whose answer was lost, and the try after it
            async with session.post(activities, json=reply, headers={"Authorization": f"Bearer {key}"}):
                pass
        arrived = await client.poll()
    assert bot_texts(arrived).count("Installationen är bokad.") == 1


async def test_a_team_notice_the_channel_refused_arrives_once_with_one_id(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with FlakyConnector() as connector, chatting_through(connector, settings) as app:
        team = app.chat(ANNA, "team-channel")
        await team.say("registrera teamkanal")
        connector.script["team-channel"] = [Refusal(429, "0"), Refusal(503), Refusal(502)]
        reference = await app.chat(STAFF, CHAT).file_order()
        await team.wait_for(reference)
        notices = [text for text in team.texts() if reference in text]
    assert len(notices) == 1
    assert connector.refused["team-channel"] == 3
    assert one_id_per_reply(connector, "team-channel")
