"""The database engine and the table metadata shared by every store module."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
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


# Connections kept open per instance, and opened beyond that at peaks (closed again after use). Every
# turn takes one for two short statements; a pool smaller than the turns in flight opens and closes
# connections all the time, which costs more than the turns themselves.
POOL_SIZE = 20
POOL_OVERFLOW = 10
SQLITE_BUSY_SECONDS = 30  # how long a SQLite writer waits for the one before it
_SQLITE_WRITERS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


class ConnectionLost(Exception):
    """The database connection broke (a server restart, a killed session): the work may be tried again."""


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets its folder created, WAL, a busy timeout and foreign keys.

    PostgreSQL connections are not pinged before each use (that is a round trip per checkout, a
    third of a turn's): a connection found broken is thrown away with the pool's idle ones, and
    the turn that met it runs again (adapters/channel.py).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    return engine


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[None]:
    """On SQLite, one writer of this process at a time, in turn; elsewhere nothing.

    SQLite lets one transaction write at a time, and a writer that finds the file locked sleeps
    in steps of up to 100 ms before it tries again, which made turns wait far longer than the
    writes took. Waiting here is first come, first served, and bounded like the busy timeout.
    """
    if not is_sqlite(engine):
        yield
        return
    lock = _SQLITE_WRITERS.setdefault(engine.sync_engine, asyncio.Lock())
    async with asyncio.timeout(SQLITE_BUSY_SECONDS):
        await lock.acquire()
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The driver's own connection (asyncpg's or aiosqlite's) from the engine's pool, for the hot path.

    When it turns out broken, it and the pool's idle connections are dropped, as SQLAlchemy does on
    a disconnect it meets itself (after a server restart they are all dead), and ConnectionLost is
    raised.
    """
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        try:
            yield driver
        except Exception as error:
            if not _is_closed(driver):
                raise
            await conn.invalidate(error)
            await engine.dispose()
            raise ConnectionLost from error


def _is_closed(driver: Any) -> bool:
    is_closed = getattr(driver, "is_closed", None)  # asyncpg's; SQLite connections do not break so
    return callable(is_closed) and bool(is_closed())


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # Let SQLAlchemy, not the driver, start transactions (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints; commits skip the fsync
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
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
