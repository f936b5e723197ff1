"""What a database holds as someone with its files (or a key) reads it: encrypted values, raw files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import LargeBinary, MetaData, select
from sqlalchemy.engine import Connection, make_url

from bot.store.db import create_engine


def _binary_values(conn: Connection) -> list[tuple[str, bytes]]:
    reflected = MetaData()
    reflected.reflect(conn)
    values = []
    for table in reflected.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, LargeBinary):
                rows = conn.execute(select(column).where(column.is_not(None))).scalars()
                values += [(f"{table.name}.{column.name}", bytes(value)) for value in rows]
    return values


async def encrypted_values(database_url: str) -> list[tuple[str, bytes]]:
    """Every value of every binary column of every table, named `table.column`."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_binary_values)
    finally:
        await engine.dispose()


def sqlite_files(database_url: str) -> list[Path]:
    """The SQLite database file and its write-ahead log and shared-memory files, those that exist."""
    main = Path(make_url(database_url).database or "")
    return [path for path in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if path.exists()]
