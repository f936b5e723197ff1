"""Reads the date and time of an installation as the team types it, in Swedish local time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot import texts
from bot.local_time import LOCAL_TIME

_DATE = (
    r"(?:(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    r"|(?P<num_day>\d{1,2})/(?P<num_month>\d{1,2})(?:[/-](?P<num_year>\d{4}|\d{2}))?"
    r"|(?P<word_day>\d{1,2})\s*(?P<month_word>[a-zåäö]+)\.?(?:\s+(?P<word_year>\d{4}))?"
    r"|(?P<relative>i\s*dag|i\s*morgon|i\s*övermorgon))"
)
_TIME = r"(?:,?\s+(?:kl\.?\s*)?(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?)?"
_WHEN = re.compile(_DATE + _TIME)
RELATIVE_DAYS = {"idag": 0, "imorgon": 1, "iövermorgon": 2}
MIN_MONTH_LETTERS = 3
# A date typed without a year is this year's, unless it was more than this long ago: then next year's.
RECENT_PAST = timedelta(days=60)
FURTHEST_AHEAD = timedelta(days=366)


class BadTime(ValueError):
    """What was typed is not a usable booking time; `message` says why, in Swedish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_when(text: str, now: datetime) -> datetime:
    """The moment `text` names ('2026-12-03 10:00', '3/12 10.00', '3 dec kl 10'), after `now`."""
    match = _WHEN.fullmatch(" ".join(text.casefold().rstrip(".").split()))
    if match is None:
        raise BadTime(texts.WHEN_NOT_UNDERSTOOD)
    if match["hour"] is None:
        raise BadTime(texts.WHEN_NEEDS_TIME)
    today = now.astimezone(LOCAL_TIME).date()
    moment = datetime.combine(_day(match, today), _clock(match), tzinfo=LOCAL_TIME)
    if moment <= now:
        raise BadTime(texts.WHEN_PAST.format(when=texts.when_text(moment)))
    if moment - now > FURTHEST_AHEAD:
        raise BadTime(texts.WHEN_TOO_FAR.format(when=texts.when_text(moment)))
    return moment


def _day(match: re.Match[str], today: date) -> date:
    if match["relative"]:
        return today + timedelta(days=RELATIVE_DAYS[match["relative"].replace(" ", "")])
    if match["iso_year"]:
        return _date(int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"]))
    if match["num_day"]:
        return _dated(match["num_year"], int(match["num_month"]), int(match["num_day"]), today)
    return _dated(match["word_year"], _month(match["month_word"]), int(match["word_day"]), today)


def _dated(year: str | None, month: int, day: int, today: date) -> date:
    if year is not None:
        return _date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    this_year = _date(today.year, month, day)
    if this_year < today - RECENT_PAST:
        return _date(today.year + 1, month, day)
    return this_year


def _month(word: str) -> int:
    if len(word) >= MIN_MONTH_LETTERS:
        for number, name in enumerate(texts.MONTHS, start=1):
            if name.startswith(word):
                return number
    raise BadTime(texts.WHEN_NOT_UNDERSTOOD)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadTime(texts.WHEN_NO_SUCH_DATE) from None


def _clock(match: re.Match[str]) -> time:
    try:
        return time(int(match["hour"]), int(match["minute"] or 0))
    except ValueError:
        raise BadTime(texts.WHEN_NO_SUCH_TIME) from None
