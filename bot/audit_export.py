"""The audit log as a CSV file, for the municipality's regular log review; each export is audited itself."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot import texts
from bot.audit import AuditAction, AuditEntry
from bot.audit_log import AuditLog
from bot.local_time import LOCAL_TIME, local
from bot.spreadsheet import csv_text

DEFAULT_PERIOD = timedelta(days=30)  # `logg` without a date: the last 30 days


def default_start(today: date) -> date:
    return today - DEFAULT_PERIOD


async def export_csv(audit: AuditLog, actor_id: str, channel: str, since: date) -> str:
    """Every entry from the start of `since` (Swedish time) on, this export's own entry included."""
    start = datetime.combine(since, time(), tzinfo=LOCAL_TIME)
    await audit.record(
        actor_id, AuditAction.EXPORT, [None], channel, detail=f"audit log from {since.isoformat()}"
    )
    async with audit.database.transaction() as uow:
        entries = await uow.audit.since(start)
    return csv_text(texts.AUDIT_CSV_HEADER, [_row(entry) for entry in entries])


def _row(entry: AuditEntry) -> list[str]:
    return [
        local(entry.at).isoformat(timespec="seconds"),
        entry.actor_id,
        texts.AUDIT_ACTION_NAMES.get(entry.action, entry.action),
        entry.reference or "",
        entry.channel,
        entry.conversation,
        entry.detail,
    ]
