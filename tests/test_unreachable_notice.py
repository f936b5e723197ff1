"""The team hears once that an orderer's chat is unreachable, until that chat is reachable again."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot import texts
from bot.settings import Settings
from bot.store import tables
from tests.support.chatting import RunningApp, chatting
from tests.support.http_helpers import app_database
from tests.support.team import (
    ANNA,
    POLL_SECONDS,
    STAFF,
    WAIT_ROUNDS,
    NamedChat,
    RefusingConnector,
    next_week,
    team_settings,
)

ORDERER_CHAT = "staff-chat"
TEAM_CHANNEL = "team-channel"
UNREACHABLE = texts.NOTIFY_TEAM_UNREACHABLE.split("{")[0]  # how the team's notice begins
BOOKED = texts.NOTIFY_ORDERER_BOOKED.split("{")[0]


def chats(app: RunningApp) -> tuple[NamedChat, NamedChat]:
    return app.chat(ANNA, TEAM_CHANNEL), app.chat(STAFF, ORDERER_CHAT)


def booking(reference: str, days_later: int = 0) -> str:
    """The team's command booking `reference` at 10.00 a week (and `days_later`) from now."""
    when = next_week() + timedelta(days=days_later)
    return f"boka {reference} {when.day}/{when.month} 10.00"


def unreachable_notices(team: NamedChat) -> int:
    return sum(UNREACHABLE in text for text in team.texts())


async def settled(settings: Settings, refused: int) -> None:
    """Wait until `refused` messages to the orderer were given up and every team notice was delivered."""
    outbox = tables.outbox
    query = select(outbox.c.destination, outbox.c.state)
    async with app_database(settings) as database:
        for _ in range(WAIT_ROUNDS):
            async with database.transaction() as uow:
                states = Counter((row.destination, row.state) for row in await uow.conn.execute(query))
            if states[(ORDERER_CHAT, "dead")] == refused and states[(TEAM_CHANNEL, "pending")] == 0:
                return
            await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"the outbox did not settle: {states}")


async def test_three_refused_messages_give_the_team_one_notice_also_across_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff = chats(app)
        await team.say("registrera teamkanal")
        reference = await staff.file_order()
        app.connector.refuse[ORDERER_CHAT] = 403  # the orderer removed the bot
        await team.say(f"ta {reference}")
        await team.say(booking(reference))
        await settled(settings, refused=2)
        await app.restart()
        await team.say(booking(reference, days_later=1))  # the third message, after a restart
        await settled(settings, refused=3)
    assert app.connector.refused[ORDERER_CHAT] == 3
    assert unreachable_notices(team) == 1


@dataclass
class Lost:
    """An app whose team channel was told that the orderer's chat refused the first message."""

    settings: Settings
    connector: RefusingConnector
    team: NamedChat
    staff: NamedChat
    reference: str


@asynccontextmanager
async def an_orderer_lost_once(database_url: str, tmp_path: Path, status: int = 403) -> AsyncIterator[Lost]:
    """The orderer's chat answers the first message to it with `status` (403: the bot was removed)."""
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff = chats(app)
        await team.say("registrera teamkanal")
        reference = await staff.file_order()
        app.connector.refuse[ORDERER_CHAT] = status
        await team.say(f"ta {reference}")
        await settled(settings, refused=1)
        yield Lost(settings, app.connector, team, staff, reference)


async def test_an_orderer_who_speaks_again_and_is_lost_again_is_reported_again(
    database_url: str, tmp_path: Path
) -> None:
    async with an_orderer_lost_once(database_url, tmp_path) as lost:
        del lost.connector.refuse[ORDERER_CHAT]  # the orderer adds the bot again and writes
        answer = await lost.staff.say("hjälp")
        lost.connector.refuse[ORDERER_CHAT] = 404  # and removes it again
        await lost.team.say(booking(lost.reference))
        await lost.team.say(booking(lost.reference, days_later=1))
        await settled(lost.settings, refused=3)
    assert answer  # the bot answered in the chat between the two losses
    assert unreachable_notices(lost.team) == 2


async def test_a_delivered_message_makes_the_next_loss_news_again(database_url: str, tmp_path: Path) -> None:
    async with an_orderer_lost_once(database_url, tmp_path) as lost:
        del lost.connector.refuse[ORDERER_CHAT]  # reachable again, without writing anything
        await lost.team.say(booking(lost.reference))
        await lost.staff.wait_for(BOOKED)
        lost.connector.refuse[ORDERER_CHAT] = 403
        await lost.team.say(f"makulera {lost.reference} Brukaren flyttar.")
        await settled(lost.settings, refused=2)
    assert unreachable_notices(lost.team) == 2


async def test_a_message_refused_with_400_is_not_retried_and_the_chat_stays_reachable(
    database_url: str, tmp_path: Path
) -> None:
    async with an_orderer_lost_once(database_url, tmp_path, status=400) as refused:
        assert refused.connector.refused[ORDERER_CHAT] == 1
        assert unreachable_notices(refused.team) == 0
