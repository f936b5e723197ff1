"""Dialect-aware INSERT … ON CONFLICT for the two databases we run on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Table) -> Any:
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)


async def insert_ignore(conn: AsyncConnection, table: Table, values: dict[str, Any]) -> None:
    """Insert a row unless one with the same primary key exists."""
    await conn.execute(_insert(conn, table).values(**values).on_conflict_do_nothing())


async def upsert(conn: AsyncConnection, table: Table, values: dict[str, Any]) -> None:
    """Insert a row, or update every given column of the row with the same primary key."""
    keys = [column.name for column in table.primary_key.columns]
    statement = _insert(conn, table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    await conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))


async def insert_or_increment(conn: AsyncConnection, table: Table, keys: dict[str, Any], column: str) -> int:
    """Insert the row of `keys` with `column` 1, or add 1 to its `column`: the new value, in one statement."""
    statement = _insert(conn, table).values(**keys, **{column: 1})
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={column: table.c[column] + 1}
    ).returning(table.c[column])
    return int((await conn.execute(statement)).scalar_one())
