"""The database engine and the table metadata shared by every store module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets its folder created, WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # Let SQLAlchemy, not the driver, start transactions (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints; commits skip the fsync
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # erased data is overwritten in the file, not just unlinked
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock up front: a deferred transaction that reads and then writes fails
    # with "database is locked" instead of waiting when another writer got there first.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


async def checkpoint(engine: AsyncEngine) -> None:
    """SQLite: move the write-ahead log into the database file and empty it, so overwritten data is gone."""
    if not is_sqlite(engine):
        return
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()  # outside SQLAlchemy's transactions: a checkpoint wants none
        cursor = await raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await cursor.close()
