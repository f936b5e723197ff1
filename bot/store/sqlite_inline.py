"""SQLite on the event loop's own thread: aiosqlite's connection interface without its thread hops."""

# aiosqlite runs every call on a thread of its own and hands the result back through the event
# loop: a turn's dozen calls were a dozen thread switches, each a wait for the GIL behind a busy
# loop, which cost more than the statements (microseconds in WAL mode without an fsync). Here the
# calls run at once; a lock held by another connection is waited for with asyncio.sleep, never by
# blocking the loop (the connection's own busy timeout is 0).

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

Statement = Callable[[], object]
FIRST_WAIT = 0.001  # seconds before trying a locked database again; doubled up to LONGEST_WAIT
LONGEST_WAIT = 0.05


class InlineCursor:
    """A sqlite3 cursor behind aiosqlite's awaitable methods."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection.sqlite.cursor()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        log.debug("executing %s %r", sql, parameters)  # as aiosqlite did; log_privacy masks what it must
        try:
            self._cursor.execute(sql, parameters)
        except sqlite3.OperationalError as error:
            await self._connection.retry_while_locked(error, lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        log.debug("executing %s many times", sql)
        rows = list(parameters)  # a generator could not be run again
        try:
            self._cursor.executemany(sql, rows)
        except sqlite3.OperationalError as error:
            await self._connection.retry_while_locked(error, lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int) -> list[Any]:
        return self._cursor.fetchmany(size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _RunAtOnce:
    """Stands in for aiosqlite's call queue, which SQLAlchemy uses to set the isolation level."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """A sqlite3 connection (autocommit mode: transactions are begun explicitly) with aiosqlite's methods."""

    def __init__(self, connection: sqlite3.Connection, busy_seconds: float) -> None:
        self.sqlite = connection
        self.busy_seconds = busy_seconds
        self._conn = connection  # the names SQLAlchemy's aiosqlite dialect reaches for
        self._tx = _RunAtOnce()

    @property
    def isolation_level(self) -> str | None:
        return self.sqlite.isolation_level

    async def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        return await InlineCursor(self).execute(sql, parameters)

    async def commit(self) -> None:
        self.sqlite.commit()

    async def rollback(self) -> None:
        self.sqlite.rollback()

    async def close(self) -> None:
        self.sqlite.close()

    def stop(self) -> None:
        self.sqlite.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self.sqlite.create_function(*args, **kwargs)

    async def set_trace_callback(self, handler: Callable[[str], object] | None) -> None:
        self.sqlite.set_trace_callback(handler)

    async def retry_while_locked(self, error: sqlite3.OperationalError, statement: Statement) -> None:
        """`statement` failed with `error`: if another connection held the lock it needs, wait and run it
        again until it runs, for up to `busy_seconds`; any other error is raised.

        Only a statement outside a transaction is run again (a BEGIN, or one that commits by
        itself): it failed whole. Inside a transaction the error is the caller's.
        """
        if not self._may_wait(error):
            raise error
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.busy_seconds
        wait = FIRST_WAIT
        while True:
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)
            try:
                statement()
                return
            except sqlite3.OperationalError as again:
                if not self._may_wait(again) or loop.time() >= deadline:
                    raise

    def _may_wait(self, error: sqlite3.OperationalError) -> bool:
        return is_busy(error) and not self.sqlite.in_transaction


def is_busy(error: sqlite3.Error) -> bool:
    """The database was locked by another connection (SQLITE_BUSY or one of its extended codes)."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


Setup = Callable[[sqlite3.Connection], None]


def connector(
    arguments: list[Any], options: dict[str, Any], busy_seconds: float, setup: Setup
) -> Callable[[], Awaitable[InlineConnection]]:
    """SQLAlchemy's `async_creator`: opens sqlite3 with `arguments`/`options` and runs `setup` on it.

    `setup` may wait for a lock up to `busy_seconds` (once per connection); after it the
    connection never waits inside SQLite (see InlineConnection.retry_while_locked).
    """

    async def connect() -> InlineConnection:
        ours = {"timeout": busy_seconds, "isolation_level": None, "check_same_thread": False}
        connection = sqlite3.connect(*arguments, **{**options, **ours})
        setup(connection)
        connection.execute("PRAGMA busy_timeout=0")
        return InlineConnection(connection, busy_seconds)

    return connect
