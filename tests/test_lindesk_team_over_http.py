"""The team's side of the service desk over HTTP: a ticket the desk refused is told and shown on `visa`."""

from __future__ import annotations

from pathlib import Path

from aiohttp import ClientSession

from bot import texts
from tests.support.app_server import running_app
from tests.support.connector import LoopbackConnector
from tests.support.rest_desk import DESK_TOKEN, RestDeskServer
from tests.support.team import ANNA, STAFF, Line, team_settings


async def test_a_ticket_the_desk_refuses_is_told_to_the_team_and_shown_on_visa(
    database_url: str, tmp_path: Path
) -> None:
    async with RestDeskServer() as desk, LoopbackConnector() as connector, ClientSession() as session:
        settings = team_settings(
            database_url,
            tmp_path,
            ticket_system="rest",
            lindesk_rest_url=desk.url,
            lindesk_rest_token=DESK_TOKEN,
        )
        desk.refuse_with = 400
        async with running_app(settings) as url:
            line = Line(session, url, connector)
            team, staff = line.chat(ANNA, "team-channel"), line.chat(STAFF, "staff-chat")
            await team.say("registrera teamkanal")
            reference = await staff.file_order()
            failed = texts.NOTIFY_TEAM_TICKET_FAILED.format(reference=reference, unit="Hemtjänst Ryd")
            await team.wait_for(failed)
            shown = "\n".join(await team.say(f"visa {reference}"))
    assert f"{texts.LABEL_TICKET}: {texts.TICKET_STATE_NAMES['failed']}" in shown
    assert desk.posts == {reference: 1}
    assert desk.tickets == {}
