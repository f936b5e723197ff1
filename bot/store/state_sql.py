"""The statements every turn runs on `bot_state`, in each database's own SQL on the driver's connection.

A turn reads its conversation's state once and writes it once; these two statements are the hot
path of the whole bot, so they skip SQLAlchemy's statement building and run on the driver
(asyncpg, sqlite_inline) directly. A draft saved in the same turn is written by the same statement
(PostgreSQL) or transaction (SQLite) as the state, and only when the state's write succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from bot.store.tables import drafts

BOT_STATE = "bot_state"


class StateRow(NamedTuple):
    key: str
    data: bytes
    version: int


class DraftRow(NamedTuple):
    """An order draft to save together with the state (its payload already encrypted)."""

    user_id: str
    payload: bytes
    updated_at: datetime


class StateWrite(NamedTuple):
    """One key's new state: `expected` is the version it was read at, None to write whatever is there."""

    key: str
    data: bytes
    expected: int | None
    at: datetime


Versions = list[int | None]


class StateSql(Protocol):
    """Reads and writes `bot_state` rows on a driver connection."""

    async def read(self, driver: Any, keys: Sequence[str]) -> list[StateRow]:
        """The stored rows of `keys`."""
        ...

    async def write(self, driver: Any, writes: Sequence[StateWrite], draft: DraftRow | None) -> Versions:
        """Each key's new version; None where the stored version was not the expected one.

        With a None anywhere, nothing is written (neither the other keys nor the draft).
        """
        ...


_UPDATE = f"""
    UPDATE {BOT_STATE} SET data = {{data}}, version = version + 1, updated_at = {{at}}
    WHERE key = {{key}} AND version = {{expected}} RETURNING version"""
_UPSERT = f"""
    INSERT INTO {BOT_STATE} (key, data, version, updated_at) VALUES ({{key}}, {{data}}, 1, {{at}})
    ON CONFLICT (key) DO UPDATE
    SET data = excluded.data, version = {BOT_STATE}.version + 1, updated_at = excluded.updated_at
    RETURNING version"""
_DRAFT_UPSERT = f"""
    INSERT INTO {drafts.name} (user_id, payload, updated_at) {{rows}}
    ON CONFLICT (user_id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at"""


class PostgresStateSql:
    """asyncpg: a single write is one autocommitted statement; the draft rides along in a CTE."""

    async def read(self, driver: Any, keys: Sequence[str]) -> list[StateRow]:
        sql = f"SELECT key, data, version FROM {BOT_STATE} WHERE key = ANY($1::text[])"
        rows = await driver.fetch(sql, keys)
        return [StateRow(row["key"], row["data"], row["version"]) for row in rows]

    async def write(self, driver: Any, writes: Sequence[StateWrite], draft: DraftRow | None) -> Versions:
        if len(writes) == 1:
            return [await self._write_one(driver, writes[0], draft)]
        transaction = driver.transaction()
        await transaction.start()
        try:
            versions = [await self._write_one(driver, write, None) for write in writes]
            if draft is not None and None not in versions:
                await driver.execute(_DRAFT_UPSERT.format(rows="VALUES ($1, $2, $3)"), *draft)
        except BaseException:
            await transaction.rollback()
            raise
        await (transaction.commit() if None not in versions else transaction.rollback())
        return versions

    @staticmethod
    async def _write_one(driver: Any, write: StateWrite, draft: DraftRow | None) -> int | None:
        names = {"key": "$1", "data": "$2", "at": "$3", "expected": "$4"}
        arguments: list[object] = [write.key, write.data, write.at]
        statement = _UPSERT if write.expected is None else _UPDATE
        if write.expected is not None:
            arguments.append(write.expected)
        sql = statement.format(**names)
        if draft is not None:  # inserted from the saved row, so only when the state was saved
            first = len(arguments) + 1
            rows = f"SELECT ${first}::text, ${first + 1}::bytea, ${first + 2}::timestamptz FROM saved"
            draft_upsert = _DRAFT_UPSERT.format(rows=rows)
            sql = f"WITH saved AS ({sql}), draft AS ({draft_upsert}) SELECT version FROM saved"
            arguments.extend(draft)
        return await driver.fetchval(sql, *arguments)


class SqliteStateSql:
    """sqlite_inline: writes in one BEGIN IMMEDIATE transaction, the draft only when every key was saved."""

    async def read(self, driver: Any, keys: Sequence[str]) -> list[StateRow]:
        marks = ", ".join("?" for _ in keys)
        sql = f"SELECT key, data, version FROM {BOT_STATE} WHERE key IN ({marks})"
        cursor = await driver.execute(sql, list(keys))
        return [StateRow(*row) for row in await cursor.fetchall()]

    async def write(self, driver: Any, writes: Sequence[StateWrite], draft: DraftRow | None) -> Versions:
        await driver.execute("BEGIN IMMEDIATE")
        try:
            versions = [await self._write_one(driver, write) for write in writes]
            if draft is not None and None not in versions:
                row = (draft.user_id, draft.payload, _sqlite_time(draft.updated_at))
                await driver.execute(_DRAFT_UPSERT.format(rows="VALUES (?, ?, ?)"), row)
        except BaseException:
            await driver.rollback()
            raise
        await (driver.commit() if None not in versions else driver.rollback())
        return versions

    @staticmethod
    async def _write_one(driver: Any, write: StateWrite) -> int | None:
        names = {"key": ":key", "data": ":data", "at": ":at", "expected": ":expected"}
        statement = (_UPSERT if write.expected is None else _UPDATE).format(**names)
        values = {**write._asdict(), "at": _sqlite_time(write.at)}
        cursor = await driver.execute(statement, values)
        rows = await cursor.fetchall()  # to the end: a statement still running would keep COMMIT waiting
        return int(rows[0][0]) if rows else None


def _sqlite_time(moment: datetime) -> str:
    """The text SQLAlchemy's DateTime keeps in SQLite: UTC wall time, no offset."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def state_sql(dialect: str) -> StateSql:
    """The statements for `dialect` ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        return PostgresStateSql()
    if dialect == "sqlite":
        return SqliteStateSql()
    raise ValueError(f"bot state is stored in SQLite or PostgreSQL, not {dialect}")
