"""SIGTERM to `python app.py`: turns in flight are answered, new ones get 503, the outbox flushed, exit 0."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from aiohttp import ClientSession
from cryptography.fernet import Fernet
from sqlalchemy import text

from bench.processes import bot_process, free_port
from bot import texts
from tests.support.app_server import app_settings
from tests.support.chat import Chat
from tests.support.chatting import chatting
from tests.support.flaky_channel import FlakyConnector
from tests.support.http_helpers import app_database
from tests.support.team import wait_until

TURNS = 20
HELP = f"{texts.WELCOME}\n\n{texts.COMMANDS}"
EXIT_WAIT_SECONDS = 60.0  # a bound on waiting for the process, not a timing assertion


def app_environment(database_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    bundle = tmp_path / "webchat.js"  # present, so the app does not fetch Web Chat at start
    bundle.write_text("// not used by this test\n")
    return {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "WEBCHAT_BUNDLE": str(bundle),
        "LOG_LEVEL": "WARNING",
        "REPLY_RETRY_BASE_SECONDS": "30",  # a refused reply is surely waiting to be tried again at SIGTERM
        "OUTBOX_RETRY_BASE_SECONDS": "0.05",
        "SHUTDOWN_GRACE_SECONDS": "120",  # generous: the test's connector decides when turns finish
    }


async def status_of(http: ClientSession, url: str) -> int:
    async with http.get(f"{url}/readyz") as response:
        await response.read()
        return response.status


async def test_sigterm_amid_twenty_turns_answers_every_one_and_exits_cleanly(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    async with (
        FlakyConnector() as connector,
        ClientSession() as http,
        bot_process(["app.py"], app_environment(database_url, tmp_path, port), port) as bot,
    ):
        ready_before = await status_of(http, bot.url)
        chats = [Chat(http, bot.url, connector, f"staff-{n}", f"conv-{n}") for n in range(TURNS)]
        connector.refuse["conv-0"] = 503  # this turn's reply waits for a retry when the stop comes
        connector.gate.clear()  # the other replies are held at the channel: their turns are in flight
        turns = [asyncio.create_task(chat.post(chat.activity("hjälp"))) for chat in chats]
        await wait_until(lambda: connector.waiting == TURNS - 1 and connector.refused["conv-0"] > 0, dict)
        del connector.refuse["conv-0"]
        bot.process.send_signal(signal.SIGTERM)
        await wait_until_draining(http, bot.url)
        late = chats[1].activity("hjälp")
        async with http.post(f"{bot.url}/api/messages", json=late) as refused:
            late_answer = (refused.status, refused.headers.get("Retry-After"))
        connector.gate.set()
        answered = await asyncio.gather(*turns)
        exit_code = await asyncio.wait_for(bot.process.wait(), EXIT_WAIT_SECONDS)
    assert ready_before == 200
    assert late_answer == (503, "5")
    assert [response.status for response in answered] == [201] * TURNS
    assert [connector.texts(chat.conversation_id) for chat in chats] == [[HELP]] * TURNS
    assert exit_code == 0


async def wait_until_draining(http: ClientSession, url: str) -> None:
    """Until /readyz answers 503: the app has begun to stop (bounded wait)."""
    for _ in range(400):
        if await status_of(http, url) == 503:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("/readyz never said 503 after SIGTERM")


async def test_readyz_is_not_ready_while_the_database_is_behind_this_release(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        alive = (await app.http.get(f"{app.url}/healthz")).status
        ready = await status_of(app.http, app.url)
        async with app_database(settings) as database, database.transaction() as uow:
            await uow.conn.execute(text("UPDATE alembic_version SET version_num = '0001_initial_schema'"))
        async with app.http.get(f"{app.url}/readyz") as response:
            behind = (response.status, await response.json())
    assert (alive, ready) == (200, 200)
    assert behind == (503, {"status": "not ready", "problem": "database migrations not current"})
