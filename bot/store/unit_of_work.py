"""One database transaction with the repositories that work inside it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.audit_repository import AuditRepository
from bot.store.codec import PayloadCodec
from bot.store.db import is_sqlite, writing
from bot.store.outbox_repository import OutboxRepository
from bot.store.question_repository import QuestionRepository
from bot.store.repositories import (
    ConversationRepository,
    DraftRepository,
    EventRepository,
    OrderRepository,
    StaffRepository,
)
from bot.store.retention_queries import RetentionQueries
from bot.store.status_queries import StatusQueries
from bot.store.thread_repository import ThreadRepository


class UnitOfWork:
    """The repositories of one transaction; it commits when the `with` block ends without error."""

    def __init__(self, conn: AsyncConnection, codec: PayloadCodec) -> None:
        self.conn = conn
        self.staff = StaffRepository(conn, codec)
        self.drafts = DraftRepository(conn, codec)
        self.orders = OrderRepository(conn, codec)
        self.events = EventRepository(conn, codec)
        self.conversations = ConversationRepository(conn, codec)
        self.outbox = OutboxRepository(conn, codec)
        self.status = StatusQueries(conn, codec)
        self.audit = AuditRepository(conn, codec)
        self.retention = RetentionQueries(conn, codec)
        self.threads = ThreadRepository(conn, codec)
        self.questions = QuestionRepository(conn, codec)


class Database:
    """The engine and the codec; hands out units of work."""

    def __init__(self, engine: AsyncEngine, codec: PayloadCodec) -> None:
        self.engine = engine
        self.codec = codec
        # PostgreSQL: each statement commits by itself, no BEGIN and COMMIT round trips around it.
        self._autocommit = None
        if not is_sqlite(engine):
            self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        async with writing(self.engine), self.engine.begin() as conn:
            yield UnitOfWork(conn, self.codec)

    @asynccontextmanager
    async def statements(self) -> AsyncIterator[UnitOfWork]:
        """Repositories whose statements each stand alone: for reads and single-statement writes.

        On PostgreSQL that saves two of a transaction's round trips, which under load are each a
        wait for the event loop; SQLite's transactions cost no round trips, so there it is one.
        """
        if self._autocommit is None:
            async with self.transaction() as uow:
                yield uow
            return
        async with self._autocommit.connect() as conn:
            yield UnitOfWork(conn, self.codec)
