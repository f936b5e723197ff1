"""The botbuilder Storage for bot state: encrypted, versioned rows in SQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from botbuilder.core import ConversationState, Storage, TurnContext
from botbuilder.core.bot_state import CachedBotState
from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Table, delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Vault
from bot.drafts import OrderDraft
from bot.store.codec import PayloadCodec
from bot.store.db import metadata, turn_connection, writing
from bot.store.state_codec import dump_state, load_state
from bot.store.state_sql import BOT_STATE, DraftRow, StateWrite, state_sql

KEY_LENGTH = 512
ANY_ETAG = "*"
ETAG_FIELD = "e_tag"
STAGED_DRAFT = "trygghetslarm.staged_draft"

bot_state = Table(
    BOT_STATE,
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)


class StorageConflict(Exception):
    """A conditional write lost: the state changed since the writer read it (stale e-tag)."""

    def __init__(self, key: str) -> None:
        super().__init__("bot state was changed by another writer since it was read (stale e-tag)")
        self.key = key


class SqlStorage(Storage):
    """Bot state in the `bot_state` table, serialised by state_codec and encrypted with the Vault.

    The row's `version` is the e-tag. An item whose e-tag is None or "*" is upserted
    unconditionally; any other e-tag must equal the stored version, else StorageConflict.
    Reads and writes run on the driver's connection (bot/store/state_sql.py): they are every turn's.
    """

    def __init__(self, engine: AsyncEngine, vault: Vault) -> None:
        self._engine = engine
        self._sql = state_sql(engine.dialect.name)
        self._vault = vault
        self._drafts = PayloadCodec(vault)

    async def read(self, keys: Iterable[str]) -> dict[str, object]:
        """The stored items of `keys` (missing keys are left out), in one query."""
        if keys is None:
            raise ValueError("Keys are required when reading")
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        async with turn_connection(self._engine) as driver:
            rows = await self._sql.read(driver, wanted)
        return {row.key: self._load(row.data, row.version) for row in rows}

    async def write(self, changes: Mapping[str, object], draft: StagedDraft | None = None) -> None:
        """Store every item in one transaction (all or nothing), then set each item's new e-tag.

        `draft` is saved in the same transaction, so a draft never gets ahead of its conversation.
        """
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        # Sorted keys: concurrent multi-key writers lock rows in the same order (no deadlocks).
        keys = sorted(_checked_key(key) for key in changes)
        now = datetime.now(UTC)
        writes = [
            StateWrite(key, self._dump(changes[key]), _expected(key, changes[key]), now) for key in keys
        ]
        async with writing(self._engine), turn_connection(self._engine) as driver:
            versions = await self._sql.write(driver, writes, self._draft_row(draft))
        for key, version in zip(keys, versions, strict=True):
            if version is None:  # nothing was written
                raise StorageConflict(key)
        for key, version in zip(keys, versions, strict=True):
            _set_etag(changes[key], str(version))

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

    def _draft_row(self, staged: StagedDraft | None) -> DraftRow | None:
        if staged is None:
            return None
        return DraftRow(staged.draft.user_id, self._drafts.dump(staged.draft), staged.at)

    def _dump(self, item: object) -> bytes:
        return self._vault.encrypt(dump_state(_without_etag(item)))

    def _load(self, blob: bytes, version: int) -> object:
        item = load_state(self._vault.decrypt(blob))
        _set_etag(item, str(version))
        return item


@dataclass(frozen=True)
class StagedDraft:
    """An order draft to save with the turn's state, as it was at `at`."""

    draft: OrderDraft
    at: datetime


class OncePerTurnConversationState(ConversationState):
    """ConversationState that reads the storage once per turn and serialises the state only to write it.

    Stock BotState re-reads while the state is empty and serialises it three more times per turn
    (hashes before and after saving, to skip unchanged writes); here a turn that saves always writes.
    A draft staged during the turn is saved in the same transaction as the state, or not at all.
    """

    def __init__(self, storage: SqlStorage) -> None:
        super().__init__(storage)
        self._sql_storage = storage

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        if force or self.get_cached_state(turn_context) is None:
            key = self.get_storage_key(turn_context)
            items = await self._storage.read([key])
            turn_context.turn_state[self._context_service_key] = _Loaded(items.get(key))

    def stage_draft(self, turn_context: TurnContext, draft: OrderDraft, at: datetime) -> None:
        """Save `draft` when this turn's state is saved (a later stage in the same turn replaces it)."""
        turn_context.turn_state[STAGED_DRAFT] = StagedDraft(draft, at)

    def unstage_draft(self, turn_context: TurnContext) -> None:
        """Forget the staged draft: the turn filed or discarded it."""
        turn_context.turn_state.pop(STAGED_DRAFT, None)

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        cached = self.get_cached_state(turn_context)
        if cached is not None:
            key = self.get_storage_key(turn_context)
            staged = turn_context.turn_state.pop(STAGED_DRAFT, None)
            await self._sql_storage.write({key: cached.state}, staged)


class _Loaded(CachedBotState):
    """The state as read this turn, without the hash copy stock BotState keeps."""

    def __init__(self, state: dict[str, object] | None = None) -> None:
        self.state = state if state is not None else {}
        self.hash = ""


def _expected(key: str, item: object) -> int | None:
    """The version `item` was read at; None to overwrite whatever is stored (no e-tag, or "*")."""
    etag = _etag_of(item)
    if etag is None or etag == ANY_ETAG:
        return None
    version = _version_of(etag)
    if version is None:  # "" or garbage: no stored row has it
        raise StorageConflict(key)
    return version


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
