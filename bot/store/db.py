"""The database engine and the table metadata shared by every store module."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store import sqlite_inline

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
_SQLITE_TURNS: WeakKeyDictionary[Engine, _ConnectionAside] = WeakKeyDictionary()


class ConnectionLost(Exception):
    """The database connection broke (a server restart, a killed session): the work may be tried again."""


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets its folder created, WAL, foreign keys and no thread hops.

    PostgreSQL connections are not pinged before each use (that is a round trip per checkout, a
    third of a turn's): a connection found broken is thrown away with the pool's idle ones, and
    the turn that met it runs again (adapters/channel.py). SQLite runs on the event loop's thread
    (bot/store/sqlite_inline.py).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    arguments, options = parsed.get_dialect()().create_connect_args(parsed)
    connect = sqlite_inline.connector(arguments, options, SQLITE_BUSY_SECONDS, _sqlite_pragmas)
    # As many kept as on PostgreSQL: opening one at a peak took the loop up to 40 ms. Last in, first
    # out: the connection just used serves the next transaction with its page cache warm (SQLite
    # drops a connection's cache when another connection wrote).
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_use_lifo": True}
    if parsed.database in (None, "", ":memory:"):
        pool = {}  # one shared connection (StaticPool): the database lives in it
    engine = create_async_engine(url, async_creator=connect, **pool)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    if pool:
        aside = _ConnectionAside()
        _SQLITE_TURNS[engine.sync_engine] = aside
        event.listen(engine.sync_engine, "engine_disposed", aside.close)
    return engine


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[None]:
    """On SQLite, one writer of this process at a time, in turn; elsewhere nothing.

    SQLite lets one transaction write at a time, and a writer that finds the file locked sleeps
    in steps before it tries again (bot/store/sqlite_inline.py), which would make turns wait far
    longer than the writes take. Waiting here is first come, first served, and bounded like that.
    """
    if not is_sqlite(engine):
        yield
        return
    lock = _SQLITE_WRITERS.get(engine.sync_engine)
    if lock is None:
        lock = _SQLITE_WRITERS[engine.sync_engine] = asyncio.Lock()
    async with asyncio.timeout(SQLITE_BUSY_SECONDS):
        await lock.acquire()
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The driver's own connection (asyncpg's, or sqlite_inline's) from the engine's pool, for the hot path.

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


@asynccontextmanager
async def turn_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The driver connection for the statements every turn runs (bot/store/state_sql.py).

    A SQLite file has one connection of its own for them, taken out of the pool for good: a
    checkout and return through the pool cost more (80 µs) than the statements. Turns share it
    safely: on it nothing waits between BEGIN and COMMIT (sqlite_inline waits only outside
    transactions). Elsewhere it is driver_connection.
    """
    aside = _SQLITE_TURNS.get(engine.sync_engine)
    if aside is None:
        async with driver_connection(engine) as driver:
            yield driver
        return
    yield await aside.connection(engine)


class _ConnectionAside:
    """One connection taken from the pool on first use and kept out of it, closed when the pool is."""

    def __init__(self) -> None:
        self._open: sqlite_inline.InlineConnection | None = None

    async def connection(self, engine: AsyncEngine) -> sqlite_inline.InlineConnection:
        if self._open is None:
            pooled = await engine.raw_connection()
            self._open = pooled.driver_connection
            pooled.detach()  # never returned: the pool opens another in its place when it needs one
        return self._open

    def close(self, _engine: Engine | None = None) -> None:
        if self._open is not None:
            self._open.sqlite.close()
            self._open = None


def _is_closed(driver: Any) -> bool:
    is_closed = getattr(driver, "is_closed", None)  # asyncpg's; SQLite connections do not break so
    return callable(is_closed) and bool(is_closed())


def _sqlite_pragmas(connection: sqlite3.Connection) -> None:
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # kept in the file once set
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints; commits skip the fsync
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA secure_delete=ON")  # erased data is overwritten in the file, not just unlinked


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock up front: a deferred transaction that reads and then writes fails
    # with "database is locked" instead of waiting when another writer got there first.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


async def checkpoint(engine: AsyncEngine) -> None:
    """SQLite: move the write-ahead log into the database file and empty it, so overwritten data is gone.

    A checkpoint that meets a reader or a writer of another connection is tried again (in steps
    of sqlite_inline's waits) for up to SQLITE_BUSY_SECONDS, as the busy timeout did.
    """
    if not is_sqlite(engine):
        return
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()  # outside SQLAlchemy's transactions: a checkpoint wants none
        sqlite: sqlite3.Connection = raw.driver_connection.sqlite
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SQLITE_BUSY_SECONDS
        wait = sqlite_inline.FIRST_WAIT
        while sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] and loop.time() < deadline:
            await asyncio.sleep(wait)  # 1 above: busy
            wait = min(wait * 2, sqlite_inline.LONGEST_WAIT)
