"""SqlStorage: botbuilder's storage contract, encryption at rest, e-tags, races and restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import ConversationState, MessageFactory, StoreItem, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    DialogInstance,
    DialogSet,
    DialogState,
    DialogTurnResult,
    DialogTurnStatus,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount
from cryptography.fernet import Fernet
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import ConfigurationError, Vault
from bot.drafts import OrderDraft
from bot.store import tables
from bot.store.codec import PayloadCodec
from bot.store.db import ConnectionLost, create_engine, metadata
from bot.store.state_storage import SqlStorage, StagedDraft, StorageConflict, bot_state
from bot.store.unit_of_work import Database

# From testdata/testpersonnummer.txt (Skatteverket's test numbers) and PTS's fictional series.
PERSONNUMMER = "194605076654"
PHONE = "070-174 06 05"
NAME = "Greta Johansson"

ASK_NAME = "Vad heter brukaren?"
ASK_PHONE = "Vilket telefonnummer har brukaren?"
ORDER_CONVERSATION = "order-conversation"
ORDER_CONVERSATION_KEY = f"test/conversations/{ORDER_CONVERSATION}"
TERMINATE_OTHER_SESSIONS = """
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()"""
RACERS = 8


@pytest.fixture
def vault() -> Vault:
    return Vault([Fernet.generate_key().decode()])


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all, tables=[bot_state, tables.drafts])
    yield engine
    await engine.dispose()


@pytest.fixture
def storage(engine: AsyncEngine, vault: Vault) -> SqlStorage:
    return SqlStorage(engine, vault)


@pytest.fixture
async def new_engine(database_url: str) -> AsyncIterator[Callable[[], AsyncEngine]]:
    """More engines on the same database: other processes, or this one after a restart."""
    engines: list[AsyncEngine] = []

    def make() -> AsyncEngine:
        engines.append(create_engine(database_url))
        return engines[-1]

    yield make
    for engine in engines:
        await engine.dispose()


async def read_one(storage: SqlStorage, key: str) -> Any:
    return (await storage.read([key]))[key]


# --- botbuilder's storage contract ---------------------------------------------------------


async def test_reading_unknown_keys_returns_nothing(storage: SqlStorage) -> None:
    assert await storage.read(["unknown"]) == {}
    await storage.write({"known": {"id": 1}})
    assert set(await storage.read(["unknown", "known"])) == {"known"}


async def test_none_is_rejected_and_empty_calls_do_nothing(storage: SqlStorage) -> None:
    with pytest.raises(ValueError, match="Keys are required when reading"):
        await storage.read(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Changes are required when writing"):
        await storage.write(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Keys are required when deleting"):
        await storage.delete(None)  # type: ignore[arg-type]
    assert await storage.read([]) == {}
    await storage.write({})
    await storage.delete([])


async def test_created_items_read_back_with_an_etag(storage: SqlStorage) -> None:
    await storage.write(
        {
            "createPoco": {"id": 1},
            "createPocoStoreItem": {"id": 2, "e_tag": "*"},
            "createStoreItem": StoreItem(id=3, e_tag="*"),
        }
    )

    items = await storage.read(["createPoco", "createPocoStoreItem", "createStoreItem"])

    assert items["createPoco"]["id"] == 1
    assert items["createPocoStoreItem"]["id"] == 2
    assert isinstance(items["createStoreItem"], StoreItem)
    assert items["createStoreItem"].id == 3
    etags = [
        items["createPoco"]["e_tag"],
        items["createPocoStoreItem"]["e_tag"],
        items["createStoreItem"].e_tag,
    ]
    assert all(isinstance(etag, str) and etag not in ("", "*") for etag in etags)


async def test_odd_keys_are_stored_verbatim(storage: SqlStorage) -> None:
    keys = ['!@#$%^&*()_+??><":QASD~`', "msteams/conversations/a:1Åäö'; DROP TABLE bot_state;--"]
    await storage.write({key: {"id": index} for index, key in enumerate(keys)})

    items = await storage.read(keys)

    assert {key: item["id"] for key, item in items.items()} == {keys[0]: 0, keys[1]: 1}


async def test_keys_longer_than_the_column_are_refused(storage: SqlStorage) -> None:
    await storage.write({"k" * 512: {"id": 1}})
    with pytest.raises(ValueError, match="at most 512"):
        await storage.write({"k" * 513: {"id": 1}})
    assert set(await storage.read(["k" * 512, "k" * 513])) == {"k" * 512}


async def test_update_with_the_current_etag(storage: SqlStorage) -> None:
    await storage.write({"item": {"count": 1}})
    loaded = await read_one(storage, "item")
    read_etag = loaded["e_tag"]

    loaded["count"] = 2
    await storage.write({"item": loaded})

    assert int(loaded["e_tag"]) == int(read_etag) + 1  # the caller's item has the new e-tag
    assert await read_one(storage, "item") == {"count": 2, "e_tag": loaded["e_tag"]}


async def test_a_stale_etag_conflicts_and_the_stored_state_stays(storage: SqlStorage) -> None:
    key = "test/conversations/greta-johansson"
    await storage.write({key: {"name": NAME, "count": 1}})
    first = await read_one(storage, key)
    second = await read_one(storage, key)
    first["count"] = 2
    await storage.write({key: first})

    second["count"] = 3
    stale_etag = second["e_tag"]
    with pytest.raises(StorageConflict) as caught:
        await storage.write({key: second})

    assert caught.value.key == key
    assert "greta" not in str(caught.value).lower()  # no personal data in the message
    assert second["e_tag"] == stale_etag
    assert (await read_one(storage, key))["count"] == 2


async def test_store_items_carry_their_etag_as_an_attribute(storage: SqlStorage) -> None:
    item = StoreItem(count=1, e_tag="*")
    await storage.write({"item": item})
    stale = await read_one(storage, "item")
    item.count = 2
    await storage.write({"item": item})  # e_tag was set on the object by the first write

    stale.count = 3
    with pytest.raises(StorageConflict):
        await storage.write({"item": stale})
    loaded = await read_one(storage, "item")
    assert (loaded.count, loaded.e_tag) == (2, item.e_tag)


async def test_wildcard_and_no_etag_overwrite_whatever_is_stored(storage: SqlStorage) -> None:
    await storage.write({"item": {"count": 1}})
    stale = await read_one(storage, "item")
    await storage.write({"item": {"count": 2, "e_tag": stale["e_tag"]}})

    await storage.write({"item": {"count": 3, "e_tag": "*"}})
    assert (await read_one(storage, "item"))["count"] == 3

    await storage.write({"item": {"count": 4, "e_tag": None}})
    assert (await read_one(storage, "item"))["count"] == 4


@pytest.mark.parametrize("etag", ["", "abc", "1.0", "999"])
async def test_an_etag_no_row_has_conflicts(storage: SqlStorage, etag: str) -> None:
    await storage.write({"item": {"count": 1}})

    with pytest.raises(StorageConflict):
        await storage.write({"item": {"count": 9, "e_tag": etag}})

    assert (await read_one(storage, "item"))["count"] == 1


async def test_a_new_key_with_an_etag_conflicts(storage: SqlStorage) -> None:
    with pytest.raises(StorageConflict):
        await storage.write({"new": {"count": 1, "e_tag": "1"}})

    assert await storage.read(["new"]) == {}


async def test_a_write_is_all_or_nothing(storage: SqlStorage) -> None:
    await storage.write({"a": {"count": 1}, "b": {"count": 1}})
    stale_b = await read_one(storage, "b")
    await storage.write({"b": {"count": 2, "e_tag": "*"}})

    with pytest.raises(StorageConflict):
        await storage.write({"a": {"count": 2}, "b": stale_b})

    items = await storage.read(["a", "b"])
    assert (items["a"]["count"], items["b"]["count"]) == (1, 2)


async def test_delete_removes_keys_and_ignores_missing_ones(storage: SqlStorage) -> None:
    await storage.write({"delete1": {"count": 1, "e_tag": "*"}, "keep": {"count": 2}})
    assert (await read_one(storage, "delete1"))["count"] == 1

    await storage.delete(["delete1", "unknown_key"])
    await storage.delete(["unknown_key"])

    assert set(await storage.read(["delete1", "keep"])) == {"keep"}


async def test_a_batch_of_keys(storage: SqlStorage) -> None:
    await storage.write({"batch1": {"count": 10}, "batch2": {"count": 20}, "batch3": {"count": 30}})

    result = await storage.read(["batch1", "batch2", "batch3"])
    assert {key: item["count"] for key, item in result.items()} == {
        "batch1": 10,
        "batch2": 20,
        "batch3": 30,
    }

    await storage.delete(["batch1", "batch2", "batch3"])
    assert await storage.read(["batch1", "batch2", "batch3"]) == {}


# --- a draft saved with the turn's state --------------------------------------------------


async def stored_draft(engine: AsyncEngine, vault: Vault, user_id: str) -> OrderDraft | None:
    async with Database(engine, PayloadCodec(vault)).transaction() as uow:
        return await uow.drafts.get(user_id)


def staged(user_id: str, name: str, at: datetime | None = None) -> StagedDraft:
    draft = OrderDraft(user_id=user_id, brukare_name=name)
    return StagedDraft(draft, at or datetime.now(UTC))


async def test_a_staged_draft_is_saved_with_the_state(
    engine: AsyncEngine, storage: SqlStorage, vault: Vault
) -> None:
    await storage.write({"conversation": {"step": 1}}, staged("staff-1", NAME))
    item = await read_one(storage, "conversation")
    item["step"] = 2
    await storage.write({"conversation": item}, staged("staff-1", "Karin Andersson"))

    draft = await stored_draft(engine, vault, "staff-1")
    assert draft is not None and draft.brukare_name == "Karin Andersson"
    assert (await read_one(storage, "conversation"))["step"] == 2


@pytest.mark.parametrize("keys", [["conversation"], ["conversation", "other"]])
async def test_a_conflicting_write_saves_no_draft_either(
    engine: AsyncEngine, storage: SqlStorage, vault: Vault, keys: list[str]
) -> None:
    await storage.write({key: {"step": 1} for key in keys}, staged("staff-1", NAME))
    stale = {key: await read_one(storage, key) for key in keys}
    await storage.write({"conversation": {**stale["conversation"]}})  # another turn saved first

    for item in stale.values():
        item["step"] = 2
    with pytest.raises(StorageConflict):
        await storage.write(stale, staged("staff-1", "Karin Andersson"))

    draft = await stored_draft(engine, vault, "staff-1")
    assert draft is not None and draft.brukare_name == NAME
    assert [(await read_one(storage, key))["step"] for key in keys] == [1] * len(keys)


async def test_a_draft_saved_with_the_state_ages_like_any_draft(
    engine: AsyncEngine, storage: SqlStorage, vault: Vault
) -> None:
    now = datetime.now(UTC)
    await storage.write({"old": {}}, staged("staff-old", NAME, now - timedelta(days=40)))
    await storage.write({"new": {}}, staged("staff-new", NAME, now - timedelta(days=1)))

    async with Database(engine, PayloadCodec(vault)).transaction() as uow:
        assert await uow.retention.delete_drafts(now - timedelta(days=30)) == 1
    assert await stored_draft(engine, vault, "staff-old") is None
    assert await stored_draft(engine, vault, "staff-new") is not None


async def test_a_broken_connection_is_dropped_and_the_next_read_works(
    engine: AsyncEngine, storage: SqlStorage, new_engine: Callable[[], AsyncEngine]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite connections do not break")
    await storage.write({"conversation": {"step": 1}})
    async with new_engine().connect() as admin:  # as a server restart would: every session ends
        await admin.execute(text(TERMINATE_OTHER_SESSIONS))

    with pytest.raises(ConnectionLost):
        await storage.read(["conversation"])
    assert (await read_one(storage, "conversation"))["step"] == 1


# --- encryption at rest ------------------------------------------------------------------


def sqlite_files_bytes(database_url: str) -> bytes:
    """Everything SQLite wrote to disk for this database: the file, its WAL and shared memory."""
    database = Path(make_url(database_url).database or "")
    return b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))


async def test_state_is_encrypted_on_disk(
    database_url: str, engine: AsyncEngine, storage: SqlStorage, vault: Vault
) -> None:
    await storage.write({"c": {"draft": {"name": NAME, "personnummer": PERSONNUMMER}}})

    async with engine.connect() as conn:
        raw = (await conn.execute(select(bot_state.c.data))).scalar_one()

    for secret in (b"Greta", PERSONNUMMER.encode(), b"draft"):
        assert secret not in raw
    assert PERSONNUMMER.encode() in vault.decrypt(raw)  # it is the state, only encrypted
    if engine.dialect.name == "sqlite":
        on_disk = sqlite_files_bytes(database_url)
        assert b"bot_state" in on_disk  # looked at the right files
        assert b"Greta" not in on_disk
        assert PERSONNUMMER.encode() not in on_disk


async def test_state_cannot_be_read_with_another_key(engine: AsyncEngine, storage: SqlStorage):
    await storage.write({"c": {"name": NAME}})
    stranger = SqlStorage(engine, Vault([Fernet.generate_key().decode()]))

    with pytest.raises(ConfigurationError):
        await stranger.read(["c"])


# --- retention ---------------------------------------------------------------------------


async def test_prune_deletes_rows_not_written_since(engine: AsyncEngine, storage: SqlStorage):
    await storage.write({"old": {"n": 1}, "fresh": {"n": 2}})
    async with engine.begin() as conn:
        await conn.execute(
            update(bot_state)
            .where(bot_state.c.key == "old")
            .values(updated_at=datetime.now(UTC) - timedelta(days=40))
        )

    assert await storage.prune(datetime.now(UTC) - timedelta(days=30)) == 1
    assert set(await storage.read(["old", "fresh"])) == {"fresh"}
    assert await storage.prune(datetime.now(UTC) - timedelta(days=30)) == 0


async def test_prune_compares_instants_not_wall_clocks(storage: SqlStorage) -> None:
    await storage.write({"item": {"n": 1}})
    tokyo, new_york = timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))

    # An hour ago in Tokyo reads later than now in UTC; an hour ahead in New York reads earlier.
    assert await storage.prune((datetime.now(UTC) - timedelta(hours=1)).astimezone(tokyo)) == 0
    assert await storage.prune((datetime.now(UTC) + timedelta(hours=1)).astimezone(new_york)) == 1
    with pytest.raises(ValueError, match="timezone-aware"):
        await storage.prune(datetime.now())  # naive


# --- concurrency -------------------------------------------------------------------------


async def racing_storages(
    new_engine: Callable[[], AsyncEngine], vault: Vault, count: int
) -> list[SqlStorage]:
    """Storages on engines of their own (like separate processes), connected before the race."""
    storages = []
    for _ in range(count):
        engine = new_engine()
        async with engine.connect():
            pass
        storages.append(SqlStorage(engine, vault))
    return storages


async def test_concurrent_writers_with_the_same_etag_one_wins(
    storage: SqlStorage, new_engine: Callable[[], AsyncEngine], vault: Vault
) -> None:
    key = "test/conversations/race"
    await storage.write({key: {"writer": None}})
    etag = (await read_one(storage, key))["e_tag"]
    writers = await racing_storages(new_engine, vault, RACERS)

    results = await asyncio.gather(
        *(w.write({key: {"writer": n, "e_tag": etag}}) for n, w in enumerate(writers)),
        return_exceptions=True,
    )

    winners = [n for n, result in enumerate(results) if result is None]
    losers = [result for result in results if result is not None]
    assert len(winners) == 1, results
    assert all(isinstance(loser, StorageConflict) for loser in losers), losers
    stored = await read_one(storage, key)
    assert (stored["writer"], int(stored["e_tag"])) == (winners[0], int(etag) + 1)


async def test_concurrent_creates_of_a_new_key_never_leak_database_errors(
    storage: SqlStorage, new_engine: Callable[[], AsyncEngine], vault: Vault
) -> None:
    key = "test/conversations/new"
    writers = await racing_storages(new_engine, vault, RACERS)

    results = await asyncio.gather(
        *(w.write({key: {"writer": n}}) for n, w in enumerate(writers)),
        return_exceptions=True,
    )

    # Unconditional writes are upserts: each lands as if in some serial order, none is lost.
    assert results == [None] * RACERS
    stored = await read_one(storage, key)
    assert stored["writer"] in range(RACERS)
    assert int(stored["e_tag"]) == RACERS


# --- botbuilder state on top of the storage ----------------------------------------------


def message(conversation_id: str) -> Activity:
    # An explicit channel id: TestAdapter's default is an Enum that ConversationState
    # formats as "Channels.test" in its storage key.
    return Activity(
        type=ActivityTypes.message,
        channel_id="test",
        service_url="https://test.invalid",
        conversation=ConversationAccount(id=conversation_id),
        from_property=ChannelAccount(id="user"),
        recipient=ChannelAccount(id="bot"),
        text="hej",
    )


def turn_context() -> TurnContext:
    return TurnContext(TestAdapter(), message("c1"))


async def seeded_conversation_state(storage: SqlStorage) -> ConversationState:
    state = ConversationState(storage)
    context = turn_context()
    await state.load(context)
    await state.create_property("draft").set(context, {"name": "G"})
    await state.save_changes(context)
    return state


async def test_a_second_save_in_the_same_turn_works(storage: SqlStorage) -> None:
    state = await seeded_conversation_state(storage)
    draft = state.create_property("draft")
    context = turn_context()
    await state.load(context)

    await draft.set(context, {"name": "Greta"})
    await state.save_changes(context)
    await draft.set(context, {"name": NAME})
    await state.save_changes(context)

    later = turn_context()
    await state.load(later)
    assert await draft.get(later) == {"name": NAME}


async def test_two_turns_from_the_same_state_conflict(storage: SqlStorage) -> None:
    state = await seeded_conversation_state(storage)
    draft = state.create_property("draft")
    first, second = turn_context(), turn_context()
    await state.load(first)
    await state.load(second)

    await draft.set(first, {"name": "first"})
    await draft.set(second, {"name": "second"})
    await state.save_changes(first)
    with pytest.raises(StorageConflict):
        await state.save_changes(second)

    later = turn_context()
    await state.load(later)
    assert await draft.get(later) == {"name": "first"}


class OrderBot:
    """A two-question waterfall whose state lives only in the storage it gets (one process)."""

    def __init__(self, storage: SqlStorage) -> None:
        self.state = ConversationState(storage)
        self.dialogs = DialogSet(self.state.create_property("DialogState"))
        self.dialogs.add(TextPrompt("text"))
        self.dialogs.add(WaterfallDialog("order", [self.ask_name, self.ask_phone, self.finish]))

    async def on_turn(self, context: TurnContext) -> None:
        dialog_context = await self.dialogs.create_context(context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog("order")
        await self.state.save_changes(context)

    async def ask_name(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text(ASK_NAME)))

    async def ask_phone(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["name"] = step.result
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text(ASK_PHONE)))

    async def finish(self, step: WaterfallStepContext) -> DialogTurnResult:
        await step.context.send_activity(f"Klart: {step.values['name']}, {step.result}")
        return await step.end_dialog()


def assert_waiting_for_the_phone(dialog_state: object) -> None:
    """The stored stack: the waterfall at step 1 under the phone prompt, as the same classes."""
    assert isinstance(dialog_state, DialogState)
    waterfall, prompt = dialog_state.dialog_stack[1], dialog_state.dialog_stack[0]
    assert isinstance(waterfall, DialogInstance)
    assert (waterfall.id, waterfall.state["stepIndex"]) == ("order", 1)
    assert waterfall.state["values"] == {"name": NAME}
    options = prompt.state["options"]
    assert isinstance(options, PromptOptions)
    assert isinstance(options.prompt, Activity)
    assert options.prompt.text == ASK_PHONE


async def test_a_dialog_continues_at_the_same_question_after_a_restart(
    engine: AsyncEngine, vault: Vault, new_engine: Callable[[], AsyncEngine]
) -> None:
    before = TestAdapter(OrderBot(SqlStorage(engine, vault)).on_turn, message(ORDER_CONVERSATION))
    await (await before.send("beställ")).assert_reply(ASK_NAME)
    await (await before.send(NAME)).assert_reply(ASK_PHONE)
    await engine.dispose()  # the process ends: only the database is left

    storage = SqlStorage(new_engine(), vault)
    assert_waiting_for_the_phone((await read_one(storage, ORDER_CONVERSATION_KEY))["DialogState"])
    after = TestAdapter(OrderBot(storage).on_turn, message(ORDER_CONVERSATION))
    await (await after.send(PHONE)).assert_reply(f"Klart: {NAME}, {PHONE}")

    finished = await read_one(storage, ORDER_CONVERSATION_KEY)
    assert finished["DialogState"].dialog_stack == []
