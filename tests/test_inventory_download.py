"""The inventory list in chat, and its CSV download through the link the bot gives: team only, audited."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from adapters.inventory_download import PATH, TOKEN_PURPOSE
from bot import texts
from bot.audit import AuditAction
from bot.crypto import Vault
from bot.links import DownloadTokens
from bot.orders import utc_now
from tests.support.app_server import TEST_KEY
from tests.support.chatting import chatting
from tests.support.http_helpers import app_database
from tests.support.team import ANNA, STAFF, team_settings
from tests.support.webchat_server import on_free_port, running_webchat_app

LINK = re.compile(r"https?://\S+")


def tokens(minutes_ago: float = 0) -> DownloadTokens:
    """Tokens as the app makes them, from a clock `minutes_ago` in the past."""
    key = Vault([TEST_KEY]).derived_key(TOKEN_PURPOSE)
    return DownloadTokens(key, timedelta(minutes=10), lambda: utc_now() - timedelta(minutes=minutes_ago))


async def test_the_team_sees_the_inventory_and_downloads_it_as_csv(database_url: str, tmp_path: Path) -> None:
    settings = on_free_port(team_settings(database_url, tmp_path))
    async with chatting(settings, serve=running_webchat_app) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        empty = await team.say("inventarie")
        reference = await staff.file_order()
        await team.say_all(f"ta {reference}", f"klar {reference} inventarie larm A-100 lås =L-200")
        listed = (await team.say("Inventarielista"))[0]
        async with app.http.get(LINK.findall(listed)[0]) as response:
            status, kind, body = response.status, response.content_type, await response.text()
    async with app_database(settings) as database, database.transaction() as uow:
        audited = await uow.audit.for_order(reference)
    assert empty == [texts.INVENTORY_EMPTY]
    assert f"**{reference}** Greta Johansson, Storgatan 12: larm A-100, lås =L-200" in listed
    assert (status, kind) == (200, "text/csv")
    rows = [line.split(";") for line in body.lstrip("\ufeff").splitlines()]
    assert rows == [
        list(texts.CSV_HEADER),
        [
            reference,
            "Greta Johansson",
            "Storgatan 12, 582 23 Linköping",
            "A-100",
            "'=L-200",
            "mottagen av teamet",
            "",
        ],
    ]
    assert [
        (entry.actor_id, entry.action, entry.channel)
        for entry in audited
        if entry.action != AuditAction.CHANGE
    ] == [(ANNA[0], AuditAction.EXPORT, "http")]


async def test_the_download_is_refused_without_a_valid_team_link(database_url: str, tmp_path: Path) -> None:
    settings = on_free_port(team_settings(database_url, tmp_path))
    valid = tokens().issue(ANNA[0])
    forged = valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB")
    links = {
        "no token": "",
        "nonsense": "?token=nonsense",
        "altered": f"?token={forged}",
        "expired": f"?token={tokens(minutes_ago=11).issue(ANNA[0])}",
        "not in the team": f"?token={tokens().issue(STAFF[0])}",
        "valid": f"?token={valid}",
    }
    async with chatting(settings, serve=running_webchat_app) as app:
        answers = {}
        for name, query in links.items():
            async with app.http.get(f"{app.url}{PATH}{query}") as response:
                answers[name] = (response.status, await response.text())
    assert {name: status for name, (status, _) in answers.items()} == {
        name: 200 if name == "valid" else 403 for name in links
    }
    assert answers["expired"][1] == texts.DOWNLOAD_REFUSED
