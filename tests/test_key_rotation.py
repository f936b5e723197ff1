"""Key rotation: with a new key first old data stays readable; after `rotate-keys` only it is needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from adapters.admin import run
from bot import texts
from bot.crypto import ConfigurationError, Vault
from bot.settings import Settings
from bot.store.db import create_engine
from bot.store.rotation import rotate_keys
from tests.support.chatting import chatting
from tests.support.http_helpers import ORDER_ANSWERS, PNR, answers_after, answers_through, reference_in
from tests.support.stored_data import encrypted_values
from tests.support.team import ANNA, team_settings

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ENCRYPTED = {
    "orders.payload",
    "order_events.payload",
    "outbox.payload",
    "staff.payload",
    "drafts.payload",
    "bot_state.data",
}


def keyed(database_url: str, data_dir: Path, *keys: str) -> Settings:
    return team_settings(database_url, data_dir).model_copy(update={"data_encryption_key": keys})


def readable_with(key: str, values: list[tuple[str, bytes]]) -> set[str]:
    """The columns whose every value `key` alone decrypts."""
    vault = Vault([key])
    failed = set()
    for name, token in values:
        try:
            vault.decrypt(token)
        except ConfigurationError:
            failed.add(name)
    return {name for name, _ in values} - failed


async def test_after_rotation_only_the_newest_key_is_needed(database_url: str, tmp_path: Path) -> None:
    async with chatting(keyed(database_url, tmp_path, OLD)) as app:
        await app.chat(ANNA[0]).say("registrera teamkanal")  # gets notices
        filer = app.chat("staff-1")
        reference = reference_in((await filer.say_all(*ORDER_ANSWERS, "ja"))[-1])
        halfway = app.chat("staff-2", "conv-halfway")
        await halfway.say_all(*answers_through("brukare_name"))  # a draft, and dialog state mid-order
        await app.stop()
        before = await encrypted_values(database_url)
        assert {name for name, _ in before} >= ENCRYPTED
        assert readable_with(NEW, before) == set()

        await app.start(keyed(database_url, tmp_path, NEW, OLD))  # the new key first
        assert texts.ASK_STREET in (await halfway.say(f"{PNR[:8]}-{PNR[8:]}"))[-1]
        await app.stop()

        told = await run(keyed(database_url, tmp_path, NEW, OLD), ["rotate-keys"])
        assert "orders.payload" in told and "bot_state.data" in told
        after = await encrypted_values(database_url)
        assert readable_with(NEW, after) == {name for name, _ in after}
        assert readable_with(OLD, after) == set()

        await app.start(keyed(database_url, tmp_path, NEW))  # the old key is gone
        filed = await halfway.say_all(*answers_after("personnummer"), "ja")
        assert reference_in(filed[-1]) != reference
        found = await app.chat("staff-1").say(f"status {PNR[:8]}-{PNR[8:]}")
        assert reference in found[-1]


async def test_rotating_again_changes_nothing(database_url: str, tmp_path: Path) -> None:
    settings = keyed(database_url, tmp_path, OLD)
    async with chatting(settings) as app:
        await app.chat().say_all(*ORDER_ANSWERS, "ja")
    holding_values = {name for name, _ in await encrypted_values(database_url)}
    engine = create_engine(database_url)
    try:
        first = await rotate_keys(engine, Vault([NEW, OLD]))
        second = await rotate_keys(engine, Vault([NEW, OLD]))
    finally:
        await engine.dispose()
    assert {name for name, count in first.items() if count} == holding_values | {"orders.pnr_index"}
    assert sum(second.values()) == 0


async def test_data_under_an_unknown_key_stops_the_rotation_with_a_clear_error(
    database_url: str, tmp_path: Path
) -> None:
    settings = keyed(database_url, tmp_path, OLD)
    async with chatting(settings) as app:
        await app.chat().say("beställ")
    with pytest.raises(ConfigurationError, match="cannot be decrypted"):
        await run(keyed(database_url, tmp_path, NEW), ["rotate-keys"])
