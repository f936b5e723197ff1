"""Personnummer, phone numbers and postnummer as staff type them into the chat."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.se import personnummer as stdnum_personnummer

from bot.identity import (
    InvalidAnswer,
    Personnummer,
    format_phone,
    luhn_valid,
    mask_personnummer,
    mask_phone,
    parse_personnummer,
    parse_phone,
    parse_postnummer,
)
from tests.support.testdata import TEST_PERSONNUMMER

# Personal data rule: personnummer only from Skatteverket's test numbers (the file below, or
# numbers that cannot exist: impossible dates, wrong check digits); phone numbers only from PTS's
# fictional series 070-174 06 05..99 and 08-465 004 xx.

TODAY = date(2026, 11, 26)

ALL = TEST_PERSONNUMMER
SAMORDNINGSNUMMER = [n for n in ALL if int(n[6:8]) > 60]
ORDINARY = [n for n in ALL if n not in SAMORDNINGSNUMMER]
BORN_BEFORE_1915 = [n for n in ORDINARY if int(n[:4]) < 1915]
BORN_1915_OR_LATER = [n for n in ORDINARY if int(n[:4]) >= 1915]

# Named numbers from the file, for readable examples.
GUNNAR = "194605076654"  # born 1946-05-07
BORN_1980 = "198005082386"
BORN_2021 = "202109202388"
BORN_2019 = "201904192398"
BORN_1893 = "189304279806"
BORN_1900 = "190006159818"
SAMORDNING_1977 = "197705802390"  # day 80 = the 20th
SAMORDNING_2023 = "202311622381"  # day 62 = the 2nd
SAMORDNING_UNKNOWN_MONTH = "191500882392"  # month 00, day 88 = the 28th

MOBILE = "+46701740605"
LANDLINE = "+46846500412"


def ten_digits(digits12: str, separator: str = "-") -> str:
    """How the number is written with a two-digit year: 'YYMMDD-NNNN'."""
    return f"{digits12[2:8]}{separator}{digits12[8:]}"


def with_wrong_check_digit(digits12: str) -> str:
    """The same number with a check digit that the Luhn rule rejects."""
    right = luhn.calc_check_digit(digits12[2:11])
    return digits12[:11] + str((int(right) + 1) % 10)


def reason_for(text: str, today: date = TODAY) -> str:
    with pytest.raises(InvalidAnswer) as caught:
        parse_personnummer(text, today)
    return caught.value.reason


# --- the test data file --------------------------------------------------------------------


def test_the_skatteverket_test_numbers_are_there():
    assert len(ALL) >= 300
    assert len(ALL) > 250
    assert SAMORDNINGSNUMMER and BORN_BEFORE_1915 and BORN_1915_OR_LATER


@pytest.mark.parametrize("digits", ALL)
def test_every_test_number_parses_and_round_trips(digits: str):
    parsed = parse_personnummer(digits, TODAY)

    assert parsed.digits == digits
    assert parsed.formatted() == f"{digits[:8]}-{digits[8:]}"
    assert parsed.masked() == f"{digits[:8]}-XXXX"
    assert parse_personnummer(parsed.formatted(), TODAY) == parsed
    assert not parsed.century_inferred


@pytest.mark.parametrize("digits", BORN_1915_OR_LATER + SAMORDNINGSNUMMER)
def test_ten_digit_form_gets_the_right_century(digits: str):
    separator = "+" if TODAY.year - int(digits[:4]) >= 100 else "-"

    parsed = parse_personnummer(ten_digits(digits, separator), TODAY)

    assert parsed.digits == digits
    assert parsed.century_inferred


@pytest.mark.parametrize("digits", BORN_BEFORE_1915)
def test_plus_means_a_hundred_or_older(digits: str):
    parsed = parse_personnummer(ten_digits(digits, "+"), TODAY)

    assert parsed.digits == digits
    assert parsed.century_inferred
    assert TODAY.year - parsed.birth_date.year >= 100


@pytest.mark.parametrize("digits", ORDINARY)
def test_agrees_with_python_stdnum_on_ordinary_numbers(digits: str):
    parsed = parse_personnummer(digits, TODAY)

    assert stdnum_personnummer.is_valid(parsed.formatted())
    assert stdnum_personnummer.get_birth_date(parsed.formatted()) == parsed.birth_date
    assert not parsed.samordningsnummer


@pytest.mark.parametrize("digits", SAMORDNINGSNUMMER)
def test_samordningsnummer_keep_day_plus_sixty_but_know_the_real_day(digits: str):
    parsed = parse_personnummer(digits, TODAY)

    assert parsed.samordningsnummer
    assert parsed.digits[6:8] == digits[6:8]
    assert parsed.birth_date.day == max(int(digits[6:8]) - 60, 1)


def test_a_wrong_last_digit_is_a_checksum_error_for_every_test_number():
    for digits in ALL:
        for last in "0123456789":
            if last != digits[-1]:
                assert reason_for(digits[:-1] + last) == "pnr_checksum"


# --- ways of writing a personnummer --------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "19460507-6654",
        "194605076654",
        "460507-6654",
        "4605076654",
        "46 05 07 - 66 54",
        " 460507 6654 ",
        "19460507 6654",
        "1946 05 07 6654",
        "460507–6654",  # en dash, as phones and Word write it
        "460507—6654",  # em dash
        "460507−6654",  # minus sign
        "\t460507-6654\n",
        "460507\u00a0-\u00a06654",  # no-break spaces from a copied web page
    ],
)
def test_the_usual_ways_of_typing_a_personnummer(typed: str):
    parsed = parse_personnummer(typed, TODAY)

    assert parsed.digits == GUNNAR
    assert parsed.birth_date == date(1946, 5, 7)
    assert parsed.formatted() == "19460507-6654"
    assert parsed.masked() == "19460507-XXXX"


def test_twelve_digits_need_no_century_guess():
    parsed = parse_personnummer("19460507-6654", TODAY)

    assert parsed == Personnummer(
        digits=GUNNAR,
        birth_date=date(1946, 5, 7),
        samordningsnummer=False,
        century_inferred=False,
    )


def test_ten_digits_mean_under_a_hundred():
    assert parse_personnummer("800508-2386", TODAY).digits == BORN_1980
    assert parse_personnummer("210920-2388", TODAY).digits == BORN_2021
    assert parse_personnummer("4605076654", TODAY).birth_date == date(1946, 5, 7)


def test_a_birthday_later_this_year_belongs_to_the_previous_century():
    day_before_birth = date(2019, 4, 18)

    assert parse_personnummer("190419-2398", day_before_birth).birth_date.year == 1919
    assert parse_personnummer("190419-2398", date(2019, 4, 19)).digits == BORN_2019


def test_plus_sign_picks_the_century_a_hundred_years_back():
    assert parse_personnummer("930427+9806", TODAY).digits == BORN_1893
    assert parse_personnummer("000615+9818", TODAY).digits == BORN_1900
    assert parse_personnummer("930427-9806", TODAY).birth_date.year == 1993


def test_a_twelve_digit_number_may_carry_a_plus():
    assert parse_personnummer("18930427+9806", TODAY).digits == BORN_1893


def test_samordningsnummer_in_ten_and_twelve_digits():
    parsed = parse_personnummer("770580-2390", TODAY)

    assert parsed.digits == SAMORDNING_1977
    assert parsed.samordningsnummer
    assert parsed.birth_date == date(1977, 5, 20)
    assert parsed.birth_date_exact
    assert parsed.formatted() == "19770580-2390"
    assert parsed.masked() == "19770580-XXXX"
    assert parse_personnummer("231162-2381", TODAY).digits == SAMORDNING_2023


def test_a_samordningsnummer_may_leave_the_month_unknown():
    parsed = parse_personnummer("150088+2392", TODAY)

    assert parsed.digits == SAMORDNING_UNKNOWN_MONTH
    assert parsed.samordningsnummer
    assert not parsed.birth_date_exact
    assert parsed.birth_date == date(1915, 1, 28)


def test_python_stdnum_rejects_samordningsnummer_but_we_accept_them():
    assert not stdnum_personnummer.is_valid("19770580-2390")
    assert parse_personnummer("19770580-2390", TODAY).samordningsnummer


# --- wrong numbers -------------------------------------------------------------------------


def test_a_typo_in_the_last_digit_is_a_checksum_error():
    assert reason_for("19460507-6655") == "pnr_checksum"
    assert reason_for("460507-6650") == "pnr_checksum"
    assert reason_for("770580-2391") == "pnr_checksum"


def test_swapped_digits_are_caught_by_the_checksum():
    assert reason_for("19460507-6564") == "pnr_checksum"
    assert reason_for("19460507-6645") == "pnr_checksum"


@pytest.mark.parametrize(
    "yyyymmdd",
    [
        "19460230",  # 30 February
        "19460231",
        "19450229",  # 1945 was no leap year
        "19460431",  # 31 April
        "19460500",  # day 00
        "19460532",  # day 32
        "19460559",  # between a real day and a samordningsnummer day
        "19460592",  # samordningsnummer day 92 = 32
        "19460290",  # samordningsnummer for 30 February
        "19461307",  # month 13
        "19460007",  # month 00 is only for samordningsnummer
        "19469907",
    ],
)
def test_dates_that_do_not_exist(yyyymmdd: str):
    digits = with_wrong_check_digit(yyyymmdd + "6654")

    assert reason_for(digits) == "pnr_date"
    assert reason_for(ten_digits(digits)) == "pnr_date"


@pytest.mark.parametrize("yyyymmdd", ["19440229", "20000229", "19960229", "19440289"])
def test_leap_days_are_real_dates(yyyymmdd: str):
    # Only the (deliberately wrong) check digit is left to complain about.
    assert reason_for(with_wrong_check_digit(yyyymmdd + "1234")) == "pnr_checksum"


def test_leap_day_of_2000_but_not_of_1900():
    digits = with_wrong_check_digit("200002291234")

    assert reason_for(ten_digits(digits, "-")) == "pnr_checksum"  # 2000-02-29 exists
    assert reason_for(ten_digits(digits, "+")) == "pnr_date"  # 1900-02-29 does not


def test_people_born_in_the_future_are_rejected():
    assert reason_for(BORN_2021, today=date(2021, 9, 19)) == "pnr_date"
    assert reason_for(SAMORDNING_2023, today=date(2023, 11, 1)) == "pnr_date"
    assert parse_personnummer(BORN_2021, today=date(2021, 9, 20)).digits == BORN_2021


def test_twelve_digits_with_a_year_ahead_are_rejected():
    assert reason_for(with_wrong_check_digit("21460507" + "6654")) == "pnr_date"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "abc",
        "vet inte",
        "🙂",
        "🙂460507-6654",
        "19460507-665",  # 11 digits
        "1946050766541",  # 13 digits
        "946050766",
        "46050766",
        "4605-076654",  # separator in the wrong place
        "460507--6654",
        "460507-+6654",
        "460507/6654",
        "460507_6654",
        "46.05.07-6654",
        "l9460507-6654",  # lower-case L for 1
        "19460507-665O",  # capital O for 0
        "460507-T654",  # interimsnummer, not accepted here
        "١٩٤٦٠٥٠٧٦٦٥٤",  # Arabic-Indic digits
        "１９４６０５０７６６５４",  # full-width digits
        "1" * 300,
        "19460507-6654 " * 20,
        "personnummer: 19460507-6654",
        "+460507-6654",
        "-4605076654",
    ],
)
def test_answers_that_are_not_a_personnummer(typed: str):
    assert reason_for(typed) == "pnr_format"


def test_the_error_never_repeats_the_number():
    with pytest.raises(InvalidAnswer) as caught:
        parse_personnummer("19460507-6655", TODAY)

    assert "6655" not in str(caught.value)
    assert "460507" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_mask_personnummer():
    assert mask_personnummer(GUNNAR) == "19460507-XXXX"
    assert mask_personnummer(SAMORDNING_1977) == "19770580-XXXX"


@pytest.mark.parametrize("not_twelve_digits", ["", "19460507-6654", "4605076654", "abcdefghijkl"])
def test_mask_personnummer_refuses_anything_but_twelve_digits(not_twelve_digits: str):
    with pytest.raises(InvalidAnswer):
        mask_personnummer(not_twelve_digits)


def test_personnummer_is_immutable():
    parsed = parse_personnummer(GUNNAR, TODAY)

    with pytest.raises(AttributeError):
        parsed.digits = BORN_1980  # type: ignore[misc]


# --- phone numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "070-174 06 05",
        "0701740605",
        "070 174 06 05",
        "070-1740605",
        "070 - 174 06 05",
        "+46 70 174 06 05",
        "+46701740605",
        "+46 (0)70-174 06 05",
        "0046701740605",
        "0046 70 174 06 05",
        "070.174.06.05",
        " 070-174 06 05 ",
        "070\u00a0174\u00a006\u00a005",
    ],
)
def test_the_usual_ways_of_typing_a_mobile_number(typed: str):
    assert parse_phone(typed) == MOBILE


@pytest.mark.parametrize(
    "typed",
    [
        "08-465 004 12",
        "(08) 465 004 12",
        "08 465 004 12",
        "0846500412",
        "08/465 004 12",
        "+46 8 465 004 12",
        "+46 (0)8-465 004 12",
        "0046 8 465 004 12",
    ],
)
def test_the_usual_ways_of_typing_a_stockholm_number(typed: str):
    assert parse_phone(typed) == LANDLINE


@pytest.mark.parametrize("last_two", range(5, 100))
def test_the_whole_fictional_mobile_series(last_two: int):
    e164 = parse_phone(f"070-174 06 {last_two:02d}")

    assert e164 == f"+467017406{last_two:02d}"
    assert format_phone(e164) == f"070-174 06 {last_two:02d}"
    assert mask_phone(e164) == f"070-XXX XX {last_two:02d}"
    assert parse_phone(format_phone(e164)) == e164


@pytest.mark.parametrize("last_two", range(100))
def test_the_whole_fictional_stockholm_series(last_two: int):
    e164 = parse_phone(f"08-465 004 {last_two:02d}")

    assert e164 == f"+468465004{last_two:02d}"
    assert format_phone(e164) == f"08-465 004 {last_two:02d}"
    assert mask_phone(e164) == f"08-XXX XXX {last_two:02d}"


def test_format_and_mask_phone():
    assert format_phone(MOBILE) == "070-174 06 05"
    assert format_phone(LANDLINE) == "08-465 004 12"
    assert mask_phone(MOBILE) == "070-XXX XX 05"
    assert mask_phone(LANDLINE) == "08-XXX XXX 12"


@pytest.mark.parametrize(
    "foreign",
    [
        "+44 20 7946 0958",  # Ofcom's range for drama, London
        "0044 20 7946 0958",
        "+1 202 555 0123",  # North American 555-01xx, fictional
    ],
)
def test_foreign_numbers_are_refused(foreign: str):
    with pytest.raises(InvalidAnswer) as caught:
        parse_phone(foreign)

    assert caught.value.reason == "phone_not_swedish"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "  ",
        "abc",
        "vet inte",
        "🙂",
        "070-174 06",  # too short
        "070-174 06 05 5",  # too long
        "0701740605 ankn. 3",  # extension
        "070-174 06 05 (mobil)",
        "070-ABC DEFG",  # letters as on a keypad
        "+46",
        "+",
        "000",
        "112",
        "07O-174 06 05",  # capital O for 0
        "0" * 300,
        "070-174 06 05 " * 10,
    ],
)
def test_answers_that_are_not_a_phone_number(typed: str):
    with pytest.raises(InvalidAnswer) as caught:
        parse_phone(typed)

    assert caught.value.reason == "phone_invalid"


def test_format_and_mask_refuse_what_is_not_a_valid_swedish_number():
    for bad in ("", "+4670174", "+442079460958"):
        with pytest.raises(InvalidAnswer):
            format_phone(bad)
        with pytest.raises(InvalidAnswer):
            mask_phone(bad)


# --- postnummer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["411 05", "41105", " 411 05 ", "SE-411 05", "SE-41105", "se-411 05", "SE 411 05", "SE41105"],
)
def test_the_usual_ways_of_typing_a_postnummer(typed: str):
    assert parse_postnummer(typed) == "411 05"


def test_postnummer_all_over_the_country():
    assert parse_postnummer("11122") == "111 22"
    assert parse_postnummer("981 38") == "981 38"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "011 22",  # no postnummer starts with 0
        "01122",
        "4110",
        "411 0",
        "411055",
        "41 105",
        "411-05",
        "411  05 5",
        "SE-",
        "S-411 05",
        "DK-411 05",
        "411 05 Göteborg",
        "🙂",
        "4" * 300,
    ],
)
def test_answers_that_are_not_a_postnummer(typed: str):
    with pytest.raises(InvalidAnswer) as caught:
        parse_postnummer(typed)

    assert caught.value.reason == "postnummer_format"


# --- properties ----------------------------------------------------------------------------

test_numbers = st.sampled_from(ALL or [GUNNAR])
spacing = st.text(alphabet=" \u00a0\t", max_size=2)


@st.composite
def typed_versions(draw: st.DrawFn, digits12: str) -> str:
    """The number in 10 or 12 digits, with or without a separator, spaces sprinkled in."""
    if draw(st.booleans()):
        head = digits12[:8]
        separator = draw(st.sampled_from(["", "-"]))
    else:
        head = digits12[2:8]
        separator = "+" if TODAY.year - int(digits12[:4]) >= 100 else draw(st.sampled_from(["", "-"]))
    chars = list(head + separator + digits12[8:])
    return draw(spacing) + "".join(char + draw(spacing) for char in chars)


@given(st.text(), st.dates())
def test_any_text_is_a_personnummer_or_an_invalid_answer(text: str, today: date):
    try:
        parsed = parse_personnummer(text, today)
    except InvalidAnswer as refused:
        assert refused.reason in {"pnr_format", "pnr_date", "pnr_checksum"}
    else:
        assert len(parsed.digits) == 12


@given(st.text())
def test_any_text_is_a_phone_number_or_an_invalid_answer(text: str):
    try:
        parse_phone(text)
    except InvalidAnswer as refused:
        assert refused.reason in {"phone_invalid", "phone_not_swedish"}


@given(st.text())
def test_any_text_is_a_postnummer_or_an_invalid_answer(text: str):
    try:
        parse_postnummer(text)
    except InvalidAnswer as refused:
        assert refused.reason == "postnummer_format"


@given(st.text(alphabet="0123456789+- ", max_size=20), st.dates())
def test_any_digits_are_a_personnummer_or_an_invalid_answer(text: str, today: date):
    try:
        parsed = parse_personnummer(text, today)
    except InvalidAnswer as refused:
        assert refused.reason in {"pnr_format", "pnr_date", "pnr_checksum"}
    else:
        assert parsed.birth_date <= today
        assert parsed.formatted().replace("-", "") == parsed.digits


@given(test_numbers.flatmap(lambda digits: st.tuples(st.just(digits), typed_versions(digits))))
def test_however_it_is_typed_it_means_the_same_person(case: tuple[str, str]):
    digits, typed = case

    parsed = parse_personnummer(typed, TODAY)

    assert parsed.digits == digits
    assert parse_personnummer(parsed.formatted(), TODAY).digits == digits
    assert parse_personnummer(parsed.formatted(), TODAY) == parse_personnummer(digits, TODAY)


@given(test_numbers)
def test_masking_never_reveals_the_last_four(digits: str):
    masked = parse_personnummer(digits, TODAY).masked()

    assert masked == f"{digits[:8]}-XXXX"
    assert not any(char.isdigit() for char in masked[8:])


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_mask_personnummer_shows_only_the_date_part(digits: str):
    assert mask_personnummer(digits) == f"{digits[:8]}-XXXX"


@given(st.integers(min_value=5, max_value=99), st.booleans())
def test_masking_a_phone_number_keeps_only_the_area_code_and_the_last_two(last: int, mobile: bool):
    typed = f"070-174 06 {last:02d}" if mobile else f"08-465 004 {last:02d}"
    masked = mask_phone(parse_phone(typed))

    area_code, _, subscriber = masked.partition("-")
    assert area_code == typed.partition("-")[0]
    assert "".join(char for char in subscriber if char.isdigit()) == f"{last:02d}"
    assert subscriber.endswith(f"{last:02d}")


@given(st.integers(min_value=10000, max_value=99999), st.sampled_from(["", "SE-", "se "]))
def test_every_five_digit_postnummer_comes_out_as_nnn_nn(number: int, prefix: str):
    typed = f"{prefix}{number}"

    assert parse_postnummer(typed) == f"{str(number)[:3]} {str(number)[3:]}"


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_our_luhn_agrees_with_python_stdnum(digits: str):
    assert luhn_valid(digits) == luhn.is_valid(digits)
