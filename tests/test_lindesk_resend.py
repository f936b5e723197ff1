"""The team sends a ticket Lindesk refused once more (`skicka om`): the same ticket, filed once, audited."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import texts
from bot.access import AccessPolicy
from bot.domain import TeamMember, TicketState
from bot.orders import OrderService
from bot.settings import Settings
from bot.ticket_resend import REQUEUED, TicketResend
from bot.tickets import message_id
from bot.workflow import NotAllowed
from dialogs.team.commands import TeamCommand, Verb, parse_team_command
from tests.support.chatting import chatting
from tests.support.http_helpers import app_database, order_service
from tests.support.lindesk import TEAM_CONVERSATION, DeskApp, desk_app
from tests.support.rest_desk import DESK_TOKEN, RestDeskServer
from tests.support.smtp_desk import BOT_ADDRESS, SmtpDeskServer
from tests.support.team import ANNA, BO, POLL_SECONDS, STAFF, WAIT_ROUNDS, team_settings, wait_until
from tests.test_handling import queued_texts
from tests.test_lindesk_delivery import ORDERER_CONVERSATION, file_order
from tests.test_orders import complete_draft

ANNA_MEMBER, BO_MEMBER = TeamMember(user_id=ANNA[0], name=ANNA[1]), TeamMember(user_id=BO[0], name=BO[1])
FAILED = texts.NOTIFY_TEAM_TICKET_FAILED
SENT_4711 = f"{texts.LABEL_TICKET}: skickat till Lindesk, ärende 4711"


async def recorded_as_sent(settings: Settings, reference: str) -> None:
    """Wait (bounded) until the app has recorded the desk's answer to the order's ticket."""
    async with order_service(settings) as orders:
        for _ in range(WAIT_ROUNDS):
            order = await orders.get(reference)
            if order is not None and order.ticket is not None and order.ticket.state is TicketState.SENT:
                return
            await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"{reference}: the app never recorded the desk's answer")


def rest_settings(database_url: str, tmp_path: Path, desk: RestDeskServer) -> Settings:
    """The app with Anna and Bo in the team, filing tickets with `desk` over REST."""
    rest = {"ticket_system": "rest", "lindesk_rest_url": desk.url, "lindesk_rest_token": DESK_TOKEN}
    return team_settings(database_url, tmp_path, **rest)


def resend_service(app: DeskApp) -> TicketResend:
    return TicketResend(app.orders.database, AccessPolicy([ANNA[0], BO[0]]), app.clock)


async def refused_order(app: DeskApp) -> str:
    """An order whose ticket the desk (refusing for now) made a dead letter; its reference."""
    reference = await file_order(app)
    await app.deliver()
    assert await app.ticket_items() == [(reference, "dead")]
    return reference


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("skicka om VT-2026-0042", TeamCommand(Verb.RESEND, "VT-2026-0042")),
        ("Skicka igen vt2026-0042", TeamCommand(Verb.RESEND, "VT-2026-0042")),
        ("skika om VT-2026-0042", TeamCommand(Verb.RESEND, "VT-2026-0042")),
        ("skicka om", TeamCommand(Verb.RESEND)),  # the reference is missing
        ("skicka VT-2026-0042", None),
    ],
)
def test_re_send_is_recognised_with_or_without_its_reference(typed: str, command: TeamCommand | None) -> None:
    assert parse_team_command(typed) == command


async def test_the_team_re_sends_a_refused_ticket_over_http_and_the_desk_files_it_once(
    database_url: str, tmp_path: Path
) -> None:
    async with RestDeskServer() as desk:
        settings = rest_settings(database_url, tmp_path, desk)
        desk.refuse_with = 400
        async with chatting(settings) as app:
            anna, bo = app.chat(ANNA, "team-channel"), app.chat(BO, "team-chat-bo")
            await anna.say("registrera teamkanal")
            reference = await app.chat(STAFF, "staff-chat").file_order()
            await anna.wait_for(FAILED.format(reference=reference, unit="Hemtjänst Ryd"))
            desk.refuse_with = None  # the desk's problem is fixed
            answers = await asyncio.gather(
                anna.say(f"skicka om {reference}"), bo.say(f"skicka om {reference}")
            )
            await wait_until(lambda: reference in desk.tickets, lambda: desk.posts)
            await recorded_as_sent(settings, reference)  # the desk has it a moment before the app knows
            shown = "\n".join(await anna.say(f"visa {reference}"))
        async with app_database(settings) as database, database.transaction() as uow:
            audit = await uow.audit.for_order(reference)
            events = await uow.events.for_order(reference)
    replies = sorted("\n".join(said) for said in answers)  # two at once: re-queued once
    assert replies[0] == texts.RESENT.format(reference=reference)
    assert replies[1].startswith(f"{reference} behöver inte skickas om")
    assert list(desk.tickets) == [reference]
    assert desk.posts == {reference: 2}  # the refused try and the re-sent one, under one Idempotency-Key
    assert desk.tickets[reference]["reference"] == reference
    assert SENT_4711 in shown
    assert texts.TICKET_STATE_NAMES["failed"] not in shown
    [requeue] = [entry for entry in audit if entry.detail == REQUEUED]
    assert (requeue.actor_id, requeue.action) in {(ANNA[0], "change"), (BO[0], "change")}
    assert requeue.channel == "emulator"
    assert [event.detail for event in events if event.kind == REQUEUED] == ["REST 400"]  # the last error


async def test_re_send_is_refused_without_a_change_when_there_is_nothing_to_re_send(
    database_url: str, tmp_path: Path
) -> None:
    async with RestDeskServer() as desk:
        settings = rest_settings(database_url, tmp_path, desk)
        async with chatting(settings) as app:
            team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
            await team.say("registrera teamkanal")
            reference = await staff.file_order()
            await wait_until(lambda: reference in desk.tickets, lambda: desk.posts)
            await recorded_as_sent(settings, reference)
            await team.wait_for(reference)  # the new-order notice, before the replies we read
            help_text = "\n".join(await team.say("hjälp"))
            sent_already = "\n".join(await team.say(f"skicka om {reference}"))
            unknown = "\n".join(await team.say("skicka om VT-2020-9999"))
            no_reference = "\n".join(await team.say("skicka om"))
            by_staff = "\n".join(await staff.say(f"skicka om {reference}"))
            shown = "\n".join(await team.say(f"visa {reference}"))
    assert "skicka om VT-2026-0042" in help_text
    assert sent_already == texts.RESEND_NOT_REFUSED.format(
        reference=reference, label=texts.LABEL_TICKET, state="skickat till Lindesk, ärende 4711"
    )
    assert unknown == texts.ORDER_NOT_FOUND.format(reference="VT-2020-9999")
    assert no_reference == texts.TEAM_NEED_REFERENCE.format(verb="skicka om")
    assert by_staff == texts.REFUSE_NOT_TEAM
    assert desk.posts == {reference: 1}
    assert SENT_4711 in shown


async def test_an_e_mail_ticket_re_sent_keeps_its_message_id_and_subject(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        smtp.refuse_with = "550 5.1.1 No such mailbox"
        reference = await refused_order(app)
        smtp.refuse_with = None
        await resend_service(app).resend(reference, ANNA_MEMBER)
        await app.deliver()
        items = await app.ticket_items()
    [mail] = smtp.received
    assert mail["Message-ID"] == message_id(reference, BOT_ADDRESS)
    assert mail["Subject"].startswith(reference)
    assert items == [(reference, "sent")]


async def test_two_members_re_sending_at_once_re_queue_it_once(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.refuse_with = 400
        reference = await refused_order(app)
        desk.refuse_with = None
        service = resend_service(app)
        outcomes = await asyncio.gather(
            service.resend(reference, ANNA_MEMBER),
            service.resend(reference, BO_MEMBER),
            return_exceptions=True,
        )
        await app.deliver()
        events = await app.orders.events(reference)
    refusals = [outcome for outcome in outcomes if isinstance(outcome, NotAllowed)]
    assert len(refusals) == 1 and len(outcomes) == 2
    assert "behöver inte skickas om" in refusals[0].message
    assert [event.kind for event in events].count(REQUEUED) == 1
    assert desk.posts == {reference: 2}
    assert list(desk.tickets) == [reference]


async def test_a_re_sent_ticket_refused_again_is_told_to_the_team_again(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.refuse_with = 422
        reference = await refused_order(app)
        await resend_service(app).resend(reference, ANNA_MEMBER)
        await app.deliver()
        team = await queued_texts(app.orders, TEAM_CONVERSATION)
        items = await app.ticket_items()
    assert team.count(FAILED.format(reference=reference, unit="Hemtjänst Ryd")) == 2
    assert items == [(reference, "dead")]
    assert desk.posts == {reference: 2}


async def test_an_orderer_told_of_a_delay_is_told_when_the_re_sent_ticket_arrives(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.fail_next, desk.refuse_with = 1, 400  # the desk is down, then refuses
        reference = await file_order(app)
        await app.deliver()
        await app.deliver_later()
        desk.refuse_with = None
        await resend_service(app).resend(reference, ANNA_MEMBER)
        await app.deliver()
        told = await queued_texts(app.orders, ORDERER_CONVERSATION)
    assert told == [
        texts.NOTIFY_ORDERER_TICKET_DELAYED.format(reference=reference),
        texts.NOTIFY_ORDERER_TICKET_SENT.format(reference=reference, brukare="Greta Johansson"),
    ]


async def test_an_order_the_team_works_in_chat_has_nothing_to_re_send(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        in_chat = OrderService(app.orders.database, app.clock)  # TICKET_SYSTEM=embedded
        order = await in_chat.file(complete_draft(), ORDERER_CONVERSATION)
        with pytest.raises(NotAllowed) as refused:
            await resend_service(app).resend(order.reference, ANNA_MEMBER)
        outsider = TicketResend(app.orders.database, AccessPolicy([BO[0]]), app.clock)
        with pytest.raises(NotAllowed) as not_team:
            await outsider.resend(order.reference, ANNA_MEMBER)
    assert refused.value.message == texts.RESEND_NO_TICKET.format(reference=order.reference)
    assert not_team.value.message == texts.REFUSE_NOT_TEAM
    assert desk.posts == {}
