"""The extraction's word lists (fields.toml), folded and compiled once at import."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FIELDS_FILE = Path(__file__).with_name("fields.toml")
_EXTRA_PLAIN = {"ø": "o", "æ": "a", "ß": "s", "đ": "d", "ł": "l", "ı": "i"}


def _plain_table() -> dict[int, str]:
    """Latin letters with diacritics -> their base letter, one character for one."""
    table = {ord(char): plain for char, plain in _EXTRA_PLAIN.items()}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base.lower()
    return table


_PLAIN = _plain_table()


def fold_keep_length(text: str) -> str:
    """Lower case without diacritics, one character for each of `text` (so offsets carry over)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    return lowered.translate(_PLAIN)


def phrase_pattern(phrases: Iterable[str]) -> str:
    """An alternation of folded phrases, longest first, spaces matching any run of spaces."""
    folded = sorted({fold_keep_length(phrase.strip()) for phrase in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in folded)


def words_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """Whole-word matches of any of `phrases` in folded text."""
    return re.compile(rf"(?<![\w-])(?:{phrase_pattern(phrases)})(?![\w-])")


def folded_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_keep_length(word) for word in words)


def _load() -> dict[str, Any]:
    with FIELDS_FILE.open("rb") as file:
        return tomllib.load(file)


FIELDS = _load()
LABELS: dict[str, list[str]] = FIELDS["labels"]
FILLER = folded_set(FIELDS["filler"]["words"])
CLOSINGS = FIELDS["signature"]["closings"]
NAMES = FIELDS["names"]
STREETS = FIELDS["streets"]
CONTACTS = FIELDS["contacts"]
PHONES = FIELDS["phones"]
ACCESS = FIELDS["access"]
RELATIONS = {fold_keep_length(form): relation for form, relation in CONTACTS["relations"].items()}
ALL_LABEL_WORDS = folded_set(word for forms in LABELS.values() for form in forms for word in form.split())
NOT_NAMES = (
    FILLER
    | ALL_LABEL_WORDS
    | folded_set(NAMES["not_names"])
    | folded_set(word for form in RELATIONS for word in form.split())
    | folded_set(STREETS["suffixes"])
)
