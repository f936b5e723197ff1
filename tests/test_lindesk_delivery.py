"""Orders reach the service desk exactly once, through outages, over real SMTP and HTTP on loopback."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.domain import TicketState
from bot.orders import OrderService
from bot.outbox import OutboxChannel
from bot.outbox_worker import RetryLater
from bot.tickets import message_id, ticket_facts, ticket_for
from tests.support.lindesk import TEAM_CONVERSATION, DeskApp, SteppingClock, desk_app
from tests.support.rest_desk import RestDeskServer
from tests.support.smtp_desk import BOT_ADDRESS, DESK_ADDRESS, SmtpDeskServer, self_signed_tls
from tests.test_handling import queued_texts
from tests.test_orders import PNR, complete_draft

ORDERER_CONVERSATION = "conv-staff"


async def file_order(app: DeskApp, user_id: str = "staff-1") -> str:
    order = await app.orders.file(complete_draft(user_id=user_id), ORDERER_CONVERSATION)
    return order.reference


async def test_an_smtp_outage_delays_the_ticket_and_recovery_delivers_it_once(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        before = await file_order(app, "staff-0")
        await app.deliver()
        await smtp.stop()  # the desk goes down
        reference = await file_order(app)
        await app.deliver()
        await app.deliver_later()
        delayed = await app.order(reference)
        told_while_down = await queued_texts(app.orders, ORDERER_CONVERSATION)
        await smtp.start()  # and comes back
        await app.deliver_later()
        await app.deliver_later()
        sent = await app.order(reference)
        told = await queued_texts(app.orders, ORDERER_CONVERSATION)
    assert [mail["Subject"].split()[0] for mail in smtp.received] == [before, reference]
    assert delayed.ticket is not None and delayed.ticket.state is TicketState.DELAYED
    assert told_while_down == [texts.NOTIFY_ORDERER_TICKET_DELAYED.format(reference=reference)]
    assert sent.ticket is not None and sent.ticket.state is TicketState.SENT
    assert told == [
        texts.NOTIFY_ORDERER_TICKET_DELAYED.format(reference=reference),
        texts.NOTIFY_ORDERER_TICKET_SENT.format(reference=reference, brukare="Greta Johansson"),
    ]


async def test_the_e_mail_is_the_routine_s_list_with_subject_and_message_id(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        reference = await file_order(app)
        await app.deliver()
        told = await queued_texts(app.orders, ORDERER_CONVERSATION)
    [mail] = smtp.received
    body = mail.get_content()
    assert mail["Subject"].startswith(reference)
    assert mail["Message-ID"] == message_id(reference, BOT_ADDRESS)
    assert (mail["From"], mail["To"]) == (BOT_ADDRESS, DESK_ADDRESS)
    expected_in_order = [
        "Vård, Stöd och Omsorg > Välfärdsteknik > Digitalt trygghetslarm > Nytt larm med digital låsenhet",
        "Brukare: Greta Johansson",
        f"Personnummer: {PNR[:8]}-{PNR[8:]}",
        "Adress: Storgatan 12, 582 23 Linköping",
        "Telefon: 070-174 06 05",
        "Portkod: 4321",
        "Nyckel: kvitterad och i nyckelskåpet",
        "Ytterport: ingen nyckel eller tagg behövs",
        "Kontakt för bokning: brukaren",
        "Beställare: Karin Andersson, Hemtjänst Ryd, 070-174 06 10",
        texts.TICKET_CONFIRM_TRESERVA,
        texts.TICKET_CONFIRM_KEY_RECEIPT,
        texts.TICKET_CONFIRM_JOURNAL,
    ]
    positions = [body.index(line) for line in expected_in_order]
    assert positions == sorted(positions)
    assert told == []  # the desk answered at once: nothing more to say than "registrerad"


async def test_starttls_and_login_when_configured(database_url: str, tmp_path: Path) -> None:
    tls, certificate = self_signed_tls(tmp_path)
    smtp = SmtpDeskServer(tls=tls, users={"trygghetslarm": "hemligt-lösen"})
    client = smtp.client(
        lindesk_smtp_starttls=True,
        lindesk_smtp_ca_file=str(certificate),
        lindesk_smtp_user="trygghetslarm",
        lindesk_smtp_password="hemligt-lösen",
    )
    async with smtp, desk_app(database_url, client) as app:
        reference = await file_order(app)
        await app.deliver()
        order = await app.order(reference)
    assert smtp.logins == ["trygghetslarm"]
    assert len(smtp.tickets) == 1
    assert order.ticket is not None and order.ticket.state is TicketState.SENT


async def test_smtp_4xx_is_retried_and_5xx_is_a_dead_letter_the_team_hears_of(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        smtp.refuse_with = "451 4.3.0 Mailbox busy, try again"
        reference = await file_order(app)
        await app.deliver()
        after_4xx = await app.order(reference)
        smtp.refuse_with = "550 5.1.1 No such mailbox"
        await app.deliver_later()
        after_5xx = await app.order(reference)
        team = await queued_texts(app.orders, TEAM_CONVERSATION)
    assert after_4xx.ticket is not None and after_4xx.ticket.state is TicketState.DELAYED
    assert after_5xx.ticket is not None and after_5xx.ticket.state is TicketState.FAILED
    assert team[-1] == texts.NOTIFY_TEAM_TICKET_FAILED.format(reference=reference, unit="Hemtjänst Ryd")


async def test_a_rest_desk_that_fails_then_accepts_gets_one_ticket_with_one_key(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.fail_next = 3
        reference = await file_order(app)
        for _ in range(4):
            await app.deliver_later()
        order = await app.order(reference)
    assert list(desk.tickets) == [reference]
    assert desk.posts == {reference: 4}  # every try carried the reference as Idempotency-Key
    assert order.ticket is not None and order.ticket.desk_id == "4711"
    assert ticket_facts(order) == [(texts.LABEL_TICKET, "skickat till Lindesk, ärende 4711")]
    ticket = desk.tickets[reference]
    assert ticket["care_recipient"]["personal_identity_number"] == complete_draft().personnummer
    assert ticket["care_recipient"]["phone"] == "+46701740605"
    assert ticket["care_recipient"]["door_code"] == "4321"
    assert ticket["booking_contacts"] == [
        {"kind": "care_recipient", "name": None, "relation": None, "phone": None}
    ]


async def test_busy_or_failing_desk_answers_are_retried(database_url: str) -> None:
    statuses = [408, 409, 429, 500, 503]  # 409: the same Idempotency-Key is still being handled
    states = []
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        for n, status in enumerate(statuses):
            desk.fail_next, desk.fail_status = 1, status
            reference = await file_order(app, f"staff-{n}")
            await app.deliver()
            delayed = await app.order(reference)
            await app.deliver_later()
            sent = await app.order(reference)
            states.append((delayed.ticket and delayed.ticket.state, sent.ticket and sent.ticket.state))
    assert states == [(TicketState.DELAYED, TicketState.SENT)] * len(statuses)
    assert len(desk.tickets) == len(statuses)


async def test_a_desk_that_refuses_the_ticket_is_a_dead_letter_the_team_hears_of(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.refuse_with = 400
        reference = await file_order(app)
        await app.deliver()
        await app.deliver_later()
        order = await app.order(reference)
        team = await queued_texts(app.orders, TEAM_CONVERSATION)
        items = await app.ticket_items()
    assert desk.posts == {reference: 1}  # refused for good: not tried again
    assert items == [(reference, "dead")]
    assert team[-1] == texts.NOTIFY_TEAM_TICKET_FAILED.format(reference=reference, unit="Hemtjänst Ryd")
    assert ticket_facts(order) == [(texts.LABEL_TICKET, "kunde inte skickas till Lindesk")]


async def test_an_app_killed_between_sending_and_recording_does_not_make_a_second_ticket(
    database_url: str,
) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        reference = await file_order(app)
        async with app.orders.database.transaction() as uow:  # the first instance claims and sends ...
            [item] = await uow.outbox.claim([OutboxChannel.LINDESK], app.clock(), app.worker.lease, 10)
        await app.desk.file(ticket_for(await app.order(reference)))
        app.clock.advance((app.worker.lease + timedelta(seconds=1)).total_seconds())  # ... and dies
        await app.deliver()  # a restarted instance finds the lease expired and sends again
        order = await app.order(reference)
        items = await app.ticket_items()
    assert item.reference == reference
    assert desk.posts == {reference: 2}
    assert len(desk.tickets) == 1
    assert order.ticket is not None and order.ticket.desk_id == "4711"
    assert items == [(reference, "sent")]


async def test_an_e_mail_sent_twice_after_a_crash_is_one_ticket_by_its_message_id(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        reference = await file_order(app)
        async with app.orders.database.transaction() as uow:
            await uow.outbox.claim([OutboxChannel.LINDESK], app.clock(), app.worker.lease, 10)
        await app.desk.file(ticket_for(await app.order(reference)))
        app.clock.advance((app.worker.lease + timedelta(seconds=1)).total_seconds())
        await app.deliver()
    assert len(smtp.received) == 2
    assert list(smtp.tickets) == [message_id(reference, BOT_ADDRESS)]


async def test_a_lost_answer_is_retried_and_the_desk_keeps_one_ticket(database_url: str) -> None:
    async with RestDeskServer() as desk:
        client = desk.client(lindesk_timeout_seconds=0.3)
        async with desk_app(database_url, client) as app:
            desk.lose_answers = True
            reference = await file_order(app)
            with pytest.raises(RetryLater):
                await client.file(ticket_for(await app.order(reference)))
            await app.deliver()
            desk.lose_answers = False
            await app.deliver_later()
            order = await app.order(reference)
    assert len(desk.tickets) == 1
    assert desk.posts[reference] == 3
    assert order.ticket is not None and order.ticket.desk_id == "4711"


async def test_two_app_instances_on_one_database_never_send_a_ticket_twice(database_url: str) -> None:
    clock = SteppingClock()
    async with RestDeskServer() as desk:
        client = desk.client()
        async with (
            desk_app(database_url, client, clock, batch=2) as first,
            desk_app(database_url, client, clock, batch=2) as second,
        ):
            references = [await file_order(first, f"staff-{n}") for n in range(24)]
            await asyncio.gather(first.deliver(), second.deliver(), first.deliver(), second.deliver())
            all_sent = await first.all_sent()
    assert all_sent
    assert sorted(desk.tickets) == sorted(references)
    assert set(desk.posts.values()) == {1}  # not one ticket was posted twice


async def test_embedded_sends_nothing_out(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        embedded = OrderService(app.orders.database, app.clock)
        reference = (await embedded.file(complete_draft(), ORDERER_CONVERSATION)).reference
        await app.deliver()
        order = await app.order(reference)
        items = await app.ticket_items()
    assert items == []
    assert smtp.received == []
    assert order.ticket is None and ticket_facts(order) == []
