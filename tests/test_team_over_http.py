"""The team's work over HTTP, as channels deliver it: a staff chat and a team chat carry an order through."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from bot import texts
from bot.audit import AuditAction
from bot.notifications import LOCAL_TIME
from tests.support.chatting import chatting
from tests.support.http_helpers import PNR, app_database, order_service, stored_conversation
from tests.support.team import (
    ANNA,
    BO,
    BRUKARE,
    PORTKOD,
    STAFF,
    next_week,
    queued_for,
    team_settings,
    told,
)

FEEDBACK = (
    "Larmet är installerat och testat; brukaren har fått skriftlig information. Nyckeln är åter i skåpet."
)
OUTSIDER = ("staff-2", "Per Berg")
MENTION = "<at>Trygghetslarm-boten</at>"  # how Teams writes an @-mention of the bot in a channel
MENTION_ENTITY = {
    "type": "mention",
    "text": MENTION,
    "mentioned": {"id": "bot", "name": "Trygghetslarm-boten"},
}


async def test_an_order_goes_from_filing_to_återkoppling_and_the_orderer_hears_each_step(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    booked = next_week()
    async with chatting(settings) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        assert await team.say(f"{MENTION} Registrera teamkanal", entities=[MENTION_ENTITY]) == [
            texts.TEAM_CHANNEL_REGISTERED
        ]
        reference = await staff.file_order()
        await team.wait_for(reference)
        card = team.cards()[-1]
        assert {"answer": f"ta {reference}"} in [action["data"] for action in card["actions"]]
        await team.say(None, value=card["actions"][0]["data"])  # the card's "Ta ärendet" button
        await staff.wait_for(texts.NOTIFY_ORDERER_RECEIVED.split("{")[0])
        day = f"{booked.day}/{booked.month} 10.00"
        assert await team.say(f"boka {reference} {day} kontaktad dottern Anna") == [
            texts.BOOKED.format(
                reference=reference, when=f"{texts.when_text(booked)}, kontaktad: dottern Anna"
            )
        ]
        for done in ("installerat", "registrerat", "inventarie larm A-100 lås L-200", "Information"):
            await team.say(f"klar {reference} {done}")
        assert await team.say(f"avsluta {reference} {FEEDBACK}") == [
            texts.CLOSED_REPLY.format(reference=reference)
        ]
        await staff.wait_for(FEEDBACK)
    masked = f"{PNR[:8]}-XXXX"
    assert masked in str(card)
    assert PORTKOD not in team.posted() and PNR[8:] not in team.posted()
    assert staff.texts()[-3:] == [
        told(texts.NOTIFY_ORDERER_RECEIVED, reference, name=ANNA[1]),
        told(texts.NOTIFY_ORDERER_BOOKED, reference, when=texts.when_text(booked)),
        told(texts.NOTIFY_ORDERER_CLOSED, reference, feedback=FEEDBACK),
    ]
    async with order_service(settings) as orders:
        events = await orders.events(reference)
    assert [(event.kind, event.actor_id) for event in events] == [
        ("filed", STAFF[0]), ("received", ANNA[0]), ("booked", ANNA[0]),
        ("checklist:installerat", ANNA[0]), ("checklist:registrerat", ANNA[0]),
        ("checklist:inventarie", ANNA[0]), ("checklist:information", ANNA[0]), ("closed", ANNA[0]),
    ]  # fmt: skip


async def test_a_cancelled_order_leaves_the_open_list_and_the_orderer_hears_why(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, first, second = app.chat(ANNA), app.chat(STAFF), app.chat(OUTSIDER)
        kept, cancelled = await first.file_order(), await second.file_order()
        await team.say(f"ta {kept}")
        listed = (await team.say("ärenden"))[0]
        no_reason = await team.say(f"makulera {cancelled}")
        await team.say(f"makulera {cancelled} Brukaren har tackat nej till larm.")
        await second.wait_for("Brukaren har tackat nej till larm.")
        after = [await team.say(f"boka {cancelled} {next_week():%Y-%m-%d %H:%M}"), await team.say("Ärenden")]
    assert listed.splitlines() == [
        texts.OPEN_ORDERS_TITLE,
        f"- **{kept}** {BRUKARE} (Hemtjänst Ryd), inkom {_today()}: mottagen av teamet, {ANNA[1]}",
        f"- **{cancelled}** {BRUKARE} (Hemtjänst Ryd), inkom {_today()}: skickad till teamet, "
        f"{texts.NO_ASSIGNEE}",
    ]
    assert no_reason == [texts.REFUSE_CANCEL_WITHOUT_REASON]
    assert second.texts()[-1] == told(
        texts.NOTIFY_ORDERER_CANCELLED, cancelled, reason="Brukaren har tackat nej till larm."
    )
    assert after[0] == [texts.REFUSE_STATE.format(reference=cancelled, state="makulerad")]
    assert cancelled not in after[1][0] and kept in after[1][0]


async def test_refusals_answer_clearly_and_change_nothing(database_url: str, tmp_path: Path) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        anna, bo, staff, outsider = (
            app.chat(ANNA), app.chat(BO), app.chat(STAFF, "staff-chat"), app.chat(OUTSIDER, "outsider")
        )  # fmt: skip
        reference = await staff.file_order()
        from_outsider = [
            await outsider.say(text)
            for text in ("registrera teamkanal", "ärenden", f"ta {reference}", f"visa {reference}")
        ]
        helps = [await outsider.say("hjälp"), await anna.say("Hjälp")]
        before_taking = await anna.say(f"klar {reference} registrerat")
        await anna.say(f"ta {reference}")
        await staff.wait_for(texts.NOTIFY_ORDERER_RECEIVED.split("{")[0])
        refused = [
            await bo.say(f"ta {reference}"),
            await anna.say(f"avsluta {reference} Klart."),
            await anna.say(f"klar {reference} installerat"),
            await anna.say(f"klar {reference} allt"),
            await anna.say(f"klar {reference} inventarie A-100"),
            await anna.say(f"boka {reference} 2020-01-02 10:00"),
            await anna.say(f"boka {reference} snart"),
            await anna.say(f"boka {reference} 30/2 10:00"),
            await anna.say("ta VT-2026-9999"),
            await anna.say("ta"),
        ]
    assert from_outsider == [[texts.REFUSE_NOT_TEAM]] * 4
    assert helps == [[f"{texts.WELCOME}\n\n{texts.COMMANDS}"], [texts.TEAM_HELP]]
    assert before_taking == [texts.REFUSE_STATE.format(reference=reference, state="skickad till teamet")]
    assert [answer[0] for answer in refused] == [
        texts.REFUSE_ALREADY_TAKEN.format(reference=reference, name=ANNA[1]),
        texts.REFUSE_CLOSE_REMAINING.format(
            reference=reference, items="installerat, registrerat, inventarie, information"
        ),
        texts.REFUSE_INSTALL_BEFORE_BOOKING.format(reference=reference),
        texts.TICK_WHICH.format(reference=reference),
        texts.TICK_SERIALS.format(reference=reference),
        texts.WHEN_PAST.format(when="torsdag 2 januari 2020 kl. 10.00"),
        texts.WHEN_NOT_UNDERSTOOD,
        texts.WHEN_NO_SUCH_DATE,
        texts.ORDER_NOT_FOUND.format(reference="VT-2026-9999"),
        texts.TEAM_NEED_REFERENCE.format(verb="ta"),
    ]
    async with order_service(settings) as orders:
        events = await orders.events(reference)
    assert [event.kind for event in events] == ["filed", "received"]
    assert await queued_for(settings, "staff-chat") == 1
    outsiders_chat = await stored_conversation(settings, "outsider")
    assert outsiders_chat is not None and outsiders_chat["is_team_channel"] is False


async def test_two_members_taking_at_once_one_wins_and_the_other_is_told(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        anna, bo, staff = app.chat(ANNA, "anna-chat"), app.chat(BO, "bo-chat"), app.chat(STAFF, "staff")
        reference = await staff.file_order()
        answers = await asyncio.gather(anna.say(f"ta {reference}"), bo.say(f"ta {reference}"))
        await staff.wait_for(texts.NOTIFY_ORDERER_RECEIVED.split("{")[0])
    taken = [texts.TAKEN.format(reference=reference)]
    assert answers.count(taken) == 1
    winner, refusal = (ANNA, answers[1]) if answers[0] == taken else (BO, answers[0])
    assert refusal[0] in (
        texts.REFUSE_ALREADY_TAKEN.format(reference=reference, name=winner[1]),
        texts.REFUSE_CONCURRENT.format(reference=reference),
    )
    async with order_service(settings) as orders:
        events = await orders.events(reference)
    assert [(event.kind, event.actor_id) for event in events] == [
        ("filed", STAFF[0]),
        ("received", winner[0]),
    ]
    assert await queued_for(settings, "staff") == 1


async def test_visa_shows_everything_to_the_team_and_is_audited(database_url: str, tmp_path: Path) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        refused = await staff.say(f"visa {reference}")
        shown = await team.say(f"Visa {reference.lower()}")
    async with app_database(settings) as database, database.transaction() as uow:
        audited = await uow.audit.for_order(reference)
    assert refused == [texts.REFUSE_NOT_TEAM]
    assert PORTKOD in shown[0] and f"{PNR[:8]}-{PNR[8:]}" in shown[0]
    assert [
        (entry.actor_id, entry.action, entry.channel, entry.conversation)
        for entry in audited
        if entry.action != AuditAction.CHANGE
    ] == [(ANNA[0], AuditAction.VIEW, "emulator", "team-channel")]


def _today() -> str:
    return texts.date_text(datetime.now(LOCAL_TIME).date())
