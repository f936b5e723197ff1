"""The team's side of the service desk over HTTP: a ticket the desk refused is told and shown on `visa`."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from tests.support.chatting import chatting
from tests.support.rest_desk import RestDeskServer
from tests.support.team import ANNA, STAFF, team_settings


async def test_a_ticket_the_desk_refuses_is_told_to_the_team_and_shown_on_visa(
    database_url: str, tmp_path: Path
) -> None:
    async with RestDeskServer() as desk:
        settings = team_settings(database_url, tmp_path, **desk.app_values())
        desk.refuse_with = 400
        async with chatting(settings) as app:
            team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
            await team.say("registrera teamkanal")
            reference = await staff.file_order()
            failed = texts.NOTIFY_TEAM_TICKET_FAILED.format(reference=reference, unit="Hemtjänst Ryd")
            await team.wait_for(failed)
            shown = "\n".join(await team.say(f"visa {reference}"))
    assert f"{texts.LABEL_TICKET}: {texts.TICKET_STATE_NAMES['failed']}" in shown
    assert desk.posts == {reference: 1}
    assert desk.tickets == {}
