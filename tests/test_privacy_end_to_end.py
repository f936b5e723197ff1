"""A whole order and the team's work, then what a reviewer finds: no personal data in files, logs or posts.

The run is logged at DEBUG through the app's own log setup (the personal data filter on the root
handlers); afterwards the SQLite database, its write-ahead log, the captured log and every activity
the channel received are searched for the test's personnummer, phone numbers, portkod and names.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import unused_port

from bot import log_privacy
from bot.notifications import LOCAL_TIME
from tests.support.chatting import chatting
from tests.support.http_helpers import PNR, answers_with, app_database
from tests.support.stored_data import sqlite_files
from tests.support.team import ANNA, STAFF, team_settings
from tests.support.webchat_server import running_webchat_app

PORTKOD = "73914A26"
PHONES = ["070-174 06 10", "070-174 06 05", "070-174 06 06"]  # the orderer's, the brukare's, the contact's
NAMES = ["Greta Johansson", "Anna Johansson", "Karin Andersson", ANNA[1], "Storgatan 12"]
LINK = re.compile(r"https?://\S+")
LOOPBACK = "127.0.0.1"  # on a port chosen first: download links name where the app listens


def pnr_forms() -> list[str]:
    short = PNR[2:]
    return [PNR, f"{PNR[:8]}-{PNR[8:]}", short, f"{short[:6]}-{short[6:]}"]


def written_forms() -> list[str]:
    """Every way the test's personal numbers can be written, and the portkod."""
    digits = [phone.replace(" ", "").replace("-", "") for phone in PHONES]
    phones = [*PHONES, *digits, *(f"+46{number[1:]}" for number in digits)]
    return [*pnr_forms(), *phones, PORTKOD]


def found_in(haystack: str | bytes, needles: list[str]) -> list[str]:
    if isinstance(haystack, bytes):
        return [needle for needle in needles if needle.encode() in haystack]
    return [needle for needle in needles if needle in haystack]


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything every logger says at DEBUG, through a root handler with the app's filter on it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    log_privacy.install([handler])
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_a_reviewer_finds_no_personal_data_in_the_database_files_the_logs_or_the_channel(
    tmp_path: Path, debug_log: io.StringIO
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'review.db'}"
    settings = team_settings(database_url, tmp_path, host=LOOPBACK, port=unused_port())
    order = [*answers_with("portkod", PORTKOD), "ja"]
    async with chatting(settings, serve=running_webchat_app) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        await team.say("registrera teamkanal")
        reference = await staff.file_order(order)
        await team.wait_for(reference)
        booked = f"{datetime.now(LOCAL_TIME) + timedelta(days=7):%Y-%m-%d} 10:00"
        await team.say_all(f"ta {reference}", f"boka {reference} {booked} kontaktad dottern")
        for done in ("installerat", "registrerat", "inventarie larm A-100 lås L-200", "information"):
            await team.say(f"klar {reference} {done}")
        await team.say(f"avsluta {reference} Larmet är installerat och testat.")
        await staff.wait_for("Larmet är installerat och testat.")
        await team.wait_for("är avslutat (")  # the team's own line of it, so it is not taken for `visa`
        assert reference in (await staff.say(f"status {PNR[:8]}-{PNR[8:]}"))[-1]
        shown = await team.say(f"visa {reference}")
        for command in ("inventarie", "logg"):
            async with app.http.get(LINK.findall((await team.say(command))[-1])[0]) as download:
                assert download.status == 200
        stored_while_running = b"".join(path.read_bytes() for path in sqlite_files(database_url))

    # What the channel carried beyond the orderer's own entries: the team channel's posts and the
    # orderer's notifications and status answers. The team sees the portkod on `visa`, and only there.
    filed_at = next(n for n, said in enumerate(app.connector.texts("staff-chat")) if reference in said)
    after_filing = app.connector.received["staff-chat"][filed_at + 1 :]
    team_posts = app.connector.received["team-channel"]
    revealing = [activity for activity in team_posts if PORTKOD in json.dumps(activity, ensure_ascii=False)]
    assert len(revealing) == 1 and any(f"{PNR[:8]}-{PNR[8:]}" in said for said in shown)
    others = [activity for activity in [*team_posts, *after_filing] if activity not in revealing]
    assert found_in(json.dumps(others, ensure_ascii=False), [*pnr_forms(), PORTKOD]) == []  # phones: to book

    stored_after = b"".join(path.read_bytes() for path in sqlite_files(database_url))
    for stored in (stored_while_running, stored_after):
        assert found_in(stored, [*written_forms(), *NAMES]) == []
    logged = debug_log.getvalue()
    assert "aiohttp.access" in logged and reference in logged  # the log has lines, with references
    assert found_in(logged, [*written_forms(), *NAMES]) == []
    async with app_database(settings) as database, database.transaction() as uow:
        assert [entry.action for entry in await uow.audit.for_order(reference)].count("view") == 1
