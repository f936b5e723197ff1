"""After filing, over HTTP: the orderer and the team work on one order, and Lindesk is kept in step.

The whole app runs on loopback with a Bot Framework connector receiving its messages (and, for the
desk, a REST desk); where a reminder or the undo window needs time to pass, the app goes by a clock
the test moves ahead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path

from bot import texts
from bot.audit import AuditAction
from bot.domain import OrderState
from bot.local_time import LOCAL_TIME, local
from bot.settings import Settings
from bot.threads import ThreadDirectory, in_thread
from tests.support.app_server import ShiftedClock, running_app
from tests.support.chatting import RunningApp, chatting
from tests.support.desk_events import SECRET, DeskSide
from tests.support.http_helpers import ORDER_STEPS, app_database, order_service
from tests.support.rest_desk import RestDeskServer
from tests.support.team import ANNA, BO, BRUKARE, PORTKOD, STAFF, NamedChat, team_settings, wait_until
from tests.test_teams_threads import CHANNEL, card_of
from tests.test_tenants_over_http import HOME, TeamsChat

UNIT = "Hemtjänst Ryd"  # the unit the whole order in http_helpers is filed under
NEW_PHONE = "070-174 06 99"
NEW_PORTKOD = "5R18W"  # distinctive, so its absence from the team's posts can be checked
QUESTION = "Portkoden fungerar inte, har ni en ny?"
OUTSIDER = ("staff-2", "Per Berg")
OTHER_UNIT = {"unit": "Hemtjänst Lambohov", "orderer_name": OUTSIDER[1]}
OTHER_UNITS_ORDER = [*(OTHER_UNIT.get(step, answer) for step, answer in ORDER_STEPS), "ja"]


def team_line(template: str, reference: str, **values: str) -> str:
    """A line in the team's conversation about something the orderer (Karin, of Hemtjänst Ryd) did."""
    return template.format(reference=reference, actor=STAFF[1], unit=UNIT, **values)


def buttons(chat: NamedChat) -> list[str]:
    """What the buttons under the bot's latest message in `chat` would write."""
    latest = chat.connector.received[chat.conversation_id][-1]
    return [action["value"] for action in (latest.get("suggestedActions") or {}).get("actions", [])]


@asynccontextmanager
async def chatting_at(settings: Settings, clock: ShiftedClock) -> AsyncIterator[RunningApp]:
    """The app going by `clock`, also after a restart."""
    async with chatting(settings, partial(running_app, clock=clock)) as app:
        yield app


async def registered_team(app: RunningApp) -> NamedChat:
    """Anna's conversation, registered as the team's: it gets every event of every order."""
    team = app.chat(ANNA, "team-channel")
    assert await team.say("registrera teamkanal") == [texts.TEAM_CHANNEL_REGISTERED]
    return team


async def test_a_change_is_confirmed_and_told_to_the_team_but_a_new_portkod_is_not_shown(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff = await registered_team(app), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        phone = await staff.say(f"ändra {reference} telefon {NEW_PHONE}")
        await team.wait_for(NEW_PHONE)
        portkod = await staff.say(f"ändra {reference} portkod {NEW_PORTKOD}")
        await team.wait_for(f"{STAFF[1]} ({UNIT}) ändrade portkod")
        posted_to_team = team.posted()
        shown = "\n".join(await team.say(f"visa {reference}"))
    assert phone == [texts.CHANGE_DONE.format(reference=reference, field="telefon", value=NEW_PHONE)]
    assert portkod == [texts.CHANGE_DONE.format(reference=reference, field="portkod", value=NEW_PORTKOD)]
    told_team = [text for text in team.texts() if text.startswith(f"**{reference}**")]
    assert told_team == [
        team_line(texts.TEAM_EVENT_CHANGED, reference, field="telefon", value=NEW_PHONE),
        team_line(texts.TEAM_EVENT_CHANGED, reference, field="portkod", value=texts.CHANGE_PORTKOD_HIDDEN),
    ]
    assert NEW_PORTKOD in shown  # on `visa` only
    assert NEW_PORTKOD not in posted_to_team and PORTKOD not in posted_to_team


async def test_a_cancellation_asks_for_the_reason_and_a_yes_and_the_team_is_told_the_reason(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    reason = "Brukaren har tackat nej till larm."
    async with chatting(settings) as app:
        team, staff = await registered_team(app), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        asked = await staff.say(f"avbeställ {reference}")
        confirm = await staff.say(reason)
        done = await staff.say("ja")
        await team.wait_for(reason)
        history = (await staff.say(f"historik {reference}"))[0]
        too_late = await staff.say(f"ändra {reference} telefon {NEW_PHONE}")
    assert asked == [texts.CANCEL_ASK_REASON.format(reference=reference)]
    assert confirm == [texts.CANCEL_CONFIRM.format(reference=reference, reason=reason)]
    assert done == [texts.CANCEL_DONE.format(reference=reference)]
    assert team.texts()[-1] == team_line(texts.TEAM_EVENT_CANCELLED, reference, text=reason)
    assert texts.STATE_NAMES[OrderState.CANCELLED] in history.splitlines()[0]
    assert history.splitlines()[-1].endswith(f"makulerad av {STAFF[1]}: {reason}")
    assert too_late == [texts.REFUSE_CHANGE_STATE.format(reference=reference)]


async def test_a_paused_order_is_reminded_once_on_the_morning_it_ends_also_across_restarts(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    clock = ShiftedClock()
    day = local(clock()).date() + timedelta(days=3)
    reminders = {"team": texts.REMIND_TEAM_PAUSE_END, "orderer": texts.REMIND_ORDERER_PAUSE_END}
    async with chatting_at(settings, clock) as app:
        team, staff = await registered_team(app), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        team_reminder, orderer_reminder = (
            text.format(reference=reference, brukare=BRUKARE, unit=UNIT) for text in reminders.values()
        )
        paused = await staff.say(f"vänta {reference} till {day.isoformat()} korttidsboende")
        await team.wait_for("korttidsboende")
        await app.restart()
        clock.move_to(datetime.combine(day, time(7, 0), tzinfo=LOCAL_TIME))  # that morning, too early
        await team.say(f"ta {reference}")  # something both hear, after which an early reminder would show
        await staff.wait_for(texts.NOTIFY_ORDERER_RECEIVED.split("{")[0])
        early = [*team.texts(), *staff.texts()]
        clock.move_to(datetime.combine(day, time(8, 0), tzinfo=LOCAL_TIME))
        await team.wait_for(team_reminder)
        await staff.wait_for(orderer_reminder)
        await app.restart()
        await team.say(f"fråga {reference} {QUESTION}")  # a later message to both: a reminder sent
        await staff.wait_for(QUESTION)  # twice would have arrived by now
        await team.wait_for(QUESTION)
    assert paused == [texts.PAUSE_DONE.format(reference=reference, until=texts.date_text(day))]
    assert (
        team_line(texts.TEAM_EVENT_PAUSED, reference, until=texts.date_text(day), reason="korttidsboende")
        in team.texts()
    )
    assert team_reminder not in early and orderer_reminder not in early
    assert team.texts().count(team_reminder) == 1
    assert staff.texts().count(orderer_reminder) == 1


async def test_the_teams_question_reaches_the_orderer_whose_plain_reply_is_the_answer_unless_taken_back(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)  # ANSWER_UNDO_SECONDS: the default minute
    clock = ShiftedClock()
    async with chatting_at(settings, clock) as app:
        team, staff = await registered_team(app), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        asked = await team.say(f"fråga {reference} {QUESTION}")
        question = await staff.wait_for(QUESTION)
        first = await staff.say("Ny kod är 2468")
        undo_button = buttons(staff)
        undone = await staff.say(undo_button[0])  # within the minute: the team never gets it
        second = await staff.say("Ny kod är 1357, den gamla är borttagen.")
        clock.move_to(clock() + timedelta(seconds=settings.answer_undo_seconds + 1))
        await team.wait_for("Ny kod är 1357")
    assert asked == [texts.ASK_SENT.format(reference=reference, unit=UNIT)]
    assert question[-1] == texts.NOTIFY_ORDERER_QUESTION.format(
        reference=reference, brukare=BRUKARE, text=QUESTION
    )
    sent = texts.ANSWER_SENT.format(reference=reference, seconds=int(settings.answer_undo_seconds))
    assert first == [sent] and second == [sent]
    assert undo_button == [f"{texts.BUTTON_UNDO} {reference}"]
    assert undone == [texts.UNDO_DONE.format(reference=reference)]
    assert team.texts()[-1] == team_line(
        texts.TEAM_EVENT_ANSWER, reference, number="1", text="Ny kod är 1357, den gamla är borttagen."
    )
    assert "2468" not in team.posted()


async def test_in_a_teams_channel_each_order_is_a_thread_whose_root_card_is_kept_current(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path, microsoft_app_tenant_id=HOME)
    async with chatting(settings) as app:
        channel, staff = TeamsChat(app, ANNA, HOME, CHANNEL, kind="channel"), TeamsChat(app, STAFF, HOME)
        await channel.say("registrera teamkanal")
        reference = await staff.file_order()
        await channel.wait_for(reference)
        root = [given for conversation, given in app.connector.posted if conversation == CHANNEL][-1]
        thread = TeamsChat(app, BO, HOME, in_thread(CHANNEL, root), kind="channel")
        await staff.say(f"ändra {reference} telefon {NEW_PHONE}")
        await thread.wait_for(NEW_PHONE)
        card_after_change = app.connector.updated[root][-1]
        await thread.say("fråga Har ni en ny portkod?")  # in the order's thread: no reference
        await staff.wait_for("Har ni en ny portkod?")
        await wait_until(lambda: len(app.connector.updated[root]) == 2, lambda: app.connector.updated)
    async with app_database(settings) as database:
        recorded = await ThreadDirectory(database).root(reference, CHANNEL)
    assert recorded == root
    assert sum(reference in text for text in channel.texts()) == 1  # the root, and nothing else
    assert thread.texts() == [
        team_line(texts.TEAM_EVENT_CHANGED, reference, field="telefon", value=NEW_PHONE),
        texts.ASK_SENT.format(reference=reference, unit=UNIT),
        texts.TEAM_EVENT_QUESTION.format(
            reference=reference, number=1, unit=UNIT, actor=BO[1], text="Har ni en ny portkod?"
        ),
    ]
    updates = app.connector.updated[root]
    assert [(update.conversation, update.activity["id"]) for update in updates] == [(CHANNEL, root)] * 2
    assert NEW_PHONE in str(card_of(card_after_change.activity))
    assert PORTKOD not in f"{updates}{channel.posted()}{thread.posted()}"  # the team never sees it
    assert texts.TEAM_WAITING.split("{")[0] in str(card_of(updates[-1].activity))


async def test_the_desk_gets_a_change_once_after_an_outage_and_its_comment_reaches_team_and_orderer(
    database_url: str, tmp_path: Path
) -> None:
    comment = "Vi har ringt dottern, installation nästa vecka."
    async with RestDeskServer() as desk:
        values = desk.app_values() | {"lindesk_webhook_secret": SECRET}
        settings = team_settings(database_url, tmp_path, **values)
        desk.refuse_with = 503  # the desk is down
        async with chatting(settings) as app:
            team, staff = await registered_team(app), app.chat(STAFF, "staff-chat")
            reference = await staff.file_order()
            await staff.say(f"ändra {reference} telefon {NEW_PHONE}")
            tries = desk.posts[reference]
            await wait_until(lambda: desk.posts[reference] >= tries + 2, lambda: desk.posts)  # still down
            desk.refuse_with = None
            await wait_until(lambda: len(desk.comments) == 1, lambda: desk.arrivals)
            lindesk = DeskSide(app.http, app.url, settings, desk)
            first = await lindesk.send(reference=reference, status="comment", comment=comment, id="c-17")
            replay = await lindesk.send(reference=reference, status="comment", comment=comment, id="c-17")
            await team.wait_for(comment)
            await staff.wait_for(comment)
            await staff.say(f"meddela {reference} Brukaren är hemma efter kl 10")  # later updates and
            await team.say(f"fråga {reference} {QUESTION}")  # messages: a comment told twice, or one
            await staff.wait_for(QUESTION)  # sent back to the desk, would be there by now
            await wait_until(lambda: len(desk.comments) == 3, lambda: desk.arrivals)
    assert [first, replay] == [(200, {"result": "applied"}), (200, {"result": "unchanged"})]
    assert desk.arrivals[0] == reference  # the ticket first, then its updates, each taken once
    updates = [desk.comments[key]["text"] for key in desk.arrivals[1:]]
    assert all(desk.posts[key] == 1 for key in desk.arrivals[1:])
    assert [NEW_PHONE in updates[0], "hemma efter kl 10" in updates[1], QUESTION in updates[2]] == [True] * 3
    assert not any(comment in update for update in updates)  # the desk's own comment never went back
    assert team.texts().count(texts.TEAM_EVENT_DESK_COMMENT.format(reference=reference, text=comment)) == 1
    told_orderer = texts.NOTIFY_ORDERER_DESK_COMMENT.format(
        reference=reference, brukare=BRUKARE, text=comment
    )
    assert staff.texts().count(told_orderer) == 1


async def test_staff_of_another_unit_are_refused_nothing_changes_and_the_attempt_is_audited(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        team, staff, outsider = await registered_team(app), app.chat(STAFF), app.chat(OUTSIDER, "outsider")
        reference = await staff.file_order()
        await outsider.file_order(OTHER_UNITS_ORDER)  # staff of Hemtjänst Lambohov, known as such
        refused = [
            await outsider.say(f"avbeställ {reference} Fel brukare."),
            await outsider.say(f"historik {reference}"),
        ]
        history = (await staff.say(f"historik {reference}"))[0]
        await staff.say(f"meddela {reference} Nyckeln finns i nyckelskåpet")  # what reaches the team
        await team.wait_for("Nyckeln finns i nyckelskåpet")  # after the refusals
    async with order_service(settings) as orders:
        events = [event.kind for event in await orders.events(reference)]
        order = await orders.get(reference)
    async with app_database(settings) as database, database.transaction() as uow:
        audited = await uow.audit.for_order(reference)
    assert refused == [[texts.REFUSE_NOT_YOURS.format(reference=reference)]] * 2
    assert events == ["filed", "message"] and order is not None and order.state is OrderState.FILED
    assert "makulerad" not in history
    told_team = [text for text in team.texts() if reference in text]
    assert told_team[1:] == [
        team_line(texts.TEAM_EVENT_MESSAGE, reference, text="Nyckeln finns i nyckelskåpet")
    ]  # after the filed notice
    assert [
        (entry.actor_id, entry.detail, entry.conversation)
        for entry in audited
        if entry.action == AuditAction.REFUSED
    ] == [(OUTSIDER[0], "cancel", "outsider"), (OUTSIDER[0], "history", "outsider")]
