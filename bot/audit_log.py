"""Records who saw, took out or tried to act on an order's data, each access in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.audit import AuditAction, AuditEntry
from bot.store.unit_of_work import Database


class AuditLog:
    """Records accesses, one row per order, in their own transaction before the data is shown."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self.database = database
        self.clock = clock

    async def record(
        self,
        actor_id: str,
        action: AuditAction,
        references: Sequence[str | None],
        channel: str,
        conversation: str = "",
        detail: str = "",
    ) -> None:
        now = self.clock()
        async with self.database.transaction() as uow:
            for reference in references:
                await uow.audit.add(
                    AuditEntry(
                        at=now,
                        actor_id=actor_id,
                        action=action,
                        reference=reference,
                        channel=channel,
                        conversation=conversation,
                        detail=detail,
                    )
                )
