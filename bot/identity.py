"""Swedish personnummer, samordningsnummer, phone numbers and postnummer: parse, validate, mask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers

MAX_INPUT_LENGTH = 64
"""Longer answers are rejected before any parsing: nobody types a number that long."""

SAMORDNING_DAY_OFFSET = 60

_DASHES = re.compile("[\u2010-\u2015\u2212]")  # hyphens, en/em dashes, minus sign -> '-'
_PNR_SHAPE = re.compile(r"([0-9]{6}|[0-9]{8})([-+]?)([0-9]{4})")
_PHONE_CHARS = re.compile(r"[0-9+\-()./\s]+")
_POSTNUMMER_SHAPE = re.compile(r"(?:SE[-\s]?)?([1-9][0-9]{2})\s?([0-9]{2})", re.IGNORECASE)
_SWEDEN = "SE"
_SWEDISH_COUNTRY_CODE = 46


class InvalidAnswer(ValueError):
    """An answer that is not a valid number of its kind; `reason` is a short machine key.

    Reasons: 'pnr_format', 'pnr_date', 'pnr_checksum', 'phone_invalid', 'phone_not_swedish',
    'postnummer_format'. The message never contains the answer itself (personal data).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid answer: {reason}")
        self.reason = reason


# --- personnummer / samordningsnummer ------------------------------------------------------


@dataclass(frozen=True)
class Personnummer:
    """A checked personnummer or samordningsnummer.

    `digits` is always 12 digits (YYYYMMDDNNNC); a samordningsnummer keeps its day + 60.
    `birth_date` is the real date. A samordningsnummer may leave the month (00) or the day (60)
    unknown: then `birth_date_exact` is False and the unknown part of `birth_date` is 1.
    """

    digits: str
    birth_date: date
    samordningsnummer: bool
    century_inferred: bool
    birth_date_exact: bool = True

    def formatted(self) -> str:
        """'YYYYMMDD-NNNN'."""
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def masked(self) -> str:
        """'YYYYMMDD-XXXX': safe for logs and summaries."""
        return mask_personnummer(self.digits)


@dataclass(frozen=True)
class _BirthDate:
    value: date
    samordningsnummer: bool
    exact: bool


def parse_personnummer(text: str, today: date) -> Personnummer:
    """Parse 10 or 12 digits, with or without '-'/'+' and spaces; raise InvalidAnswer."""
    head, separator, tail = _pnr_parts(text)
    century_inferred = len(head) == 6
    if century_inferred:
        head = f"{_infer_year(head, separator == '+', today):04d}{head[2:]}"
    birth = _birth_date(head)
    if birth.value > today:
        raise InvalidAnswer("pnr_date")
    if not luhn_valid(head[2:] + tail):
        raise InvalidAnswer("pnr_checksum")
    return Personnummer(
        digits=head + tail,
        birth_date=birth.value,
        samordningsnummer=birth.samordningsnummer,
        century_inferred=century_inferred,
        birth_date_exact=birth.exact,
    )


def mask_personnummer(digits12: str) -> str:
    """'19460507-XXXX' from '194605076654'; raise InvalidAnswer unless given 12 digits."""
    if not re.fullmatch(r"[0-9]{12}", digits12):
        raise InvalidAnswer("pnr_format")
    return f"{digits12[:8]}-XXXX"


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by personnummer, over all of `digits`."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _pnr_parts(text: str) -> tuple[str, str, str]:
    """Split an answer into (6 or 8 date digits, separator, 4 last digits)."""
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidAnswer("pnr_format")
    compact = _DASHES.sub("-", "".join(text.split()))
    match = _PNR_SHAPE.fullmatch(compact)
    if match is None:
        raise InvalidAnswer("pnr_format")
    head, separator, tail = match.groups()
    return head, separator, tail


def _infer_year(yymmdd: str, plus: bool, today: date) -> int:
    """The century for a 10-digit number: '+' means 100 or older, else the latest past date."""
    yy = int(yymmdd[:2])
    if plus:
        latest = today.year - 100  # Skatteverket writes '+' from the year the person turns 100
        return latest - (latest - yy) % 100
    year = today.year - (today.year - yy) % 100
    if year == today.year and _birth_date(f"{year:04d}{yymmdd[2:]}").value > today:
        year -= 100
    return year


def _birth_date(yyyymmdd: str) -> _BirthDate:
    """The real birth date behind 'YYYYMMDD' (day + 60 for a samordningsnummer)."""
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])
    samordning = day >= SAMORDNING_DAY_OFFSET
    if samordning:
        day -= SAMORDNING_DAY_OFFSET
    elif month == 0 or day == 0:
        raise InvalidAnswer("pnr_date")  # only a samordningsnummer may leave parts unknown
    try:
        value = date(year, month or 1, day or 1)
    except ValueError:
        raise InvalidAnswer("pnr_date") from None
    return _BirthDate(value, samordning, exact=month != 0 and day != 0)


# --- phone numbers -------------------------------------------------------------------------


def parse_phone(text: str) -> str:
    """A valid Swedish phone number in E.164 ('+46701740605'); raise InvalidAnswer."""
    return phonenumbers.format_number(_swedish_number(text), phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """National grouping: '070-174 06 05', '08-465 004 12'; raise InvalidAnswer if not valid."""
    number = _swedish_number(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str) -> str:
    """'070-XXX XX 05': the area code and the last two digits stay, the rest become X."""
    area_code, dash, subscriber = format_phone(e164).partition("-")
    to_hide = sum(char.isdigit() for char in subscriber) - 2
    masked = []
    for char in subscriber:
        if char.isdigit() and to_hide > 0:
            char, to_hide = "X", to_hide - 1
        masked.append(char)
    return f"{area_code}{dash}{''.join(masked)}"


def _swedish_number(text: str) -> phonenumbers.PhoneNumber:
    """Parse with Sweden as the default region; digits and punctuation only, no extensions."""
    if len(text) > MAX_INPUT_LENGTH or not _PHONE_CHARS.fullmatch(text):
        raise InvalidAnswer("phone_invalid")
    try:
        number = phonenumbers.parse(text, _SWEDEN)
    except phonenumbers.NumberParseException:
        raise InvalidAnswer("phone_invalid") from None
    if number.country_code != _SWEDISH_COUNTRY_CODE:
        raise InvalidAnswer("phone_not_swedish")
    if not phonenumbers.is_valid_number(number):
        raise InvalidAnswer("phone_invalid")
    return number


# --- postnummer ----------------------------------------------------------------------------


def parse_postnummer(text: str) -> str:
    """Five digits, optional space, optional 'SE-' prefix, first digit 1-9 -> 'NNN NN'."""
    match = _POSTNUMMER_SHAPE.fullmatch(text.strip()) if len(text) <= MAX_INPUT_LENGTH else None
    if match is None:
        raise InvalidAnswer("postnummer_format")
    return f"{match[1]} {match[2]}"
