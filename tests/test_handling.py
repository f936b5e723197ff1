"""The team's handling on real databases: the state machine, refusals, events, queued notices."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.access import AccessPolicy
from bot.domain import Booking, ChecklistItem, Devices, OrderState, TeamMember
from bot.handling import HandlingService
from bot.orders import OrderService
from bot.outbox import Message
from bot.store import tables
from bot.workflow import NotAllowed
from tests.support.services import order_service
from tests.test_orders import complete_draft

ANNA = TeamMember(user_id="team-anna", name="Anna Lind")
BO = TeamMember(user_id="team-bo", name="Bo Ek")
OUTSIDER = TeamMember(user_id="staff-1", name="Karin Andersson")
BOOKED_AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def queued_texts(orders: OrderService, destination: str) -> list[str]:
    """The texts waiting in the outbox for `destination`, in the order they were queued."""
    async with orders.database.transaction() as uow:
        rows = await uow.conn.execute(
            select(tables.outbox.c.payload)
            .where(tables.outbox.c.destination == destination)
            .order_by(tables.outbox.c.id)
        )
        return [orders.database.codec.load(Message, row[0]).text for row in rows]


async def test_an_order_goes_from_filed_to_closed_and_the_orderer_hears_each_step(
    database_url: str,
) -> None:
    async with order_service(database_url) as orders:
        team = HandlingService(orders.database, AccessPolicy([ANNA.user_id, BO.user_id]), orders.clock)
        reference = (await orders.file(complete_draft(), "conv-staff")).reference
        await team.take(reference, ANNA)
        await team.book(reference, ANNA, Booking(at=BOOKED_AT, contacted="dottern"))
        for item in ChecklistItem:
            devices = (
                Devices(alarm_serial="A-100", lock_serial="L-200")
                if item is ChecklistItem.INVENTORY
                else None
            )
            await team.tick(reference, ANNA, item, devices)
        closed = await team.close(reference, ANNA, "Larmet är installerat och testat.")
        events = await orders.events(reference)
        told = await queued_texts(orders, "conv-staff")
    assert closed.state is OrderState.CLOSED
    assert closed.handling.devices == Devices(alarm_serial="A-100", lock_serial="L-200")
    assert [event.kind for event in events] == [
        "filed", "received", "booked", "checklist:installerat", "checklist:registrerat",
        "checklist:inventarie", "checklist:information", "closed",
    ]  # fmt: skip
    assert len(told) == 3
    assert "Anna Lind" in told[0]
    assert "torsdag 3 december 2026 kl. 10.00" in told[1]
    assert told[2].endswith("Larmet är installerat och testat.")


async def test_refusals_change_nothing(database_url: str) -> None:
    async with order_service(database_url) as orders:
        team = HandlingService(orders.database, AccessPolicy([ANNA.user_id]), orders.clock)
        reference = (await orders.file(complete_draft(), "conv-staff")).reference
        with pytest.raises(NotAllowed, match="bara för välfärdsteknikteamet"):
            await team.take(reference, OUTSIDER)
        await team.take(reference, ANNA)
        with pytest.raises(NotAllowed, match="kan inte avslutas än"):
            await team.close(reference, ANNA, "Klart.")
        with pytest.raises(NotAllowed, match="Boka installationen"):
            await team.tick(reference, ANNA, ChecklistItem.INSTALLED)
        with pytest.raises(NotAllowed, match="hittar inget ärende"):
            await team.take("VT-2026-9999", ANNA)
        order = await orders.get(reference)
        events = await orders.events(reference)
    assert order is not None and order.state is OrderState.RECEIVED
    assert [event.kind for event in events] == ["filed", "received"]


async def test_two_members_taking_at_once_one_wins_the_other_is_told(database_url: str) -> None:
    async with order_service(database_url) as orders:
        team = HandlingService(orders.database, AccessPolicy([ANNA.user_id, BO.user_id]), orders.clock)
        reference = (await orders.file(complete_draft(), "conv-staff")).reference
        results = await asyncio.gather(
            team.take(reference, ANNA), team.take(reference, BO), return_exceptions=True
        )
        events = await orders.events(reference)
    refused = [result for result in results if isinstance(result, NotAllowed)]
    assert len(refused) == 1
    assert [event.kind for event in events] == ["filed", "received"]
