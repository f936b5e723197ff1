"""Swedish local time, in which staff read and write every date and time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Stockholm")


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TIME)
