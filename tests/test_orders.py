"""The order service on real databases: filing exactly once, serials, drafts, encryption at rest."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.domain import ContactKind, OrderState
from bot.drafts import ContactDraft, OrderDraft
from bot.store import tables
from tests.support.services import FIXED_NOW, order_service, save_draft
from tests.support.testdata import TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[0]


def complete_draft(user_id: str = "staff-1", **changes: object) -> OrderDraft:
    answered = FIXED_NOW.isoformat()
    draft = OrderDraft(
        user_id=user_id,
        treserva=answered,
        key_receipt=answered,
        journal=answered,
        unit="Hemtjänst Ryd",
        orderer_name="Karin Andersson",
        orderer_phone="+46701740610",
        brukare_name="Greta Johansson",
        personnummer=PNR,
        street="Storgatan 12",
        postnummer="582 23",
        ort="Linköping",
        phone="+46701740605",
        portkod="4321",
        outer_door_tag_needed=False,
        contacts=[ContactDraft(kind=ContactKind.BRUKARE)],
        rubrik="Digitalt trygghetslarm",
        underrubrik="Nytt larm med digital låsenhet",
        confirmed=True,
    )
    return draft.model_copy(update=changes)


async def test_filing_gives_a_reference_and_a_filed_event(database_url: str) -> None:
    async with order_service(database_url) as orders:
        order = await orders.file(complete_draft())
        events = await orders.events(order.reference)
    assert order.reference == "VT-2026-0001"
    assert order.state is OrderState.FILED
    assert [(event.kind, event.actor_id) for event in events] == [("filed", "staff-1")]


async def test_the_same_draft_filed_concurrently_files_one_order(database_url: str) -> None:
    async with order_service(database_url) as orders:
        draft = complete_draft()
        filed = await asyncio.gather(*(orders.file(draft) for _ in range(5)))
        async with orders.database.transaction() as uow:
            count = len((await uow.conn.execute(select(tables.orders.c.id))).all())
    assert {order.reference for order in filed} == {"VT-2026-0001"}
    assert count == 1


async def test_different_drafts_filed_concurrently_get_distinct_serials(database_url: str) -> None:
    async with order_service(database_url) as orders:
        drafts = [complete_draft(user_id=f"staff-{n}") for n in range(6)]
        filed = await asyncio.gather(*(orders.file(draft) for draft in drafts))
    assert sorted(order.reference for order in filed) == [f"VT-2026-{n:04d}" for n in range(1, 7)]


async def test_filing_forgets_the_draft_and_remembers_the_orderer(database_url: str) -> None:
    async with order_service(database_url) as orders:
        await save_draft(orders, complete_draft())
        await orders.file(complete_draft())
        draft, profile = await orders.starting_point("staff-1")
        assert draft is None
    assert profile is not None
    assert (profile.unit, profile.name) == ("Hemtjänst Ryd", "Karin Andersson")


PORTKOD_NEVER_IN_CIPHERTEXT = "43#21"  # '#' is not base64: a bare '4321' once turned up in a Fernet token


async def test_personal_data_is_not_stored_in_plain_text(database_url: str) -> None:
    async with order_service(database_url) as orders:
        await save_draft(orders, complete_draft(user_id="staff-2", portkod=PORTKOD_NEVER_IN_CIPHERTEXT))
        await orders.file(complete_draft(portkod=PORTKOD_NEVER_IN_CIPHERTEXT))
        async with orders.database.transaction() as uow:
            rows = [
                *(await uow.conn.execute(select(tables.orders))).all(),
                *(await uow.conn.execute(select(tables.drafts))).all(),
                *(await uow.conn.execute(select(tables.staff))).all(),
                *(await uow.conn.execute(select(tables.order_events))).all(),
            ]
    dump = repr(rows)
    for secret in (PNR, PNR[2:], PORTKOD_NEVER_IN_CIPHERTEXT, "701740605", "Greta", "Storgatan", "Karin"):
        assert secret not in dump
