"""Two app instances on one database: conversations hop between them, both of two concurrent turns count."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.order_script import order_answers
from bot import texts
from tests.support.app_server import app_settings, running_app
from tests.support.chat import Chat
from tests.support.connector import LoopbackConnector

REFERENCE = re.compile(r"VT-\d{4}-(\d{4,})")
WAIT_FOR_LOCKS = 30.0  # seconds; a bound on the wait, not a timing assertion


@asynccontextmanager
async def two_instances(database_url: str, tmp_path: Path) -> AsyncIterator[list[str]]:
    """Two deployments of one release: the same database and data key, nothing else shared."""
    async with (
        running_app(app_settings(database_url, tmp_path / "a")) as first,
        running_app(app_settings(database_url, tmp_path / "b")) as second,
    ):
        yield [first, second]


async def _order_hopping(chat: Chat, instances: list[str], number: int) -> str:
    """A whole order, each turn on the other instance; the bot's last words."""
    replies: list[str] = []
    for turn, answer in enumerate(order_answers(number)):
        chat.app_url = instances[turn % len(instances)]
        replies = await chat.say(answer)
    return replies[-1] if replies else ""


async def test_a_conversation_hops_between_instances_turn_by_turn(database_url: str, tmp_path: Path) -> None:
    async with (
        LoopbackConnector() as connector,
        ClientSession() as session,
        two_instances(database_url, tmp_path) as instances,
    ):
        chat = Chat(session, instances[0], connector)
        filed = await _order_hopping(chat, instances, 0)
        heard = connector.texts(chat.conversation_id)
    assert REFERENCE.search(filed), filed
    assert texts.APOLOGY not in heard


async def test_orders_filed_at_once_on_two_instances_get_distinct_serials(
    database_url: str, tmp_path: Path
) -> None:
    staff = 4
    async with (
        LoopbackConnector() as connector,
        ClientSession() as session,
        two_instances(database_url, tmp_path) as instances,
    ):
        chats = [Chat(session, instances[0], connector, user_id=f"staff-{n}") for n in range(staff)]
        starting_on = [instances[n % 2 :] + instances[: n % 2] for n in range(staff)]
        filed = await asyncio.gather(
            *(_order_hopping(chat, starting_on[n], n) for n, chat in enumerate(chats))
        )
    serials = sorted(int(match.group(1)) for match in map(REFERENCE.search, filed) if match)
    assert serials == list(range(1, staff + 1)), filed


@asynccontextmanager
async def _state_row_locked(database_url: str, key: str) -> AsyncIterator[None]:
    """Hold the conversation's state row locked, as a slow writer elsewhere would, until the block ends."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text('SELECT 1 FROM bot_state WHERE "key" = :key FOR UPDATE'), {"key": key})
            yield
    finally:
        await engine.dispose()


async def _writers_waiting(database_url: str, count: int) -> None:
    """Return once `count` other sessions of this database wait for a row lock."""
    engine = create_async_engine(database_url)
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    try:
        async with asyncio.timeout(WAIT_FOR_LOCKS), engine.connect() as conn:
            while True:
                if await conn.scalar(query) >= count:
                    return
                await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def test_two_turns_at_once_on_two_instances_are_both_answered(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("lines the two turns up behind a row lock: PostgreSQL")
    async with (
        LoopbackConnector() as connector,
        ClientSession() as session,
        two_instances(database_url, tmp_path) as instances,
    ):
        chats = [Chat(session, url, connector, conversation_id="hop-1") for url in instances]
        await chats[0].say("beställ")
        activities = [chat.activity("ja") for chat in chats]
        async with _state_row_locked(database_url, "emulator/conversations/hop-1"):
            # Both instances read the state, answer the same question, and wait to save it.
            turns = [asyncio.create_task(chat.post(a)) for chat, a in zip(chats, activities, strict=True)]
            await _writers_waiting(database_url, 2)
        responses = await asyncio.gather(*turns)
        following = await chats[0].say("ja")
        sent = connector.received["hop-1"]
    assert all(response.status < 300 for response in responses)
    answers = [_replies_to(activity["id"], sent) for activity in activities]
    # One save won; the other turn ran again on the saved state and so answered the next question.
    assert sorted(texts.ASK_KEY_RECEIPT in words for words in answers) == [False, True], answers
    assert sorted(texts.ASK_JOURNAL in words for words in answers) == [False, True], answers
    assert not any(texts.APOLOGY in words for words in answers), answers
    assert texts.ASK_UNIT in " ".join(following), following


def _replies_to(activity_id: str, sent: list[dict[str, object]]) -> str:
    return " ".join(str(a.get("text") or "") for a in sent if a.get("replyToId") == activity_id)
