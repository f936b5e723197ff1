"""A PostgreSQL restart under a running app: the turn that meets a broken connection still gets answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot import texts
from bot.store.db import create_engine
from tests.support.app_server import app_settings
from tests.support.chatting import chatting
from tests.support.http_helpers import answers_after, answers_through

# What a server restart does to the app's pooled connections: every session of the database ends.
END_OTHER_SESSIONS = text(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def end_every_session(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return len((await conn.execute(END_OTHER_SESSIONS)).all())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("times", [1, 3])
async def test_the_order_goes_on_when_the_database_connections_broke(
    database_url: str, tmp_path: Path, times: int
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server whose sessions can end")
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        assert texts.ASK_PERSONNUMMER in (await chat.say_all(*answers_through("brukare_name")))[-1]
        replies = []
        for answer in answers_after("brukare_name")[:times]:
            assert await end_every_session(database_url) >= 1  # the app's pooled connections
            replies.append(await chat.say(answer))

    said = [line for reply in replies for line in reply]
    assert texts.APOLOGY not in said
    assert texts.ASK_STREET in replies[0][-1]  # the personnummer was taken, the next question asked
