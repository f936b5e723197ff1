"""Key rotation: every encrypted value in the database re-encrypted under the newest key, hashes recomputed.

The encrypted columns are found in the database itself (every binary column of every table, the bot
state included), so a table added later is rotated without a change here. Each batch is its own
transaction, and a value the app changed meanwhile is left alone: the app writes with the newest key.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Column, LargeBinary, MetaData, Table, and_, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Vault
from bot.domain import Order
from bot.store import tables

BATCH = 200


async def rotate_keys(engine: AsyncEngine, vault: Vault) -> Counter[str]:
    """Re-encrypt everything not yet under the newest key; how many values per `table.column`."""
    async with engine.connect() as conn:
        encrypted = await conn.run_sync(_encrypted_columns)
    rotated: Counter[str] = Counter()
    for table, column in encrypted:
        rotated[f"{table.name}.{column.name}"] = await _rotate_column(engine, vault, table, column)
    rotated["orders.pnr_index"] = await _reindex_orders(engine, vault)
    return rotated


def _encrypted_columns(conn: Connection) -> list[tuple[Table, Column[Any]]]:
    reflected = MetaData()
    reflected.reflect(conn)
    return [
        (table, column)
        for table in reflected.sorted_tables
        for column in table.columns
        if isinstance(column.type, LargeBinary) and table.primary_key.columns
    ]


async def _rotate_column(engine: AsyncEngine, vault: Vault, table: Table, column: Column[Any]) -> int:
    key = list(table.primary_key.columns)
    async with engine.connect() as conn:
        keys = [tuple(row) for row in await conn.execute(select(*key).where(column.is_not(None)))]
    rotated = 0
    for start in range(0, len(keys), BATCH):
        async with engine.begin() as conn:
            rows = await conn.execute(
                select(*key, column).where(tuple_(*key).in_(keys[start : start + BATCH]))
            )
            for *ids, token in rows.all():
                if vault.is_current(token):
                    continue
                same_row = and_(*(part == value for part, value in zip(key, ids, strict=True)))
                statement = (
                    update(table).where(same_row, column == token).values({column.name: vault.rotate(token)})
                )
                rotated += (await conn.execute(statement)).rowcount
    return rotated


async def _reindex_orders(engine: AsyncEngine, vault: Vault) -> int:
    """The personnummer hash of every order under the newest key (anonymised orders keep none)."""
    orders = tables.orders
    changed = 0
    async with engine.begin() as conn:
        rows = (await conn.execute(select(orders.c.reference, orders.c.payload, orders.c.pnr_index))).all()
        for reference, payload, old_index in rows:
            digits = Order.model_validate_json(vault.decrypt(payload)).details.brukare.personnummer
            index = vault.blind_index(digits) if digits else ""
            if index != old_index:
                await conn.execute(
                    update(orders).where(orders.c.reference == reference).values(pnr_index=index)
                )
                changed += 1
    return changed
