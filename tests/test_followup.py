"""After filing, on real databases: changes, cancellation, pauses, questions both ways, refusals, history."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.access import AccessPolicy
from bot.domain import Booking, ChecklistItem, Order, Orderer, OrderState, TeamMember
from bot.followup.fields import read_change
from bot.followup.history import history_text
from bot.followup.service import FollowUpService, Refused
from bot.handling import HandlingService
from bot.language.answers import Rejected
from bot.orders import OrderService
from bot.outbox import Message, OutboxChannel, OutboxState
from bot.store import tables
from bot.workflow import NotAllowed
from tests.support.services import FIXED_NOW, order_service
from tests.test_orders import complete_draft

TEAM = TeamMember(user_id="team-anna", name="Anna Lind")
ORDERER = TeamMember(user_id="staff-1", name="Karin Andersson")
COLLEAGUE = TeamMember(user_id="staff-2", name="Lisa Berg")
OUTSIDER = TeamMember(user_id="staff-9", name="Olle Ek")
TEAM_CONVERSATION = "team-conversation"
ORDERER_CONVERSATION = "conv-staff"


class Clock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def orders(database_url: str) -> AsyncIterator[OrderService]:
    async with order_service(database_url) as service:
        async with service.database.transaction() as uow:
            await uow.conversations.remember(TEAM_CONVERSATION, TEAM.user_id, {}, FIXED_NOW)
            await uow.conversations.set_team_channel(TEAM_CONVERSATION)
            await uow.staff.save(
                Orderer(
                    user_id=COLLEAGUE.user_id, name=COLLEAGUE.name, phone="+46701740611", unit="Hemtjänst Ryd"
                ),
                FIXED_NOW,
            )
            await uow.staff.save(
                Orderer(
                    user_id=OUTSIDER.user_id, name=OUTSIDER.name, phone="+46701740612", unit="Hemtjänst Berga"
                ),
                FIXED_NOW,
            )
        yield service


async def filed(orders: OrderService) -> Order:
    return await orders.file(complete_draft(), ORDERER_CONVERSATION)


def follow_up(orders: OrderService, clock: Clock | None = None) -> FollowUpService:
    return FollowUpService(orders.database, AccessPolicy([TEAM.user_id]), clock or Clock(), undo_seconds=60)


async def outbox(
    orders: OrderService, destination: str, channel: OutboxChannel = OutboxChannel.CHAT
) -> list[dict]:
    """The rows queued for `destination` on `channel`, oldest first, with their messages."""
    async with orders.database.transaction() as uow:
        rows = await uow.conn.execute(
            select(tables.outbox)
            .where(tables.outbox.c.destination == destination, tables.outbox.c.channel == channel.value)
            .order_by(tables.outbox.c.id)
        )
        found = [dict(row._mapping) for row in rows]
    for row in found:
        row["message"] = orders.database.codec.load(Message, row.pop("payload"))
    return found


def texts_of(rows: list[dict], state: OutboxState = OutboxState.PENDING) -> list[str]:
    return [row["message"].text for row in rows if row["state"] == state.value]


async def test_the_orderer_changes_the_phone_and_the_team_is_told_in_the_orders_thread(
    orders: OrderService,
) -> None:
    order = await filed(orders)
    change = read_change("telefon 070-174 06 99", date(2026, 11, 26))
    assert change is not None
    changed = await follow_up(orders).change(order.reference, ORDERER, change)
    team = await outbox(orders, TEAM_CONVERSATION)
    history = await orders.events(order.reference)
    assert changed.details.brukare.phone == "+46701740699"
    assert changed.version == order.version + 1
    assert "070-174 06 99" in team[-1]["message"].text and order.reference in team[-1]["message"].text
    assert team[-1]["message"].thread == "reply" and team[-1]["message"].root_card is not None
    assert team[0]["message"].thread == "root"
    assert [event.kind for event in history] == ["filed", "changed"]
    assert history[-1].detail == "telefon" and "0699" not in history[-1].detail
    assert texts_of(await outbox(orders, ORDERER_CONVERSATION)) == []  # they did it: they were answered


async def test_a_new_portkod_is_never_shown_in_the_teams_chat_but_reaches_the_desk(database_url: str) -> None:
    async with order_service(database_url) as base:
        orders = OrderService(base.database, base.clock, files_tickets=True)
        async with orders.database.transaction() as uow:
            await uow.conversations.remember(TEAM_CONVERSATION, TEAM.user_id, {}, FIXED_NOW)
            await uow.conversations.set_team_channel(TEAM_CONVERSATION)
        order = await filed(orders)
        change = read_change("portkod 8642", date(2026, 11, 26))
        assert change is not None
        await follow_up(orders).change(order.reference, ORDERER, change)
        team = await outbox(orders, TEAM_CONVERSATION)
        desk = await outbox(orders, "lindesk", OutboxChannel.LINDESK)
        audit = await _audit_details(orders, order.reference)
    assert all("8642" not in str(row["message"].model_dump()) for row in team)
    assert "portkod" in team[-1]["message"].text
    assert [row["dedupe_key"].split(":")[0] for row in desk] == ["ticket", "desk-update"]
    assert "8642" in desk[-1]["message"].text
    assert "8642" not in " ".join(audit)
    assert "changed:portkod" in audit  # the field, never the value


async def test_a_value_that_does_not_fit_changes_nothing(orders: OrderService) -> None:
    order = await filed(orders)
    with pytest.raises(Rejected):
        read_change("telefon 12345", date(2026, 11, 26))
    with pytest.raises(Rejected):  # a street without its postnummer and ort
        change = read_change("adress Ågatan 5", date(2026, 11, 26))
        assert change is not None
        await follow_up(orders).change(order.reference, ORDERER, change)
    assert (await orders.get(order.reference)) == order


async def test_a_colleague_of_the_unit_may_act_and_an_outsider_is_refused_and_audited(
    orders: OrderService,
) -> None:
    order = await filed(orders)
    service = follow_up(orders)
    await service.message(order.reference, COLLEAGUE, "Brukaren vill ha besök på förmiddagen.")
    with pytest.raises(Refused):
        await service.cancel(order.reference, OUTSIDER, "Fel brukare")
    with pytest.raises(Refused):
        await service.history(order.reference, OUTSIDER)
    audit = await _audit_rows(orders, order.reference)
    assert (await orders.get(order.reference)).state is OrderState.FILED  # type: ignore[union-attr]
    assert [(row["actor_id"], row["detail"]) for row in audit if row["action"] == "refused"] == [
        (OUTSIDER.user_id, "cancel"),
        (OUTSIDER.user_id, "history"),
    ]


async def test_the_unit_cancels_with_a_reason_and_nothing_changes_after_installation(
    orders: OrderService,
) -> None:
    first, second = await filed(orders), await orders.file(complete_draft(), ORDERER_CONVERSATION + "-2")
    service = follow_up(orders)
    with pytest.raises(NotAllowed):
        await service.cancel(first.reference, ORDERER, "  ")
    cancelled = await service.cancel(first.reference, ORDERER, "Brukaren har tackat nej.")
    handling = HandlingService(orders.database, AccessPolicy([TEAM.user_id]), orders.clock)
    await handling.take(second.reference, TEAM)
    await handling.book(second.reference, TEAM, Booking(at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC)))
    await handling.tick(second.reference, TEAM, ChecklistItem.INSTALLED)
    change = read_change("telefon 070-174 06 99", date(2026, 11, 26))
    assert change is not None
    with pytest.raises(NotAllowed, match="installerat"):
        await service.change(second.reference, ORDERER, change)
    team = texts_of(await outbox(orders, TEAM_CONVERSATION))
    assert cancelled.state is OrderState.CANCELLED
    assert (
        cancelled.handling.cancelled_by == ORDERER
        and cancelled.handling.cancel_reason == "Brukaren har tackat nej."
    )
    assert any(first.reference in text and "Brukaren har tackat nej." in text for text in team)


async def test_a_pause_reminds_the_team_and_the_orderer_once_on_the_day_and_a_new_pause_replaces_it(
    orders: OrderService,
) -> None:
    order = await filed(orders)
    service = follow_up(orders)
    await service.pause(order.reference, ORDERER, date(2027, 1, 15), "korttidsboende")
    paused = await service.pause(order.reference, ORDERER, date(2027, 1, 20), "förlängt korttidsboende")
    team = await outbox(orders, TEAM_CONVERSATION, OutboxChannel.REMINDER)
    own = await outbox(orders, ORDERER_CONVERSATION, OutboxChannel.REMINDER)
    assert paused.handling.pause is not None and paused.handling.pause.until == date(2027, 1, 20)
    assert paused.paused_on(date(2027, 1, 19)) is not None and paused.paused_on(date(2027, 1, 20)) is None
    assert [row["state"] for row in team] == ["withdrawn", "pending"]
    assert [row["state"] for row in own] == ["withdrawn", "pending"]
    due = team[-1]["next_attempt_at"]
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    assert due == datetime(2027, 1, 20, 7, 0, tzinfo=UTC)  # 08.00 in Sweden
    assert "vilar inte längre" in own[-1]["message"].text


async def test_a_question_and_its_answer_with_the_reminder_and_the_undo_window(orders: OrderService) -> None:
    order = await filed(orders)
    clock = Clock()
    service = follow_up(orders, clock)
    await service.ask(order.reference, TEAM, "Portkoden fungerar inte, har ni en ny?")
    told = texts_of(await outbox(orders, ORDERER_CONVERSATION))
    assert await service.answerable_in(ORDERER_CONVERSATION) == [order.reference]
    clock.now += timedelta(seconds=5)
    answered = await service.answer(order.reference, COLLEAGUE, "Ny kod är 2468.")
    team_rows = await outbox(orders, TEAM_CONVERSATION)
    answer_row = team_rows[-1]
    assert "Portkoden fungerar inte" in told[-1]
    assert answered.open_questions() == []
    assert await service.answerable_in(ORDERER_CONVERSATION) == []
    assert _due(answer_row) == clock.now + timedelta(
        seconds=60
    )  # the team sees it when it can no longer be undone
    reminders = await outbox(orders, ORDERER_CONVERSATION, OutboxChannel.REMINDER)
    assert [row["state"] for row in reminders] == ["withdrawn"]
    with pytest.raises(NotAllowed):
        await service.undo_answer(order.reference, ORDERER)  # not theirs
    clock.now += timedelta(seconds=30)
    reopened = await service.undo_answer(order.reference, COLLEAGUE)
    assert reopened.open_questions()[0].number == 1
    assert [row["state"] for row in await outbox(orders, TEAM_CONVERSATION)][-1] == "withdrawn"
    assert await service.answerable_in(ORDERER_CONVERSATION) == [order.reference]
    await service.answer(order.reference, COLLEAGUE, "Ny kod är 1357.")
    clock.now += timedelta(seconds=61)
    with pytest.raises(NotAllowed, match="redan gått"):
        await service.undo_answer(order.reference, COLLEAGUE)


async def test_an_unanswered_question_is_reminded_a_working_day_later(orders: OrderService) -> None:
    order = await filed(orders)
    clock = Clock()
    clock.now = datetime(2026, 12, 11, 13, 0, tzinfo=UTC)  # a Friday
    await follow_up(orders, clock).ask(order.reference, TEAM, "Finns det en tagg till ytterdörren?")
    reminder = (await outbox(orders, ORDERER_CONVERSATION, OutboxChannel.REMINDER))[-1]
    team = (await outbox(orders, TEAM_CONVERSATION, OutboxChannel.REMINDER))[-1]
    assert _due(reminder) == datetime(2026, 12, 14, 13, 0, tzinfo=UTC)  # Monday
    assert "Finns det en tagg" in reminder["message"].text
    assert "väntat på svar" in team["message"].text


async def test_a_change_and_a_team_action_at_once_one_wins_and_nothing_is_half_applied(
    orders: OrderService,
) -> None:
    order = await filed(orders)
    change = read_change("telefon 070-174 06 99", date(2026, 11, 26))
    assert change is not None
    handling = HandlingService(orders.database, AccessPolicy([TEAM.user_id]), orders.clock)
    results = await asyncio.gather(
        follow_up(orders).change(order.reference, ORDERER, change),
        handling.take(order.reference, TEAM),
        return_exceptions=True,
    )
    final = await orders.get(order.reference)
    events = await orders.events(order.reference)
    refused = [result for result in results if isinstance(result, NotAllowed)]
    assert final is not None and final.version == order.version + len(results) - len(refused)
    assert len(events) == 1 + len(results) - len(refused)
    assert all("samtidigt" in refusal.message for refusal in refused)


async def test_history_shows_who_did_what_and_when_without_the_values(orders: OrderService) -> None:
    order = await filed(orders)
    service = follow_up(orders)
    change = read_change("portkod 9753", date(2026, 11, 26))
    assert change is not None
    await service.change(order.reference, ORDERER, change)
    await service.pause(order.reference, COLLEAGUE, date(2027, 1, 15), "sjukhus")
    await service.ask(order.reference, TEAM, "Stämmer adressen?")
    found, events = await service.history(order.reference, COLLEAGUE)
    text = history_text(found, events)
    assert "portkod ändrad av Karin Andersson" in text
    assert "vilande till 15 januari 2027 (Lisa Berg): sjukhus" in text
    assert "fråga från Anna Lind: Stämmer adressen?" in text
    assert "9753" not in text


def _due(row: dict) -> datetime:
    due = row["next_attempt_at"]
    return due if due.tzinfo else due.replace(tzinfo=UTC)


async def _audit_rows(orders: OrderService, reference: str) -> list[dict]:
    async with orders.database.transaction() as uow:
        rows = await uow.conn.execute(
            select(tables.audit_log).where(tables.audit_log.c.reference == reference)
        )
        return [dict(row._mapping) for row in rows]


async def _audit_details(orders: OrderService, reference: str) -> list[str]:
    return [row["detail"] for row in await _audit_rows(orders, reference)]
