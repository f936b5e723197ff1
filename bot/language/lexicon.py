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


def words_regex(phrases: Iterable[str], suffix: str = "") -> re.Pattern[str]:
    """Whole-word matches of any of `phrases` in folded text (then `suffix`, a pattern, if given)."""
    listed = list(phrases)
    return re.compile(rf"(?<![\w-]){first_letters(listed)}(?:{phrase_pattern(listed)}){suffix}(?![\w-])")


def first_letters(phrases: Iterable[str]) -> str:
    """A lookahead for the first characters of `phrases`: a quick test before the long alternation."""
    firsts = sorted({fold_keep_length(phrase.strip())[:1] for phrase in phrases if phrase.strip()})
    return f"(?=[{''.join(re.escape(char) for char in firsts)}])" if firsts else ""


def folded_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_keep_length(word) for word in words)


def _load() -> dict[str, Any]:
    with FIELDS_FILE.open("rb") as file:
        return tomllib.load(file)


FIELDS = _load()
LABELS: dict[str, list[str]] = FIELDS["labels"]
FILLER = folded_set(FIELDS["filler"]["words"])
GREETINGS = FIELDS["filler"]["greetings"]
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
# Never part of a name, even capitalised inside a sentence; other NOT_NAMES words may be ("Björn Vid").
NEVER_NAMES = (
    ALL_LABEL_WORDS
    | folded_set(NAMES["never_names"])
    | folded_set(word for form in RELATIONS for word in form.split())
    | folded_set(STREETS["suffixes"])
)
