"""Corrections in free text: "ändra telefon till 070-174 06 99", "fel portkod, den är 4321"."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot import texts
from bot.language import answers
from bot.language.answers import Rejected
from bot.language.extraction import extract
from bot.language.lexicon import fold_keep_length

_WORDS = tomllib.loads((Path(__file__).parent / "corrections.toml").read_text(encoding="utf-8"))
OPENERS = frozenset(_WORDS["openers"])
BETWEEN = frozenset(_WORDS["between"])
CLAIMS = tuple(_WORDS["claims"])
JOINERS = tuple(sorted(_WORDS["joiners"], key=len, reverse=True))
VALUE_ENDS = tuple(_WORDS["value_ends"])
FIELDS: dict[str, tuple[str, ...]] = {word: tuple(names) for word, names in _WORDS["fields"].items()}
LONGEST_FIELD = max(len(word.split()) for word in FIELDS)
FIELD_WITHIN = 4  # the field is among the first words: later, it is a sentence about something else
ADDRESS = ("street", "postnummer", "ort")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Correction:
    """What to change: `fields` of the draft, to `values`; fields without a value are asked again.

    `error` says, in Swedish, why the new value was refused; then nothing is to be changed.
    """

    fields: tuple[str, ...]
    values: dict[str, object] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class _Token:
    folded: str
    end: int  # where the token ends in the text


def parse_correction(text: str, today: date) -> Correction | None:
    """The correction `text` asks for, or None when it is not a correction."""
    tokens = [_Token(_fold_word(m.group()), m.end()) for m in _TOKEN.finditer(text[:500])]
    found = _field_at(tokens)
    if found is None:
        return None
    start, length, names = found
    rest = " ".join(token.folded for token in tokens[start + length :])
    opened = any(token.folded in OPENERS for token in tokens[:start])
    if not opened and not rest.startswith(CLAIMS):
        return None
    value = _value_text(text[tokens[start + length - 1].end :])
    if not value:
        return Correction(names) if opened else None
    return _read(names, value, today)


def _field_at(tokens: list[_Token]) -> tuple[int, int, tuple[str, ...]] | None:
    """(index, word count, draft fields) of the field named among the first words."""
    for start in range(min(len(tokens), FIELD_WITHIN)):
        for length in range(min(LONGEST_FIELD, len(tokens) - start), 0, -1):
            phrase = " ".join(token.folded for token in tokens[start : start + length])
            if phrase in FIELDS and _only_openers_before(tokens[:start]):
                return start, length, FIELDS[phrase]
    return None


def _only_openers_before(tokens: list[_Token]) -> bool:
    return all(token.folded in OPENERS or token.folded in BETWEEN for token in tokens)


def _value_text(after_field: str) -> str:
    """The new value: what follows the field, without 'ska vara', 'till', 'den är' and punctuation."""
    value = after_field.strip(" \t\r\n:,;.-")
    while True:
        plain = fold_keep_length(value)
        joiner = next((j for j in JOINERS if _starts_with_words(plain, j)), None)
        if joiner is None:
            return value
        value = value[len(joiner) :].strip(" \t\r\n:,;.-")


def _starts_with_words(plain: str, words: str) -> bool:
    """'ar fel, ska vara' starts with the words 'ar fel'; 'arlig' does not start with 'ar'."""
    return plain.startswith(words) and (len(plain) == len(words) or not plain[len(words)].isalnum())


def _read(names: tuple[str, ...], value: str, today: date) -> Correction:
    """The value read by the same readers as the step-by-step answers."""
    if names == ADDRESS or names == ("contacts",):
        return _read_in_text(names, value, today)
    reader = _readers(today)[names[0]]
    try:
        return Correction(names, {names[0]: reader(_one_value(value))})
    except Rejected as rejected:
        return Correction(names, error=rejected.message)


def _readers(today: date) -> dict[str, Callable[[str], object]]:
    def personnummer(text: str) -> str:
        return answers.personnummer(lambda: today)(text).digits

    return {
        "phone": answers.phone,
        "orderer_phone": answers.phone,
        "portkod": answers.portkod,
        "postnummer": answers.postnummer,
        "ort": answers.free_text,
        "unit": answers.free_text,
        "brukare_name": answers.full_name,
        "orderer_name": answers.full_name,
        "personnummer": personnummer,
    }


def _read_in_text(names: tuple[str, ...], value: str, today: date) -> Correction:
    """An address or a contact: the parts found by the free-text reader, as when ordering."""
    found = extract(value, today, expecting=names[0])
    values = {name: found.values[name] for name in names if name in found.values}
    if found.problems:
        return Correction(names, error=found.problems[0].message)
    if not values:
        hint = texts.CORRECT_CONTACT_HINT if names == ("contacts",) else texts.CORRECT_ADDRESS_HINT
        return Correction(names, error=hint)
    return Correction(names, values)  # parts of the address not given are asked again


def _one_value(value: str) -> str:
    """A one-word field's value ends at a comma, a full stop or 'inte': 'portkoden är 4321, inte 1234'."""
    plain = fold_keep_length(value)
    ends = [plain.find(end) for end in VALUE_ENDS if plain.find(end) > 0]
    return value[: min(ends)].strip() if ends else value.strip()


def _fold_word(word: str) -> str:
    return fold_keep_length(word).strip(".,:;!?()\"'")
