"""How long an order waits and why: Swedish dates, relative spans, 't.o.m.', the reason, and refusals."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot import texts
from bot.language.answers import MAX_TEXT, Rejected
from bot.language.pause_dates import PauseRequest, read_pause

TODAY = date(2026, 12, 8)  # a Tuesday
JAN_15 = date(2027, 1, 15)


@pytest.mark.parametrize(
    ("argument", "until", "reason"),
    [
        ("till 2027-01-15 korttidsboende", JAN_15, "korttidsboende"),
        ("till v 2 korttids", date(2027, 1, 11), "korttids"),  # the Monday of week 2
        ("till vecka 3 pga sjukhus", date(2027, 1, 18), "sjukhus"),
        ("v. 53", date(2026, 12, 28), ""),
        ("i två veckor, brukaren ligger på sjukhus", date(2026, 12, 22), "brukaren ligger på sjukhus"),
        ("2027-01-15", JAN_15, ""),
        ("15/1", JAN_15, ""),
        ("till 15/1 2027", JAN_15, ""),
        ("15/1-27", JAN_15, ""),
        ("15.1.2027", JAN_15, ""),
        ("till 15.1", JAN_15, ""),
        ("15 januari", JAN_15, ""),
        ("15 jan", JAN_15, ""),
        ("15 jan.", JAN_15, ""),
        ("den 15 januari 2027", JAN_15, ""),
        ("15:e januari", JAN_15, ""),
        ("till den 15:e Januari", JAN_15, ""),
        ("TILL 15 JANUARI", JAN_15, ""),
        ("fram till 15 januari - korttids", JAN_15, "korttids"),
        ("från och med 15 januari", JAN_15, ""),
        ("t.o.m. 15 januari", date(2027, 1, 16), ""),
        ("T.O.M. 14/1", JAN_15, ""),
        ("tom 14 jan", JAN_15, ""),
        ("till och med 14 januari pga sjukhus", JAN_15, "sjukhus"),
        ("efter 14 januari", JAN_15, ""),
        ("om två veckor", date(2026, 12, 22), ""),
        ("i 2 veckor", date(2026, 12, 22), ""),
        ("i tva veckor", date(2026, 12, 22), ""),
        ("om tre dagar", date(2026, 12, 11), ""),
        ("i en vecka", date(2026, 12, 15), ""),
        ("en månad", date(2027, 1, 8), ""),
        ("i tre månader", date(2027, 3, 8), ""),
        ("i ett par veckor", date(2026, 12, 22), ""),
        ("om tio dagar", date(2026, 12, 18), ""),
        ("i ett år", date(2027, 12, 8), ""),
        ("i morgon", date(2026, 12, 9), ""),
        ("till måndag", date(2026, 12, 14), ""),
        ("till nästa måndag", date(2026, 12, 14), ""),
        ("till tisdag", date(2026, 12, 15), ""),
        ("till nästa fredag", date(2026, 12, 18), ""),
        ("på fredag", date(2026, 12, 11), ""),
        ("till nästa vecka", date(2026, 12, 14), ""),
        ("till efter jul", date(2026, 12, 27), ""),
        ("efter nyår", date(2027, 1, 2), ""),
        ("till efter trettondagen", date(2027, 1, 7), ""),
        ("efter helgen", date(2026, 12, 14), ""),
        ("till 1 december", date(2027, 12, 1), ""),
        ("brukaren är på korttids till 15 januari", JAN_15, "brukaren är på korttids"),
        ("Till 15.1 eftersom hon är på korttids", JAN_15, "hon är på korttids"),
        ("p.g.a. sjukhusvistelse t.o.m. 14/1", JAN_15, "sjukhusvistelse"),
        ("I TVÅ VECKOR PGA SJUKHUS", date(2026, 12, 22), "SJUKHUS"),
        ("till 15 januari då hon flyttar", JAN_15, "hon flyttar"),
        ("till 15 januari: på grund av  korttidsboende.", JAN_15, "korttidsboende"),
        ("till 15 januari?", JAN_15, ""),
        ("hon är 92 år, vänta till 15 januari", JAN_15, "hon är 92 år, vänta"),
        ("till 15 januari, ring dottern 070-174 06 99", JAN_15, "ring dottern 070-174 06 99"),
        ("till 15 januari\nkorttidsboende", JAN_15, "korttidsboende"),
    ],
)
def test_pause(argument: str, until: date, reason: str) -> None:
    assert read_pause(argument, TODAY) == PauseRequest(until, reason)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("", texts.PAUSE_DATE_HINT),
        ("tills vidare", texts.PAUSE_DATE_HINT),
        ("brukaren ligger på sjukhus", texts.PAUSE_DATE_HINT),
        ("kl 15.10", texts.PAUSE_DATE_HINT),
        ("till jul", texts.PAUSE_DATE_HINT),
        ("till 2026-12-08", texts.PAUSE_DATE_NOT_AHEAD.format(date="8 december 2026")),
        ("till 2026-11-30", texts.PAUSE_DATE_NOT_AHEAD.format(date="30 november 2026")),
        ("i 0 dagar", texts.PAUSE_DATE_NOT_AHEAD.format(date="8 december 2026")),
        ("till 2027-12-10", texts.PAUSE_DATE_TOO_FAR),
        ("i 400 dagar", texts.PAUSE_DATE_TOO_FAR),
        ("i två år", texts.PAUSE_DATE_TOO_FAR),
        ("till 31/2", texts.PAUSE_NO_SUCH_DATE),
        ("till 2027-13-01", texts.PAUSE_NO_SUCH_DATE),
        ("till 30 februari", texts.PAUSE_NO_SUCH_DATE),
    ],
)
def test_refused(argument: str, message: str) -> None:
    with pytest.raises(Rejected) as refused:
        read_pause(argument, TODAY)
    assert refused.value.message == message


def test_a_date_already_past_this_year_is_next_years() -> None:
    assert read_pause("till 7 december", TODAY).until == date(2027, 12, 7)
    assert read_pause("till 9 december", TODAY).until == date(2026, 12, 9)


def test_todays_date_without_a_year_is_refused_not_moved_a_year() -> None:
    with pytest.raises(Rejected) as refused:
        read_pause("till 8 december", TODAY)
    assert refused.value.message == texts.PAUSE_DATE_NOT_AHEAD.format(date="8 december 2026")


def test_a_month_later_at_the_end_of_a_month_is_the_last_day() -> None:
    assert read_pause("en månad", date(2027, 1, 31)).until == date(2027, 2, 28)


def test_the_weekday_named_today_is_a_week_on() -> None:
    assert read_pause("till tisdag", TODAY).until == TODAY + timedelta(days=7)


def test_a_long_reason_is_refused_like_any_long_text() -> None:
    with pytest.raises(Rejected) as refused:
        read_pause("till 15 januari " + "korttidsboende " * 20, TODAY)
    assert refused.value.message == texts.ERR_TEXT.format(limit=MAX_TEXT)


@given(st.integers(min_value=1, max_value=366), st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_any_iso_date_within_a_year_round_trips(days: int, today: date) -> None:
    until = today + timedelta(days=days)
    pause = read_pause(f"till {until.isoformat()} korttidsboende", today)
    assert pause == PauseRequest(until, "korttidsboende")


@given(st.integers(min_value=1, max_value=366), st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_tom_is_the_day_after(days: int, today: date) -> None:
    last = today + timedelta(days=days - 1)
    assert read_pause(f"t.o.m. {last.isoformat()}", today).until == last + timedelta(days=1)


@given(st.integers(min_value=1, max_value=52), st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_weeks_from_today(weeks: int, today: date) -> None:
    assert read_pause(f"om {weeks} veckor", today).until == today + timedelta(weeks=weeks)


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(min_value=1, max_value=12))
def test_a_day_and_month_without_year_is_the_next_one(today: date, month: int) -> None:
    assume((today.month, today.day) != (month, 1))  # today itself is refused: not ahead
    until = read_pause(f"till 1/{month}", today).until
    assert until.day == 1 and until.month == month
    assert today < until <= today + timedelta(days=366)


@given(st.text(max_size=200), st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_garbage_is_refused_with_a_hint_or_read(argument: str, today: date) -> None:
    try:
        pause = read_pause(argument, today)
    except Rejected as refused:
        assert refused.message
    else:
        assert today < pause.until <= today + timedelta(days=366)


@given(
    st.text(alphabet=st.sampled_from("0123456789/.-: tilomägnrdvckjafebupsxy"), max_size=40),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
def test_date_like_garbage_never_raises_anything_but_rejected(argument: str, today: date) -> None:
    with contextlib.suppress(Rejected):
        read_pause(argument, today)
