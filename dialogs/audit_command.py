"""`logg` and `logg 2026-11-01`: a download link to the audit log, for those who may read it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from botbuilder.core import TurnContext

from bot import texts
from bot.access import AccessPolicy
from bot.audit_export import default_start
from bot.language.words import fold
from bot.notifications import local
from bot.orders import Clock
from dialogs.users import user_id

COMMAND = "logg"
DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


class AuditLogHandler:
    """A MessageHandler for AlarmBot; mid-order, a user who may not read the log is not interrupted."""

    def __init__(
        self, policy: AccessPolicy, link_for: Callable[[str, date], str], minutes: int, clock: Clock
    ) -> None:
        self.policy = policy
        self.link_for = link_for
        self.minutes = minutes
        self.clock = clock

    async def try_handle(self, context: TurnContext, text: str, in_dialog: bool) -> bool:
        words = fold(text).split()
        if not words or words[0] != COMMAND:
            return False
        who = user_id(context)
        if not self.policy.may_view_audit(who):
            if in_dialog:  # an answer to the order's question
                return False
            await context.send_activity(texts.AUDIT_REFUSED)
            return True
        since = _since(text, local(self.clock()).date())
        if since is None:
            await context.send_activity(texts.AUDIT_BAD_DATE)
            return True
        url = self.link_for(who, since)
        await context.send_activity(
            texts.AUDIT_LINK.format(since=since.isoformat(), minutes=self.minutes, url=url)
        )
        return True


def _since(text: str, today: date) -> date | None:
    """The date written after `logg`, or 30 days ago when none is; None when it is no real date."""
    rest = text.strip()[len(COMMAND) :].strip()
    if not rest:
        return default_start(today)
    found = DATE.search(rest)
    try:
        return date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return None
