"""Readers for typed answers: each returns the normalised value or raises Rejected with a hint."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from bot import identity, texts
from bot.language.words import fold, match_choice, yes_or_no

T = TypeVar("T")
Parser = Callable[[str, Sequence[str]], Any]
MAX_TEXT = 200
MAX_MESSAGE = 1000
PORTKOD_PATTERN = re.compile(r"^[0-9A-Za-z#*+\- ]{1,20}$")
NO_PORTKOD_WORDS = frozenset({"ingen", "inget", "ingen portkod", "nej", "saknas", "finns inte", "-"})


class Rejected(ValueError):
    """An answer that does not fit; `message` tells the user what is expected (Swedish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


IDENTITY_ERRORS = {
    "pnr_format": texts.ERR_PNR_FORMAT,
    "pnr_date": texts.ERR_PNR_DATE,
    "pnr_checksum": texts.ERR_PNR_CHECKSUM,
    "phone_not_swedish": texts.ERR_PHONE_NOT_SWEDISH,
    "postnummer_format": texts.ERR_POSTNUMMER,
}


def yes_no(text: str, _choices: Sequence[str] = ()) -> bool:
    answer = yes_or_no(text)
    if answer is None:
        raise Rejected(texts.ERR_YES_NO)
    return answer


def free_text(text: str, _choices: Sequence[str] = (), limit: int = MAX_TEXT) -> str:
    """Text with control characters dropped and spaces tidied; unencodable text is refused."""
    if any(unicodedata.category(char) == "Cs" for char in text):
        raise Rejected(texts.ERR_TEXT.format(limit=limit))
    printable = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    cleaned = " ".join(printable.split())
    if not cleaned or len(cleaned) > limit or not any(char.isalpha() for char in cleaned):
        raise Rejected(texts.ERR_TEXT.format(limit=limit))
    return cleaned


def message_text(text: str, _choices: Sequence[str] = ()) -> str:
    """A message passed on to people (a question, an answer, a reason): up to MAX_MESSAGE characters."""
    return free_text(text, limit=MAX_MESSAGE)


def full_name(text: str, choices: Sequence[str] = ()) -> str:
    name = free_text(text, choices)
    if len(name.split()) < 2 or any(char.isdigit() for char in name):
        raise Rejected(texts.ERR_FULL_NAME)
    return name


def personnummer(today: Callable[[], date]) -> Parser:
    """A reader of personnummer that knows today's date (for the century of 10-digit numbers)."""

    def parse(text: str, _choices: Sequence[str] = ()) -> identity.Personnummer:
        return _identity(lambda: identity.parse_personnummer(text, today()))

    return parse


def phone(text: str, _choices: Sequence[str] = ()) -> str:
    return _identity(lambda: identity.parse_phone(text))


def postnummer(text: str, _choices: Sequence[str] = ()) -> str:
    return _identity(lambda: identity.parse_postnummer(text))


def portkod(text: str, _choices: Sequence[str] = ()) -> str:
    """The code as typed, or '' for 'ingen'."""
    if fold(text) in NO_PORTKOD_WORDS:
        return ""
    code = " ".join(text.split())
    if not PORTKOD_PATTERN.match(code) or not any(char.isdigit() for char in code):
        raise Rejected(texts.ERR_PORTKOD)  # a code has a digit: 'tack' or 'funkar' is no portkod
    return code


def choice(text: str, choices: Sequence[str]) -> str:
    chosen = match_choice(text, choices)
    if chosen is None:
        raise Rejected(texts.ERR_CHOICE.format(options=", ".join(choices)))
    return chosen


def _identity(read: Callable[[], T]) -> T:
    try:
        return read()
    except identity.InvalidAnswer as error:
        raise Rejected(IDENTITY_ERRORS.get(error.reason, texts.ERR_PHONE)) from None
