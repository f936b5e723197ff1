"""An order's updates reach its Lindesk ticket once, through outages; the desk's comments come back once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.access import AccessPolicy
from bot.desk_updates import UPDATE_KEY, queue_desk_update
from bot.domain import DeskTicket, OrderEvent, TeamMember, TicketState
from bot.followup.transitions import DESK_COMMENT, MESSAGE
from bot.outbox import OutboxChannel
from bot.ticket_resend import TicketResend
from bot.tickets import message_id, ticket_for, update_for
from tests.support.desk_events import DeskSide, desk_side, sign
from tests.support.http_helpers import order_service
from tests.support.lindesk import TEAM_CONVERSATION, DeskApp, desk_app
from tests.support.rest_desk import RestDeskServer
from tests.support.smtp_desk import BOT_ADDRESS, DESK_ADDRESS, SmtpDeskServer
from tests.test_handling import queued_texts
from tests.test_lindesk_delivery import file_order

TEXT = "Brukaren har fått ny portkod: 2580. Ring 070-174 06 42 före besöket."
STAFF = TeamMember(user_id="staff-1", name="Karin Andersson")
TEAM = TeamMember(user_id="team-anna", name="Anna Lind")


async def queue_update(app: DeskApp, reference: str, text: str = TEXT, due: datetime | None = None) -> int:
    """Record a message on the order and queue it for the desk, as the follow-up commands do; its event id."""
    async with app.orders.database.transaction() as uow:
        order = await uow.orders.by_reference(reference)
        assert order is not None
        at, actor = app.clock(), STAFF.user_id
        event = OrderEvent(
            reference=reference, at=at, actor_id=actor, kind=MESSAGE, state=order.state, detail=text
        )
        event_id = await uow.events.add(event)
        await queue_desk_update(uow, order, event_id, text, app.clock(), due)
    return event_id


async def filed_and_sent(app: DeskApp) -> str:
    """An order whose ticket the desk has; its reference."""
    reference = await file_order(app)
    await app.deliver()
    return reference


def key(reference: str, event_id: int) -> str:
    return f"{reference}:update:{event_id}"


def update_id(reference: str, event_id: int) -> str:
    return f"<{reference}.update-{event_id}.trygghetslarm@kommun.test>"


async def test_an_update_reaches_the_rest_desk_once_as_a_comment_on_the_ticket(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        reference = await filed_and_sent(app)
        event_id = await queue_update(app, reference)
        await app.deliver()
        await app.deliver_later()
        order = await app.order(reference)
        items = await app.ticket_items()
    assert desk.comments == {
        key(reference, event_id): {"reference": reference, "text": TEXT, "event": event_id}
    }
    assert desk.arrivals == [reference, key(reference, event_id)]
    assert desk.posts == {reference: 1, key(reference, event_id): 1}
    assert items == [(reference, "sent"), (reference, "sent")]
    assert order.ticket == DeskTicket(state=TicketState.SENT, desk_id="4711")


async def test_an_update_reaches_the_smtp_desk_once_as_a_reply_to_the_ticket(database_url: str) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        reference = await filed_and_sent(app)
        event_id = await queue_update(app, reference)
        await app.deliver()
        await app.deliver_later()
        order = await app.order(reference)
    ticket_subject = ticket_for(order).subject
    [mail] = smtp.comments.values()
    assert len(smtp.received) == 2 and list(smtp.tickets) == [message_id(reference, BOT_ADDRESS)]
    assert mail["Subject"] == f"Re: {ticket_subject}"  # the desk gave no id by e-mail
    assert mail["Message-ID"] == update_id(reference, event_id)
    assert mail["In-Reply-To"] == mail["References"] == message_id(reference, BOT_ADDRESS)
    assert (mail["From"], mail["To"]) == (BOT_ADDRESS, DESK_ADDRESS)
    assert mail.get_content().splitlines() == [
        TEXT,
        "",
        texts.TICKET_UPDATE_REFERENCE.format(reference=reference),
    ]
    with_id = order.model_copy(update={"ticket": DeskTicket(state=TicketState.SENT, desk_id="4711")})
    assert update_for(with_id, event_id, TEXT).subject == f"Re: {ticket_subject} [Lindesk #4711]"


async def test_a_rest_outage_delays_the_ticket_and_its_update_which_arrive_once_in_order(
    database_url: str,
) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.fail_next = 3  # down before the ticket is sent
        reference = await file_order(app)
        first = await queue_update(app, reference)
        for _ in range(5):
            await app.deliver_later()
        desk.fail_next = 2  # down again, the ticket filed: only the update waits
        second = await queue_update(app, reference, "Brukaren är på korttidsboende till 15 januari.")
        for _ in range(4):
            await app.deliver_later()
        order = await app.order(reference)
    assert desk.arrivals == [reference, key(reference, first), key(reference, second)]
    assert desk.posts == {reference: 4, key(reference, first): 1, key(reference, second): 3}
    assert len(desk.comments) == 2
    assert order.ticket == DeskTicket(state=TicketState.SENT, desk_id="4711")


async def test_an_smtp_outage_delays_the_update_which_arrives_once_after_the_ticket(
    database_url: str,
) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        await smtp.stop()
        reference = await file_order(app)
        event_id = await queue_update(app, reference)
        await app.deliver()
        await app.deliver_later()
        sent_while_down = len(smtp.received)
        await smtp.start()
        await app.deliver_later()
        await app.deliver_later()
        order = await app.order(reference)
    assert sent_while_down == 0
    assert [mail["Message-ID"] for mail in smtp.received] == [
        message_id(reference, BOT_ADDRESS),
        update_id(reference, event_id),
    ]
    assert order.ticket is not None and order.ticket.state is TicketState.SENT


async def test_an_update_withdrawn_before_it_is_due_is_never_sent(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        reference = await filed_and_sent(app)
        taken_back = await queue_update(app, reference, "Svar: ja", due=app.clock() + timedelta(minutes=1))
        await app.deliver()
        async with app.orders.database.transaction() as uow:
            withdrawn = await uow.outbox.withdraw(reference, f"{UPDATE_KEY}:")
        later = await queue_update(app, reference, "Svar: nej")
        app.clock.advance(120)
        await app.deliver()
        items = await app.ticket_items()
    assert withdrawn == 1
    assert key(reference, taken_back) not in desk.posts
    assert list(desk.comments) == [key(reference, later)]
    assert sorted(state for _, state in items) == ["sent", "sent", "withdrawn"]


async def test_an_update_sent_twice_after_a_crash_is_one_comment_by_its_idempotency_key(
    database_url: str,
) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        reference = await filed_and_sent(app)
        event_id = await queue_update(app, reference)
        await sent_then_crashed(app, reference, event_id)
        await app.deliver()  # a restarted instance finds the lease expired and sends again
        items = await app.ticket_items()
    assert desk.posts[key(reference, event_id)] == 2
    assert list(desk.comments) == [key(reference, event_id)]
    assert items == [(reference, "sent"), (reference, "sent")]


async def test_an_update_e_mailed_twice_after_a_crash_is_one_comment_by_its_message_id(
    database_url: str,
) -> None:
    async with SmtpDeskServer() as smtp, desk_app(database_url, smtp.client()) as app:
        reference = await filed_and_sent(app)
        event_id = await queue_update(app, reference)
        await sent_then_crashed(app, reference, event_id)
        await app.deliver()
    assert len(smtp.received) == 3  # the ticket, and the update twice
    assert list(smtp.comments) == [update_id(reference, event_id)]


async def sent_then_crashed(app: DeskApp, reference: str, event_id: int) -> None:
    """An instance claims the update and sends it, then dies before recording it; its lease runs out."""
    async with app.orders.database.transaction() as uow:
        [item] = await uow.outbox.claim([OutboxChannel.LINDESK], app.clock(), app.worker.lease, 10)
    assert item.dedupe_key == f"{UPDATE_KEY}:{event_id}:"
    await app.desk.add_update(update_for(await app.order(reference), event_id, TEXT))
    app.clock.advance((app.worker.lease + timedelta(seconds=1)).total_seconds())


async def test_an_update_the_desk_refuses_is_told_to_the_team_and_the_ticket_stays_sent(
    database_url: str,
) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        reference = await filed_and_sent(app)
        desk.refuse_with = 400
        await queue_update(app, reference)
        await app.deliver()
        await app.deliver_later()
        order = await app.order(reference)
        team = await queued_texts(app.orders, TEAM_CONVERSATION)
    assert desk.comments == {}
    assert team[-1] == texts.NOTIFY_TEAM_UPDATE_FAILED.format(reference=reference, unit="Hemtjänst Ryd")
    assert order.ticket == DeskTicket(state=TicketState.SENT, desk_id="4711")


async def test_a_refused_update_sent_again_leaves_the_sent_ticket_as_it_was(database_url: str) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        reference = await filed_and_sent(app)
        desk.refuse_with = 400
        event_id = await queue_update(app, reference)
        await app.deliver()
        desk.refuse_with = None
        resend = TicketResend(app.orders.database, AccessPolicy([TEAM.user_id]), app.clock)
        await resend.resend(reference, TEAM)
        await app.deliver()
        order = await app.order(reference)
    assert list(desk.comments) == [key(reference, event_id)]
    assert order.ticket == DeskTicket(state=TicketState.SENT, desk_id="4711")


async def test_updates_of_a_refused_ticket_wait_with_it_and_are_sent_after_it_when_resent(
    database_url: str,
) -> None:
    async with RestDeskServer() as desk, desk_app(database_url, desk.client()) as app:
        desk.refuse_with = 400
        reference = await file_order(app)
        event_id = await queue_update(app, reference)
        await app.deliver()
        dead = await app.ticket_items()
        team_told = await queued_texts(app.orders, TEAM_CONVERSATION)
        desk.refuse_with = None
        resend = TicketResend(app.orders.database, AccessPolicy([TEAM.user_id]), app.clock)
        await resend.resend(reference, TEAM)
        await app.deliver()
        order = await app.order(reference)
    assert dead == [(reference, "dead"), (reference, "dead")]
    assert desk.posts[key(reference, event_id)] == 1  # not offered to the desk without its ticket
    assert team_told[1:] == [
        texts.NOTIFY_TEAM_TICKET_FAILED.format(reference=reference, unit="Hemtjänst Ryd")
    ]
    assert desk.arrivals == [reference, key(reference, event_id)]
    assert order.ticket is not None and order.ticket.state is TicketState.SENT


# --- Comments made in the desk, through the signed webhook ----------------------------------------


@pytest.fixture
async def desk(database_url: str, tmp_path: Path) -> AsyncIterator[DeskSide]:
    async with desk_side(database_url, tmp_path) as side:
        yield side


async def desk_comments(desk: DeskSide, reference: str) -> list[str]:
    async with order_service(desk.settings) as orders:
        return [event.detail for event in await orders.events(reference) if event.kind == DESK_COMMENT]


async def test_a_comment_from_the_desk_is_recorded_once_and_a_replay_changes_nothing(desk: DeskSide) -> None:
    reference = await desk.file_order()
    comment = "Vi ringer brukaren på tisdag."
    answers = [
        await desk.send(reference=reference, status="comment", comment=comment, id="c-1"),
        await desk.send(reference=reference, status="comment", comment=comment, id="c-1"),
        await desk.send(reference=reference, status="comment", comment="Tisdag kl. 10 passar."),
    ]
    history = await desk.history(reference)
    comments = await desk_comments(desk, reference)
    told = await desk.told_orderer()
    assert answers == [
        (200, {"result": "applied"}),
        (200, {"result": "unchanged"}),
        (200, {"result": "applied"}),
    ]
    assert history == ["filed", DESK_COMMENT, DESK_COMMENT]
    assert comments == [comment, "Tisdag kl. 10 passar."]
    names = {"reference": reference, "brukare": "Greta Johansson"}
    assert [line for line in told if "Lindesk:" in line] == [
        texts.NOTIFY_ORDERER_DESK_COMMENT.format(**names, text=comment),
        texts.NOTIFY_ORDERER_DESK_COMMENT.format(**names, text="Tisdag kl. 10 passar."),
    ]
    assert (await desk.order(reference)).state.value == "FILED"  # a comment moves nothing


async def test_two_comments_with_the_same_words_but_their_own_ids_are_both_recorded(desk: DeskSide) -> None:
    reference = await desk.file_order()
    answers = [
        await desk.send(reference=reference, status="comment", comment="Ring mig.", id="c-1"),
        await desk.send(reference=reference, status="comment", comment="Ring mig.", id="c-2"),
        await desk.send(reference=reference, status="comment", comment="Ring mig.", id="c-2"),
    ]
    assert [result for _status, result in answers] == [
        {"result": "applied"},
        {"result": "applied"},
        {"result": "unchanged"},
    ]
    assert await desk_comments(desk, reference) == ["Ring mig.", "Ring mig."]


async def test_a_comment_is_taken_in_any_state_even_after_the_order_is_cancelled(desk: DeskSide) -> None:
    reference = await desk.file_order()
    cancelled = await desk.send(reference=reference, status="cancelled", comment="Brukaren avböjde.")
    answer = await desk.send(reference=reference, status="comment", comment="Nyckeln är återlämnad.")
    assert (cancelled, answer) == ((200, {"result": "applied"}), (200, {"result": "applied"}))
    assert await desk.history(reference) == ["filed", "cancelled", DESK_COMMENT]


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ({"status": "comment"}, 400),  # no comment
        ({"status": "comment", "comment": "   "}, 400),
        ({"status": "comment", "comment": "x" * 4001}, 400),
        ({"status": "kommentar", "comment": "Hej"}, 400),
        ({"status": "comment", "comment": "Hej", "reference": "VT-2026-9999"}, 404),
    ],
)
async def test_a_malformed_or_unknown_comment_is_refused(
    desk: DeskSide, event: dict[str, str], status: int
) -> None:
    reference = await desk.file_order()
    answer, _ = await desk.send(**({"reference": reference} | event))
    assert answer == status
    assert await desk.history(reference) == ["filed"]


async def test_an_unsigned_or_wrongly_signed_comment_changes_nothing(desk: DeskSide) -> None:
    reference = await desk.file_order()
    body = f'{{"reference": "{reference}", "status": "comment", "comment": "Hej"}}'.encode()
    unsigned, _ = await desk.post(body, None)
    wrong, _ = await desk.post(body, sign(body, "another-secret-that-is-long-enough-0123456789"))
    assert (unsigned, wrong) == (401, 401)
    assert await desk.history(reference) == ["filed"]
