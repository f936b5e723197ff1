"""Proactive messages over HTTP: after a restart, through a connector outage, to a removed bot, mid-order."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from tests.support.chatting import chatting
from tests.support.http_helpers import stored_conversation
from tests.support.team import (
    ANNA,
    STAFF,
    next_week,
    team_settings,
    told,
    wait_until,
)

RECEIVED = texts.NOTIFY_ORDERER_RECEIVED.split("{")[0]  # how the orderer's "received" notice begins
BOOKED = texts.NOTIFY_ORDERER_BOOKED.split("{")[0]
FILED_NOTICE = texts.NOTIFY_TEAM_FILED.split("{")[0]


async def test_notifications_arrive_after_a_restart_between_filing_and_handling(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        connector, team, staff = app.connector, app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        await team.say("registrera teamkanal")
        connector.refuse["team-channel"] = 503  # the team's notice is still waiting when the app stops
        reference = await staff.file_order()
        await wait_until(lambda: connector.refused["team-channel"] > 0, lambda: connector.refused)
        await app.stop()
        del connector.refuse["team-channel"]
        await app.start()  # a new app on the same database and data dir
        await team.wait_for(reference)
        await team.say(f"ta {reference}")
        told = await staff.wait_for(RECEIVED)
    assert sum(FILED_NOTICE in text for text in team.texts()) == 1
    assert told[-1].startswith(RECEIVED) and reference in told[-1]


async def test_notices_held_up_by_a_connector_outage_arrive_once_and_in_order_after_it(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    booked = next_week()
    async with chatting(settings) as app:
        connector, team, staff = app.connector, app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        connector.refuse["staff-chat"] = 503
        await team.say(f"ta {reference}")
        await wait_until(lambda: connector.refused["staff-chat"] >= 3, lambda: connector.refused)
        await team.say(f"boka {reference} {booked.day}/{booked.month} 10.00")  # queued behind the first
        tries = connector.refused["staff-chat"]
        await wait_until(lambda: connector.refused["staff-chat"] >= tries + 2, lambda: connector.refused)
        del connector.refuse["staff-chat"]
        await staff.wait_for(BOOKED)
        await team.say(f"makulera {reference} Brukaren flyttar.")  # a later notice: the rounds in between
        await staff.wait_for("Brukaren flyttar.")  # would have sent any notice twice by now
    notices = [
        told(texts.NOTIFY_ORDERER_RECEIVED, reference, name=ANNA[1]),
        told(texts.NOTIFY_ORDERER_BOOKED, reference, when=texts.when_text(booked)),
        told(texts.NOTIFY_ORDERER_CANCELLED, reference, reason="Brukaren flyttar."),
    ]
    assert [text for text in staff.texts() if text in notices] == notices


async def test_an_orderer_who_removed_the_bot_is_marked_unreachable_and_the_team_is_told(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        await team.say("registrera teamkanal")
        reference = await staff.file_order()
        app.connector.refuse["staff-chat"] = 403
        await team.say(f"ta {reference}")
        told = await team.wait_for(texts.NOTIFY_TEAM_UNREACHABLE.split("{")[0])
    assert told[-1] == texts.NOTIFY_TEAM_UNREACHABLE.format(reference=reference, unit="Hemtjänst Ryd")
    assert app.connector.refused["staff-chat"] == 1  # not retried
    stored = await stored_conversation(settings, "staff-chat")
    assert stored is not None and stored["unreachable"] is True


async def test_a_notice_arriving_mid_order_does_not_disturb_that_order(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        asked = await staff.say_all("beställ", "ja", "ja", "ja")  # the orderer is remembered from the first
        await team.say(f"ta {reference}")
        await staff.wait_for(RECEIVED)
        next_question = await staff.say("Sven Karlsson")
    assert texts.ASK_BRUKARE_NAME in asked[-1]
    assert next_question == [texts.ASK_PERSONNUMMER]
