"""The botbuilder Storage for bot state: encrypted, versioned rows in SQL."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import ConversationState, Storage, TurnContext
from botbuilder.core.bot_state import CachedBotState
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.crypto import Vault
from bot.store.db import metadata
from bot.store.state_codec import dump_state, load_state

KEY_LENGTH = 512
ANY_ETAG = "*"
ETAG_FIELD = "e_tag"

bot_state = Table(
    "bot_state",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

# Dialect-specific INSERT constructs; both offer ON CONFLICT DO UPDATE ... RETURNING.
_INSERTS: dict[str, Callable[..., Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


class StorageConflict(Exception):
    """A conditional write lost: the state changed since the writer read it (stale e-tag)."""

    def __init__(self, key: str) -> None:
        super().__init__("bot state was changed by another writer since it was read (stale e-tag)")
        self.key = key


class SqlStorage(Storage):
    """Bot state in the `bot_state` table, serialised by state_codec and encrypted with the Vault.

    The row's `version` is the e-tag. An item whose e-tag is None or "*" is upserted
    unconditionally; any other e-tag must equal the stored version, else StorageConflict.
    """

    def __init__(self, engine: AsyncEngine, vault: Vault) -> None:
        dialect = engine.dialect.name
        if dialect not in _INSERTS:
            raise ValueError(f"SqlStorage supports SQLite and PostgreSQL, not {dialect}")
        self._engine = engine
        # One statement is atomic by itself: on PostgreSQL it skips the BEGIN and COMMIT round trips.
        autocommit = dialect == "postgresql"
        self._one_statement = engine.execution_options(isolation_level="AUTOCOMMIT") if autocommit else engine
        self._vault = vault
        self._insert = _INSERTS[dialect]

    async def read(self, keys: Iterable[str]) -> dict[str, object]:
        """The stored items of `keys` (missing keys are left out), in one query."""
        if keys is None:
            raise ValueError("Keys are required when reading")
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        query = select(bot_state.c.key, bot_state.c.data, bot_state.c.version).where(
            bot_state.c.key.in_(wanted)
        )
        async with self._one_statement.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {row.key: self._load(row.data, row.version) for row in rows}

    async def write(self, changes: Mapping[str, object]) -> None:
        """Store every item in one transaction (all or nothing), then set each item's new e-tag."""
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        # Sorted keys: concurrent multi-key writers lock rows in the same order (no deadlocks).
        keys = sorted(_checked_key(key) for key in changes)
        blobs = {key: self._dump(changes[key]) for key in keys}
        now = datetime.now(UTC)
        async with (self._one_statement if len(keys) == 1 else self._engine).begin() as conn:
            versions = {
                key: await self._write_one(conn, key, blobs[key], _etag_of(changes[key]), now) for key in keys
            }
        for key in keys:
            _set_etag(changes[key], str(versions[key]))

    async def delete(self, keys: Iterable[str]) -> None:
        """Remove the rows of `keys`; keys that are not stored are ignored."""
        if keys is None:
            raise ValueError("Keys are required when deleting")
        doomed = list(dict.fromkeys(keys))
        if not doomed:
            return
        async with self._engine.begin() as conn:
            await conn.execute(delete(bot_state).where(bot_state.c.key.in_(doomed)))

    async def prune(self, older_than: datetime) -> int:
        """Delete state not written since `older_than` (timezone-aware); return how many rows."""
        if older_than.tzinfo is None:
            raise ValueError("older_than must be timezone-aware")
        # SQLite keeps the UTC wall time without an offset, so compare in UTC.
        cutoff = older_than.astimezone(UTC)
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(bot_state).where(bot_state.c.updated_at < cutoff))
        return result.rowcount

    async def _write_one(
        self, conn: AsyncConnection, key: str, blob: bytes, etag: object, now: datetime
    ) -> int:
        if etag is None or etag == ANY_ETAG:
            return await self._upsert(conn, key, blob, now)
        return await _update_if_current(conn, key, blob, etag, now)

    async def _upsert(self, conn: AsyncConnection, key: str, blob: bytes, now: datetime) -> int:
        """Insert or overwrite atomically (no insert race), returning the new version."""
        insert = self._insert(bot_state).values(key=key, data=blob, version=1, updated_at=now)
        statement = insert.on_conflict_do_update(
            index_elements=[bot_state.c.key],
            set_={
                "data": insert.excluded.data,
                "version": bot_state.c.version + 1,
                "updated_at": insert.excluded.updated_at,
            },
        ).returning(bot_state.c.version)
        return (await conn.execute(statement)).scalar_one()

    def _dump(self, item: object) -> bytes:
        return self._vault.encrypt(dump_state(_without_etag(item)))

    def _load(self, blob: bytes, version: int) -> object:
        item = load_state(self._vault.decrypt(blob))
        _set_etag(item, str(version))
        return item


class OncePerTurnConversationState(ConversationState):
    """ConversationState that reads the storage once per turn and serialises the state only to write it.

    Stock BotState re-reads while the state is empty and serialises it three more times per turn
    (hashes before and after saving, to skip unchanged writes); here a turn that saves always writes.
    """

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        if force or self.get_cached_state(turn_context) is None:
            key = self.get_storage_key(turn_context)
            items = await self._storage.read([key])
            turn_context.turn_state[self._context_service_key] = _Loaded(items.get(key))

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        cached = self.get_cached_state(turn_context)
        if cached is not None:
            await self._storage.write({self.get_storage_key(turn_context): cached.state})


class _Loaded(CachedBotState):
    """The state as read this turn, without the hash copy stock BotState keeps."""

    def __init__(self, state: dict[str, object] | None = None) -> None:
        self.state = state if state is not None else {}
        self.hash = ""


async def _update_if_current(
    conn: AsyncConnection, key: str, blob: bytes, etag: object, now: datetime
) -> int:
    """Overwrite only if the stored version still equals `etag`; else StorageConflict."""
    expected = _version_of(etag)
    if expected is None:
        raise StorageConflict(key)
    statement = (
        update(bot_state)
        .where(bot_state.c.key == key, bot_state.c.version == expected)
        .values(data=blob, version=expected + 1, updated_at=now)
    )
    if (await conn.execute(statement)).rowcount != 1:
        raise StorageConflict(key)
    return expected + 1


def _version_of(etag: object) -> int | None:
    """The version an e-tag names; None for an e-tag no stored row can have ("" or garbage)."""
    if not isinstance(etag, str | int) or isinstance(etag, bool):
        return None
    try:
        return int(etag)
    except ValueError:
        return None


def _checked_key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError("a state key must be a non-empty string")
    if len(key) > KEY_LENGTH:
        raise ValueError(f"a state key must be at most {KEY_LENGTH} characters")
    return key


def _etag_of(item: object) -> object:
    if isinstance(item, dict):
        return item.get(ETAG_FIELD)
    return getattr(item, ETAG_FIELD, None)


def _set_etag(item: object, etag: str) -> None:
    if isinstance(item, dict):
        item[ETAG_FIELD] = etag
        return
    with contextlib.suppress(AttributeError, TypeError):
        setattr(item, ETAG_FIELD, etag)


def _without_etag(item: object) -> object:
    """A dict item without its e-tag (the row's version is the truth); other items as they are."""
    if isinstance(item, dict):
        return {name: value for name, value in item.items() if name != ETAG_FIELD}
    return item
