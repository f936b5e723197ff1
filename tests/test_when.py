"""Booking times as the team types them: the accepted forms, Swedish time, the year, and clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import texts
from bot.notifications import LOCAL_TIME
from bot.when import BadTime, parse_when

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # a Thursday, 10.30 in Sweden


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_TIME)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-03 10:00", local(2026, 12, 3, 10, 0)),
        ("3/12 10.00", local(2026, 12, 3, 10, 0)),
        ("3 dec kl 10", local(2026, 12, 3, 10, 0)),
        ("3 december 10:00", local(2026, 12, 3, 10, 0)),
        ("3 Dec. kl. 14.30", local(2026, 12, 3, 14, 30)),
        ("  3/12   KL 9  ", local(2026, 12, 3, 9, 0)),
        ("3/12-2026 10:00", local(2026, 12, 3, 10, 0)),
        ("3/12/26 10", local(2026, 12, 3, 10, 0)),
        ("3 dec 2026, 10:00", local(2026, 12, 3, 10, 0)),
        ("3 decem 10:00", local(2026, 12, 3, 10, 0)),
        ("15 jan kl 8", local(2027, 1, 15, 8, 0)),  # no year, and January has passed: next year's
        ("3/1 9", local(2027, 1, 3, 9, 0)),
        ("i morgon kl 8", local(2026, 11, 27, 8, 0)),
        ("imorgon 08:00", local(2026, 11, 27, 8, 0)),
        ("i dag 13", local(2026, 11, 26, 13, 0)),
        ("i övermorgon kl 10.", local(2026, 11, 28, 10, 0)),
        ("2027-06-03 10:00", local(2027, 6, 3, 10, 0)),
    ],
)
def test_the_accepted_forms(typed: str, meant: datetime) -> None:
    assert parse_when(typed, NOW) == meant


def test_times_are_swedish_local_time_in_winter_and_summer() -> None:
    assert parse_when("2026-12-03 10:00", NOW).astimezone(UTC).hour == 9
    assert parse_when("2027-06-03 10:00", NOW).astimezone(UTC).hour == 8


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("snart", texts.WHEN_NOT_UNDERSTOOD),
        ("", texts.WHEN_NOT_UNDERSTOOD),
        ("3 ma 10", texts.WHEN_NOT_UNDERSTOOD),  # mars or maj?
        ("3 foo 10", texts.WHEN_NOT_UNDERSTOOD),
        ("10:00 3/12", texts.WHEN_NOT_UNDERSTOOD),
        ("3 dec", texts.WHEN_NEEDS_TIME),
        ("2026-12-03", texts.WHEN_NEEDS_TIME),
        ("30/2 10:00", texts.WHEN_NO_SUCH_DATE),
        ("3/13 10:00", texts.WHEN_NO_SUCH_DATE),
        ("2026-11-31 10:00", texts.WHEN_NO_SUCH_DATE),
        ("3 dec 24:00", texts.WHEN_NO_SUCH_TIME),
        ("3 dec 10:75", texts.WHEN_NO_SUCH_TIME),
        ("i dag 10:29", texts.WHEN_PAST.format(when="torsdag 26 november 2026 kl. 10.29")),
        ("25/11 10:00", texts.WHEN_PAST.format(when="onsdag 25 november 2026 kl. 10.00")),
        ("2025-12-03 10:00", texts.WHEN_PAST.format(when="onsdag 3 december 2025 kl. 10.00")),
        ("2028-01-03 10:00", texts.WHEN_TOO_FAR.format(when="måndag 3 januari 2028 kl. 10.00")),
    ],
)
def test_what_cannot_be_booked_gets_a_clear_answer(typed: str, answer: str) -> None:
    with pytest.raises(BadTime) as refused:
        parse_when(typed, NOW)
    assert refused.value.message == answer


@given(st.text(max_size=40))
def test_any_text_is_a_future_time_or_a_clear_answer(typed: str) -> None:
    try:
        moment = parse_when(typed, NOW)
    except BadTime as refused:
        assert refused.message
    else:
        assert NOW < moment <= NOW + timedelta(days=366)


@given(st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=300)))
def test_a_time_ahead_reads_back_in_every_numeric_form(ahead: timedelta) -> None:
    moment = (NOW + ahead).astimezone(LOCAL_TIME).replace(second=0, microsecond=0)
    if moment <= NOW:
        moment += timedelta(minutes=1)
    for typed in (f"{moment:%Y-%m-%d %H:%M}", f"{moment.day}/{moment.month} {moment:%H.%M}"):
        assert parse_when(typed, NOW) == moment
