"""Reads how long an order is to wait ('till 15 januari', 'om två veckor') and why, in Swedish.

The day read is the first day the order is active again, the day of the reminder:

- "till 15 januari", "fram till 15 januari", "från och med 15 januari", "2027-01-15": 15 januari.
- "t.o.m. 15 januari", "till och med 15/1", "tom 15 jan", "efter 15 januari": 16 januari, the day after.
- "om två veckor", "i 2 veckor", "i tre dagar", "en månad", "i ett år": that long from today (months
  and years by the calendar: 31 januari plus a month is the last day of februari).
- "i morgon", "i övermorgon": tomorrow, the day after tomorrow.
- "till måndag", "på fredag": the next such weekday after today (a week on when today is that day);
  "till nästa måndag": that weekday of next week (Monday to Sunday); "nästa vecka": next week's Monday.
- "till efter jul": 27 december; "efter nyår": 2 januari; "efter trettondagen": 7 januari;
  "efter helgen": the next Monday.

A date without a year is this year's, or next year's when it has already passed this year. The day must
be after today and at most 366 days ahead. When several dates are written, the first one with a word
before it ("till", "om", "t.o.m.") is taken, else the first one.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot import texts
from bot.language import answers
from bot.language.answers import Rejected
from bot.language.lexicon import fold_keep_length

_WORDS = tomllib.loads((Path(__file__).parent / "pause_dates.toml").read_text(encoding="utf-8"))
NUMBERS: dict[str, int] = _WORDS["numbers"]
DAY_UNITS: dict[str, int] = _WORDS["units"]["days"]
MONTH_UNITS: dict[str, int] = _WORDS["units"]["months"]
HOLIDAYS: dict[str, tuple[int, int]] = {name: (day[0], day[1]) for name, day in _WORDS["holidays"].items()}
JOINERS = tuple(sorted(_WORDS["reason"]["joiners"], key=len, reverse=True))
MONTHS = tuple(fold_keep_length(month) for month in texts.MONTHS)
WEEKDAYS = tuple(fold_keep_length(day) for day in texts.WEEKDAYS)
MIN_MONTH_LETTERS = 3  # 'jan', 'sept', 'dec.' as in bot/when.py
FURTHEST_AHEAD = 366  # days
PUNCTUATION = " \t\r\n.,;:!?-–—()"


@dataclass(frozen=True)
class PauseRequest:
    """An order on hold: active again on `until` (the reminder day), for `reason` ("" when none)."""

    until: date
    reason: str


def _words(phrases: Iterable[str]) -> str:
    """Folded phrases, longest first, their words apart by spaces or full stops ('t.o.m.')."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"[\s.]+".join(re.escape(word) for word in phrase.split()) + r"\.?" for phrase in ordered)


def _month_words() -> str:
    return "|".join(sorted({month[:n] for month in MONTHS for n in range(MIN_MONTH_LETTERS, len(month) + 1)}))


_PREFIX = (
    rf"(?:(?P<after>{_words(_WORDS['prefixes']['day_after'])})"
    rf"|(?P<same>{_words(_WORDS['prefixes']['same_day'])}))\s*"
)
_DATE = (
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<nd>\d{1,2})(?P<sep>[/.])(?P<nm>\d{1,2})(?:(?:[/.-]|\s+)(?P<ny>\d{4})|[/.-](?P<ny2>\d{2}))?"
    rf"|(?P<wd>\d{{1,2}})(?::?e|:a)?\s*(?P<wm>{_month_words()})\.?(?:\s+(?P<wy>\d{{4}}))?"
    rf"|(?:(?P<rel>{_words(_WORDS['prefixes']['relative'])})\s+)?"
    rf"(?P<count>\d{{1,3}}|{_words(NUMBERS)})\s*(?P<unit>{_words({*DAY_UNITS, *MONTH_UNITS})})"
    r"|(?P<tomorrow>i\s*morgon|imorgon|i\s*overmorgon|iovermorgon)"
    r"|(?P<nextweek>nasta\s+vecka|veckan\s+efter)"
    r"|(?:v|v\.|vecka|veckan|vecka\s+nr|v\s+nr)\s*(?P<week>\d{1,2})"
    rf"|(?P<next>nasta\s+)?(?P<weekday>{'|'.join(WEEKDAYS)})(?:en)?"
    rf"|efter\s+(?:(?P<holiday>{_words(HOLIDAYS)})|(?P<weekend>{_words(_WORDS['weekend']['words'])}))"
)
_PAUSE = re.compile(rf"(?<![\w./-])(?:{_PREFIX})?(?:den\s+)?(?:{_DATE})(?![\w/-]|[.:]\d)")


def read_pause(argument: str, today: date) -> PauseRequest:
    """Until when an order waits and why: 'till 2027-01-15 korttidsboende' -> (2027-01-15, 'korttidsboende').

    Raises Rejected with a hint when no date is found, or it is not after today or too far ahead.
    """
    folded = fold_keep_length(argument)
    found = _chosen(list(_PAUSE.finditer(folded)))
    if found is None:
        raise Rejected(texts.PAUSE_DATE_HINT)
    until = _checked(_safely(lambda: _active_again(found, today)), today)
    return PauseRequest(until, _reason(argument[: found.start()], argument[found.end() :]))


def says_until(text: str) -> bool:
    """Whether `text` names a day with a word for until or for how long ('till 15 januari', 'om två
    veckor'); a bare date ('sedan 3 december') does not."""
    matches = _PAUSE.finditer(fold_keep_length(text))
    return any(_introduced(match) or match["count"] or match["week"] for match in matches)


def _chosen(matches: list[re.Match[str]]) -> re.Match[str] | None:
    """The first date said with a word before it, else the first plain one ('15.1' only with a word)."""
    usable = [match for match in matches if not _weak_dotted(match)]
    return next((match for match in usable if _introduced(match)), usable[0] if usable else None)


def _introduced(match: re.Match[str]) -> bool:
    return any(match[name] for name in ("after", "same", "rel", "iy", "tomorrow", "next", "holiday"))


def _weak_dotted(match: re.Match[str]) -> bool:
    """'15.1' without a year nor a word before it may be a time ('kl 15.10'): not taken as a date."""
    plain = match["sep"] == "." and not (match["ny"] or match["ny2"])
    return plain and not (match["after"] or match["same"])


def _active_again(match: re.Match[str], today: date) -> date:
    day = _named_day(match, today)
    return day + timedelta(days=1) if match["after"] else day


def _named_day(match: re.Match[str], today: date) -> date:
    if match["iy"]:
        return date(int(match["iy"]), int(match["im"]), int(match["id"]))
    if match["nd"]:
        return _dated(match["ny"] or match["ny2"], int(match["nm"]), int(match["nd"]), today)
    if match["wd"]:
        return _dated(match["wy"], _month(match["wm"]), int(match["wd"]), today)
    if match["count"]:
        return _later(today, _number(match["count"]), _unit(match["unit"]))
    if match["tomorrow"]:
        return today + timedelta(days=2 if "over" in match["tomorrow"] else 1)
    if match["week"]:
        return _week_start(int(match["week"]), today)
    return _calendar_day(match, today)


def _week_start(week: int, today: date) -> date:
    """The Monday of ISO week `week` ('till v 2'): this year's, or next year's when it has begun."""
    year = today.isocalendar().year
    monday = date.fromisocalendar(year, week, 1)
    return monday if monday > today else date.fromisocalendar(year + 1, week, 1)


def _calendar_day(match: re.Match[str], today: date) -> date:
    """Next week, a weekday, or the day after a holiday or the weekend."""
    if match["nextweek"]:
        return _next_week(today, 0)
    if match["weekday"]:
        weekday = WEEKDAYS.index(match["weekday"])
        return _next_week(today, weekday) if match["next"] else _next_weekday(today, weekday)
    if match["holiday"]:
        month, day = HOLIDAYS[" ".join(re.split(r"[\s.]+", match["holiday"].strip(".")))]
        return _dated(None, month, day, today)
    return _next_weekday(today, 0)


def _dated(year: str | None, month: int, day: int, today: date) -> date:
    """A date of the year written, else this year's, or next year's when it has passed."""
    if year is not None:
        return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    passed = (month, day) < (today.month, today.day)
    return date(today.year + 1 if passed else today.year, month, day)


def _later(today: date, count: int, unit: tuple[int, bool]) -> date:
    """`count` days (or calendar months) after today."""
    length, in_months = unit
    if not in_months:
        return today + timedelta(days=count * length)
    months = today.month - 1 + count * length
    year, month = today.year + months // 12, months % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_week(today: date, weekday: int) -> date:
    return today + timedelta(days=7 - today.weekday() + weekday)


def _month(word: str) -> int:
    return next(number for number, month in enumerate(MONTHS, start=1) if month.startswith(word))


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[" ".join(word.split())]


def _unit(word: str) -> tuple[int, bool]:
    return (MONTH_UNITS[word], True) if word in MONTH_UNITS else (DAY_UNITS[word], False)


def _safely(read: Callable[[], date]) -> date:
    try:
        return read()
    except (ValueError, OverflowError):
        raise Rejected(texts.PAUSE_NO_SUCH_DATE) from None


def _checked(until: date, today: date) -> date:
    if until <= today:
        raise Rejected(texts.PAUSE_DATE_NOT_AHEAD.format(date=texts.date_text(until)))
    if (until - today).days > FURTHEST_AHEAD:
        raise Rejected(texts.PAUSE_DATE_TOO_FAR)
    return until


def _reason(before: str, after: str) -> str:
    """What is left around the date, without 'pga', 'eftersom', commas and dashes; "" when nothing."""
    parts = (_trimmed(before), _trimmed(after))
    reason = " ".join(part for part in parts if part)
    return answers.free_text(reason) if any(char.isalpha() for char in reason) else ""


def _trimmed(text: str) -> str:
    """Without joiners at either end: 'pga sjukhusvistelse' -> 'sjukhusvistelse'."""
    return _without_joiners(_without_joiners(text, reverse=False)[::-1], reverse=True)


def _without_joiners(text: str, *, reverse: bool) -> str:
    """`text` (backwards when `reverse`: the words before the date) without joiners at the date's side."""
    while True:
        text = text.lstrip(PUNCTUATION)
        plain = fold_keep_length(text[::-1] if reverse else text)
        joiner = next((j for j in JOINERS if _at_edge(plain, j, reverse)), None)
        if joiner is None:
            return text[::-1] if reverse else text
        text = text[len(joiner) :]


def _at_edge(plain: str, phrase: str, reverse: bool) -> bool:
    """'pga korttidsboende' starts with 'pga'; 'dagis' does not start with 'da'."""
    if reverse:
        return plain.endswith(phrase) and (len(plain) == len(phrase) or not plain[-len(phrase) - 1].isalnum())
    return plain.startswith(phrase) and (len(plain) == len(phrase) or not plain[len(phrase)].isalnum())
