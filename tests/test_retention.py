"""Retention (gallring) on real databases, with a clock the test moves: what is erased, when, and audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from adapters.admin import run
from bot import texts
from bot.access import AccessPolicy
from bot.audit import AuditAction
from bot.crypto import Vault
from bot.domain import Booking, ChecklistItem, ContactKind, Order, OrderState, TeamMember
from bot.drafts import ContactDraft
from bot.followup.service import FollowUpService
from bot.handling import HandlingService
from bot.orders import OrderService
from bot.retention import Retention, RetentionPeriods
from bot.store import tables
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.state_storage import SqlStorage
from bot.store.unit_of_work import Database
from dialogs.team import views
from tests.support.app_server import app_settings
from tests.support.chatting import chatting
from tests.support.http_helpers import order_service
from tests.support.services import save_draft
from tests.support.stored_data import encrypted_values, sqlite_files
from tests.support.testdata import TEST_PERSONNUMMER
from tests.test_orders import complete_draft

KEY = Fernet.generate_key().decode()
ANNA = TeamMember(user_id="team-anna", name="Anna Lind")
PORTKOD = "73914A26"
PNR = TEST_PERSONNUMMER[1]
CONTACT = ContactDraft(
    kind=ContactKind.NARSTAENDE, name="Anna Johansson", relation="dotter", phone="+46701740606"
)
PERSONAL = [
    "Greta Johansson",
    PNR,
    "Storgatan 12",
    "+46701740605",
    "Anna Johansson",
    "+46701740606",
    "Karin Andersson",
]
DAY = timedelta(days=1)


class MovingClock:
    """Now, until the test moves it on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def move(self, by: timedelta) -> None:
        self.now += by


@dataclass
class World:
    clock: MovingClock
    orders: OrderService
    team: HandlingService
    retention: Retention
    storage: SqlStorage
    database_url: str

    async def order(self, ending: str = "closed") -> str:
        """An order filed and then closed, cancelled or left open (its ending) now; its reference."""
        draft = complete_draft(portkod=PORTKOD, outer_door_tag_needed=True, outer_door_tag_collected=True)
        order = await self.orders.file(draft.model_copy(update={"contacts": [CONTACT]}), "conv-staff")
        reference = order.reference
        if ending == "cancelled":
            await self.team.cancel(reference, ANNA, "Brukaren har tackat nej.")
        elif ending == "closed":
            await self.team.take(reference, ANNA)
            await self.team.book(reference, ANNA, Booking(at=self.clock() + DAY, contacted="dottern Anna"))
            for item in ChecklistItem:
                await self.team.tick(reference, ANNA, item)
            await self.team.close(reference, ANNA, "Installerat. Greta Johansson har fått informationen.")
        return reference

    async def get(self, reference: str) -> Order:
        order = await self.orders.get(reference)
        assert order is not None
        return order

    async def readable(self) -> str:
        """Every encrypted value in the database, decrypted: what someone with the key could read."""
        vault = self.orders.database.codec.vault
        values = await encrypted_values(self.database_url)  # JSON or pickle: their strings are UTF-8
        return "\n".join(vault.decrypt(token).decode(errors="replace") for _, token in values)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    engine = create_engine(database_url)
    await migrate(engine)
    vault = Vault([KEY])
    database = Database(engine, PayloadCodec(vault))
    clock = MovingClock()
    storage = SqlStorage(engine, vault)
    try:
        yield World(
            clock,
            OrderService(database, clock),
            HandlingService(database, AccessPolicy([ANNA.user_id]), clock),
            Retention(database, RetentionPeriods(), storage.prune, clock),
            storage,
            database_url,
        )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("ending", ["closed", "cancelled"])
async def test_access_data_is_erased_seven_days_after_the_order_ended(world: World, ending: str) -> None:
    reference = await world.order(ending)
    world.clock.move(7 * DAY - timedelta(minutes=1))
    assert (await world.retention.run_once()).access_data_erased == 0
    assert (await world.get(reference)).details.brukare.portkod == PORTKOD

    world.clock.move(timedelta(minutes=2))
    assert (await world.retention.run_once()).access_data_erased == 1
    order = await world.get(reference)
    shown = dict(views.details(order))
    assert (
        shown[texts.LABEL_PORTKOD]
        == shown[texts.LABEL_KEY]
        == shown[texts.LABEL_OUTER_DOOR]
        == texts.VALUE_ERASED
    )
    assert shown[texts.LABEL_BRUKARE] == "Greta Johansson"  # the rest stays until the order is anonymised
    assert PORTKOD not in await world.readable()
    async with world.orders.database.transaction() as uow:
        audited = await uow.audit.for_order(reference)
    assert (audited[-1].actor_id, audited[-1].action, audited[-1].detail) == (
        "system:retention",
        AuditAction.ERASE,
        "access data",
    )
    assert (await world.retention.run_once()).access_data_erased == 0  # once is enough


async def test_a_door_code_written_in_a_question_or_an_answer_goes_with_the_access_data(world: World) -> None:
    reference = await world.order("open")
    follow_up = FollowUpService(world.orders.database, AccessPolicy([ANNA.user_id]), world.clock)
    staff = TeamMember(user_id="staff-1", name="Karin Andersson")
    await follow_up.ask(reference, ANNA, f"Är koden {PORTKOD} fortfarande rätt?")
    await follow_up.answer(reference, staff, f"Ja, {PORTKOD} gäller.")
    await follow_up.message(reference, staff, f"Obs: koden {PORTKOD} fungerar bara dagtid.")
    await world.team.cancel(reference, ANNA, "Brukaren har tackat nej.")
    world.clock.move(7 * DAY + timedelta(minutes=1))
    assert (await world.retention.run_once()).access_data_erased == 1
    order = await world.get(reference)
    stored = await encrypted_values(world.database_url)
    vault = world.orders.database.codec.vault
    kept = [
        vault.decrypt(token).decode()
        for where, token in stored
        if where.startswith(("orders.", "order_events."))
    ]
    assert [question.text for question in order.questions] == [texts.VALUE_ERASED]
    assert order.questions[0].answer is not None and order.questions[0].answer.text == texts.VALUE_ERASED
    assert not any(PORTKOD in value for value in kept)
    assert any("Brukaren har tackat nej." in value for value in kept)  # the reason stays until anonymised


async def test_an_open_order_keeps_its_access_data_however_old(world: World) -> None:
    reference = await world.order("open")
    world.clock.move(3650 * DAY)
    report = await world.retention.run_once()
    assert (report.access_data_erased, report.anonymised) == (0, 0)
    assert (await world.get(reference)).details.brukare.portkod == PORTKOD


async def test_an_order_is_anonymised_five_years_after_it_ended(world: World) -> None:
    reference = await world.order("closed")
    world.clock.move(1825 * DAY - timedelta(minutes=1))
    assert (await world.retention.run_once()).anonymised == 0
    assert "Greta Johansson" in await world.readable()

    world.clock.move(timedelta(minutes=2))
    assert (await world.retention.run_once()).anonymised == 1
    order = await world.get(reference)
    readable = await world.readable()
    assert [value for value in [*PERSONAL, PORTKOD, "dottern Anna"] if value in readable] == []
    assert (order.reference, order.state, order.orderer.unit) == (
        reference,
        OrderState.CLOSED,
        "Hemtjänst Ryd",
    )
    assert dict(views.details(order))[texts.LABEL_BRUKARE] == texts.VALUE_ANONYMISED
    async with world.orders.database.transaction() as uow:
        row = (
            await uow.conn.execute(select(tables.orders).where(tables.orders.c.reference == reference))
        ).one()
        audited = await uow.audit.for_order(reference)
    assert (row.pnr_index, row.orderer_id) == ("", "")
    erasures = [entry.detail for entry in audited if entry.action == AuditAction.ERASE]
    assert erasures == ["access data", "anonymised"]


async def test_untouched_drafts_and_conversation_state_go_after_thirty_days(world: World) -> None:
    await save_draft(world.orders, complete_draft("staff-old"))
    await world.storage.write({"conv-old/state": {"draft": PNR}})
    world.clock.move(29 * DAY)
    await save_draft(world.orders, complete_draft("staff-new"))
    world.clock.move(2 * DAY)
    report = await world.retention.run_once()
    assert (report.drafts_deleted, report.states_deleted) == (1, 1)
    assert await world.orders.load_draft("staff-old") is None
    assert await world.orders.load_draft("staff-new") is not None
    assert await world.storage.read(["conv-old/state"]) == {}


async def test_the_app_runs_the_rules_by_itself_and_the_admin_command_runs_them_now(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path)
    engine = create_engine(database_url)
    await migrate(engine)
    database = Database(engine, PayloadCodec(Vault(list(settings.data_encryption_key))))
    long_ago = MovingClock()
    long_ago.move(-30 * DAY)
    team = HandlingService(database, AccessPolicy([ANNA.user_id]), long_ago)
    orders = OrderService(database, long_ago)
    first = (await orders.file(complete_draft(portkod=PORTKOD))).reference
    await team.cancel(first, ANNA, "Fel brukare.")
    second = (await orders.file(complete_draft("staff-2", portkod=PORTKOD))).reference
    await team.cancel(second, ANNA, "Dubblett.")
    await engine.dispose()

    async with chatting(settings) as app:
        assert (await app.http.get(f"{app.url}/healthz")).status == 200
    # The app ran the rules when it started; the command finds nothing left to do.
    told = await run(settings, ["retention"])
    assert told == texts.ADMIN_RETENTION_DONE.format(
        access=0, anonymised=0, drafts=0, states=0, messages=0, profiles=0
    )
    async with order_service(settings) as check:
        assert [(await check.get(ref)).erasure.access_data_at is not None for ref in (first, second)] == [
            True,
            True,
        ]


async def test_on_sqlite_erased_data_is_gone_from_the_files_too(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'erase.db'}"
    engine = create_engine(database_url)
    await migrate(engine)
    clock = MovingClock()
    database = Database(engine, PayloadCodec(Vault([KEY])))
    orders = OrderService(database, clock)
    reference = (await orders.file(complete_draft(portkod=PORTKOD))).reference
    await HandlingService(database, AccessPolicy([ANNA.user_id]), clock).cancel(reference, ANNA, "Dubblett.")
    await save_draft(orders, complete_draft("staff-2"))
    erased = ("orders.payload", "drafts.payload")
    old_tokens = [token for name, token in await encrypted_values(database_url) if name in erased]
    clock.move(31 * DAY)
    await Retention(database, RetentionPeriods(), SqlStorage(engine, Vault([KEY])).prune, clock).run_once()
    stored = b"".join(path.read_bytes() for path in sqlite_files(database_url))  # the app still running
    await engine.dispose()
    assert [token for token in old_tokens if token in stored] == []
