"""When reminders fall due: the day a pause ends, and a working day after a question was asked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays

from bot.local_time import LOCAL_TIME, local

MORNING = time(8, 0)  # reminders for a day come when the working day starts


def morning_of(day: date) -> datetime:
    """08.00 Swedish time on `day`, in UTC (as every time is stored)."""
    return datetime.combine(day, MORNING, tzinfo=LOCAL_TIME).astimezone(UTC)


def one_working_day_after(moment: datetime) -> datetime:
    """The same time of day on the next working day (not a weekend, not a Swedish public holiday)."""
    at = local(moment)
    day = at.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, at.time(), tzinfo=LOCAL_TIME).astimezone(UTC)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


@cache
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("SE", years=year)
