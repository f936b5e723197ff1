"""HTTP test helpers: an order's answers by question, raw posts, and the app's database read back."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession
from sqlalchemy import func, select

from bot.crypto import Vault, load_keys
from bot.orders import OrderService
from bot.settings import Settings
from bot.store import tables
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.unit_of_work import Database
from tests.support.testdata import TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[1]  # 194605076654

# A whole order, one answer per question, named by the question the answer is for.
ORDER_STEPS: tuple[tuple[str, str], ...] = (
    ("start", "beställ"),
    ("treserva", "ja"),
    ("key_receipt", "ja"),
    ("journal", "ja"),
    ("unit", "Hemtjänst Ryd"),
    ("orderer_name", "Karin Andersson"),
    ("orderer_phone", "070-174 06 10"),
    ("brukare_name", "Greta Johansson"),
    ("personnummer", f"{PNR[:8]}-{PNR[8:]}"),
    ("street", "Storgatan 12"),
    ("postnummer", "58223"),
    ("ort", "Linköping"),
    ("phone", "070-174 06 05"),
    ("portkod", "1234"),
    ("tag_needed", "ja"),
    ("tag_collected", "ja"),
    ("contact_kind", "närstående"),
    ("contact_name", "Anna Johansson"),
    ("contact_relation", "dotter"),
    ("contact_phone", "070-174 06 06"),
    ("more_contacts", "nej"),
    ("rubrik", "1"),
    ("underrubrik", "1"),
)
ORDER_ANSWERS = [answer for _, answer in ORDER_STEPS]
STEP_NAMES = [name for name, _ in ORDER_STEPS]

REFERENCE = re.compile(r"VT-(\d{4})-(\d{4})")


def answers_through(step: str) -> list[str]:
    """The answers from `beställ` up to and including the answer to `step`."""
    return ORDER_ANSWERS[: STEP_NAMES.index(step) + 1]


def answers_after(step: str) -> list[str]:
    """The answers that follow the answer to `step`, up to the summary."""
    return ORDER_ANSWERS[STEP_NAMES.index(step) + 1 :]


def answers_with(step: str, answer: str) -> list[str]:
    """A whole order in which `step` is answered with `answer`."""
    return [answer if name == step else given for name, given in ORDER_STEPS]


def messages_with_reference(texts: Iterable[str]) -> list[str]:
    """The bot's messages that name an order reference (the user sees these as 'my reference')."""
    return [text for text in texts if REFERENCE.search(text)]


def reference_in(text: str) -> str:
    found = REFERENCE.search(text)
    assert found is not None, text
    return found.group(0)


async def post_raw(
    session: ClientSession, app_url: str, body: bytes, content_type: str = "application/json"
) -> int:
    """POST `body` as it is to the messages endpoint; the response status."""
    headers = {"Content-Type": content_type}
    async with session.post(f"{app_url}/api/messages", data=body, headers=headers) as response:
        await response.read()
        return response.status


@asynccontextmanager
async def app_database(settings: Settings) -> AsyncIterator[Database]:
    """The app's database, opened as app.py opens it (same engine setup, keys and codec)."""
    engine = create_engine(settings.database_url)
    vault = Vault(load_keys(settings.data_encryption_key, settings.data_dir, settings.local_mode))
    try:
        yield Database(engine, PayloadCodec(vault))
    finally:
        await engine.dispose()


@asynccontextmanager
async def order_service(settings: Settings) -> AsyncIterator[OrderService]:
    async with app_database(settings) as database:
        yield OrderService(database)


async def count_orders(settings: Settings) -> int:
    async with app_database(settings) as database, database.transaction() as uow:
        return int(await uow.conn.scalar(select(func.count()).select_from(tables.orders)) or 0)


async def stored_conversation(settings: Settings, conversation_id: str) -> dict[str, Any] | None:
    """The `conversations` row of `conversation_id` as stored (the reference is the JSON column)."""
    conversations = tables.conversations
    query = select(conversations).where(conversations.c.conversation_key == conversation_id)
    async with app_database(settings) as database, database.transaction() as uow:
        row = (await uow.conn.execute(query)).mappings().first()
    return None if row is None else dict(row)
