"""The audit_log table: append an access, read an order's accesses back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, insert, select

from bot.audit import AuditEntry
from bot.store import tables
from bot.store.repositories import _Repository

audit_log = tables.audit_log


class AuditRepository(_Repository):
    """Append-only: no update or delete here, and the database refuses them (migration 0005).

    The rows hold ids and references, no personal data, so they are not encrypted.
    """

    async def add(self, entry: AuditEntry) -> None:
        await self.conn.execute(insert(audit_log).values(**entry.model_dump()))

    async def for_order(self, reference: str) -> list[AuditEntry]:
        return await self._entries(audit_log.c.reference == reference)

    async def since(self, moment: datetime) -> list[AuditEntry]:
        """Every entry from `moment` on, oldest first."""
        return await self._entries(audit_log.c.at >= moment.astimezone(UTC))  # SQLite compares UTC text

    async def _entries(self, condition: ColumnElement[bool]) -> list[AuditEntry]:
        rows = await self.conn.execute(select(audit_log).where(condition).order_by(audit_log.c.id))
        return [AuditEntry.model_validate(dict(row)) for row in rows.mappings()]
