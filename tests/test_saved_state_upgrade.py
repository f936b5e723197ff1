"""Conversations saved by earlier versions (pickled rendered prompts, jsonpickle) go on after an upgrade."""

# Each fixture in tests/data/saved_state/ was recorded with the version before prompts were kept as
# plain values: a test-only order (Skatteverket's test personnummer, PTS's fictional phones) played up
# to a question, the state row it left (decrypted), and what that version answered to the next
# messages when it continued from the row on a fresh database. The new version must answer the same.

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonpickle
import pytest
from botbuilder.schema import Activity, ActivityTypes
from cryptography.fernet import Fernet
from sqlalchemy import insert

from bot.crypto import Vault
from bot.domain import Order
from bot.store.db import create_engine
from bot.store.state_codec import load_state
from bot.store.state_storage import bot_state
from tests.support.bot_harness import RunningBot, running_bot

SAVED = Path(__file__).parent / "data" / "saved_state"
# Where each saved conversation stood, and the portkod its order is filed with (the summary's is changed).
SAVED_AT = {"summary": "4321", "outer_door": "1234", "contact_relation": "1234"}
FIRST_REFERENCE = "VT-2026-0001"  # the order the saved conversation files on the fresh database
Turns = list[dict[str, Any]]  # [{"say": ..., "replies": [{"text", "buttons", "card"}, ...]}, ...]


@dataclass
class Saved:
    """A state row as an earlier version wrote it, and that version's answers to what came next."""

    key: str
    plain: bytes  # the row's bytes before encryption
    turns: Turns

    @classmethod
    def read(cls, name: str) -> Saved:
        data = json.loads((SAVED / f"{name}.json").read_text(encoding="utf-8"))
        return cls(data["key"], base64.b64decode(data["state"]), data["turns"])

    def says(self) -> list[str]:
        return [turn["say"] for turn in self.turns]


def described(activity: Activity) -> dict[str, Any]:
    """What the user sees of a reply: its text, its buttons' words and its card."""
    actions = activity.suggested_actions.actions if activity.suggested_actions else []
    return {
        "text": activity.text,
        "buttons": [action.value for action in actions],
        "card": [attachment.content for attachment in activity.attachments or []],
    }


async def store_row(database_url: str, key: str, plain: bytes, vault: Vault) -> None:
    """Write a state row as the earlier version did: its bytes, encrypted, at version 1."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            row = {"key": key, "data": vault.encrypt(plain), "version": 1, "updated_at": datetime.now(UTC)}
            await conn.execute(insert(bot_state).values(**row))
    finally:
        await engine.dispose()


async def go_on(running: RunningBot, says: list[str]) -> Turns:
    """Say each message in the stored conversation; every turn's replies as the user sees them."""
    chat = running.chat()
    turns = []
    for text in says:
        replies = await chat.send(Activity(type=ActivityTypes.message, text=text))
        turns.append({"say": text, "replies": [described(reply) for reply in replies]})
    return turns


async def continued(database_url: str, saved: Saved, plain: bytes) -> tuple[Turns, Order | None]:
    """A new bot on a fresh database holding only the saved row: the next turns, and the filed order."""
    fernet_key = Fernet.generate_key().decode()
    async with running_bot(database_url, fernet_key) as running:
        await store_row(database_url, saved.key, plain, Vault([fernet_key]))
        turns = await go_on(running, saved.says())
        return turns, await running.orders.get(FIRST_REFERENCE)


@pytest.mark.parametrize(("name", "portkod"), SAVED_AT.items())
async def test_a_conversation_pickled_by_the_earlier_version_goes_on_as_before(
    database_url: str, name: str, portkod: str
) -> None:
    saved = Saved.read(name)
    turns, order = await continued(database_url, saved, saved.plain)
    assert turns == saved.turns
    assert order is not None and order.details.brukare.portkod == portkod


@pytest.mark.parametrize("name", SAVED_AT)
async def test_a_conversation_saved_with_jsonpickle_goes_on_as_before(database_url: str, name: str) -> None:
    saved = Saved.read(name)
    as_jsonpickle = jsonpickle.encode(load_state(saved.plain), keys=True, warn=True).encode()
    turns, order = await continued(database_url, saved, as_jsonpickle)
    assert turns == saved.turns
    assert order is not None and order.details.brukare.name == "Greta Johansson"
