"""The bot state's round trip: one read and one write per turn, a fast codec that loads only allowed types."""

from __future__ import annotations

import pickle
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import jsonpickle
import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.schema import Activity, ActivityTypes
from cryptography.fernet import Fernet
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

from bot.crypto import Vault
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.state_codec import UntrustedState, dump_state, load_state
from bot.store.state_storage import OncePerTurnConversationState, SqlStorage
from dialogs.messages import question


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield engine
    await engine.dispose()


async def _bot_state_statements(engine: AsyncEngine) -> list[str]:
    """Every statement on the bot_state table from now on, by its first word, as the driver ran it."""
    seen: list[str] = []

    def note(statement: str) -> None:
        if "bot_state" in statement:
            seen.append(statement.split()[0].upper())

    def listen(_dbapi_connection: object, record: Any) -> None:
        driver = record.driver_connection
        if engine.dialect.name == "postgresql":
            driver.add_query_logger(lambda logged: note(logged.query))
        else:
            await_only(driver.set_trace_callback(note))

    await engine.dispose()  # every connection from now on is a new one, and listened to
    event.listen(engine.sync_engine, "connect", listen)
    return seen


async def test_a_turn_reads_its_state_once_and_writes_it_once(engine: AsyncEngine) -> None:
    state = OncePerTurnConversationState(SqlStorage(engine, Vault([Fernet.generate_key().decode()])))
    answers = state.create_property("answers")
    step = state.create_property("step")

    async def turn(context: TurnContext) -> None:
        for _ in range(3):  # every property read goes through load(); an empty state is no reason to re-read
            await step.get(context, 0)
        (await answers.get(context, list)).append(context.activity.text)
        await step.set(context, len(await answers.get(context, list)))
        await state.save_changes(context)

    adapter = TestAdapter(turn)
    statements = await _bot_state_statements(engine)
    await adapter.send("ja")
    first_turn = list(statements)
    statements.clear()
    await adapter.send("nej")
    assert first_turn == ["SELECT", "INSERT"]
    assert statements == ["SELECT", "UPDATE"]


def test_dialog_state_survives_the_codec() -> None:
    prompt = question("Har ni verkställt insatserna i Treserva? (ja/nej)", ["ja", "nej"])
    state = DialogState([DialogInstance("order.answer", {"options": {"prompt": prompt}, "misses": 1})])
    loaded = load_state(dump_state({"dialog_state": state, "seen_activity_ids": ["a1"]}))
    assert isinstance(loaded, dict)
    instance = loaded["dialog_state"].dialog_stack[0]
    assert instance.id == "order.answer"
    assert instance.state["options"]["prompt"].suggested_actions.actions[1].value == "nej"
    assert instance.state["options"]["prompt"].type == ActivityTypes.message


def test_a_payload_naming_another_type_is_refused() -> None:
    with pytest.raises(UntrustedState):
        load_state(pickle.dumps(subprocess.Popen))


def test_state_saved_by_jsonpickle_is_still_read() -> None:
    saved = jsonpickle.encode({"seen_activity_ids": ["a1"], "activity": Activity(text="hej")}, keys=True)
    loaded = load_state(saved.encode())
    assert isinstance(loaded, dict)
    assert loaded["activity"].text == "hej"
