"""Whole orders written in free text: every order field that can be read, what is wrong, and what is left."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.language.access_in_text import find_access
from bot.language.addresses_in_text import find_address
from bot.language.contacts_in_text import find_contacts
from bot.language.lexicon import ALL_LABEL_WORDS, CONTACTS, FILLER, NEVER_NAMES, fold_keep_length, folded_set
from bot.language.names_in_text import find_brukare_name, use_greeting, use_orderer_name
from bot.language.numbers_in_text import find_numbers, read_personnummer
from bot.language.order_intent import OrderIntent, order_intent
from bot.language.phones_in_text import brukare_phones, orderer_phones, unit_phones
from bot.language.relatives_in_text import mark_relative_zones, relations_in
from bot.language.text_layout import tidy
from bot.language.text_scan import Scan

_PIECE_BREAK = re.compile(r"[\x00,]+")
_USED_RUN = re.compile(rb"\x01+")
_WORD = re.compile(r"[^\W_]+")
_TRIM = " \t\n,.;:!?-–—()[]{}\"'*•·>/|"
_UNIT_WORDS = folded_set(CONTACTS["verksamhet_refs"])


@dataclass(frozen=True)
class Problem:
    field: str  # the OrderDraft field the bad value was meant for
    message: str  # Swedish, from bot/texts.py: what is wrong and what is expected


@dataclass(frozen=True)
class Extraction:
    values: dict[str, object]  # OrderDraft field -> validated value, in the draft's JSON form
    problems: tuple[Problem, ...] = ()
    unplaced: tuple[str, ...] = ()  # parts of the text, as written, that could not be placed
    unassigned_phones: tuple[str, ...] = ()  # valid phones (E.164) whose owner could not be decided
    key_mentioned: bool = False  # the text says the key is collected (the dialog still asks)
    notes: tuple[str, ...] = ()  # Swedish sentences to show, e.g. the birth date understood


def extract(text: str, today: date, expecting: str | None = None) -> Extraction:
    """Read `text`; `expecting` is the OrderDraft field just asked for (an unlabelled value goes there)."""
    scan = Scan(tidy(text), today, expecting)
    personnummer = find_numbers(scan)
    read_personnummer(scan, personnummer)
    relations = relations_in(scan)
    orderer_phones(scan, relations)
    unit_phones(scan, relations)
    _use_orderer_lines(scan)
    use_orderer_name(scan)
    use_greeting(scan)
    find_contacts(scan, relations)
    find_brukare_name(scan, personnummer)
    mark_relative_zones(scan, relations)
    find_address(scan)
    unassigned = brukare_phones(scan, relations)
    find_access(scan)
    return Extraction(
        values=dict(scan.values),
        problems=tuple(Problem(field, message) for field, message in scan.problems),
        unplaced=_unplaced(scan),
        unassigned_phones=tuple(unassigned),
        key_mentioned=scan.key_mentioned,
        notes=tuple(scan.notes),
    )


def _use_orderer_lines(scan: Scan) -> None:
    """The signature and 'Beställare: …' lines are the orderer's own: nothing there is the brukare's."""
    scan.use(*scan.signature)
    for segment in scan.segments:
        if segment.kind == "orderer":
            scan.use(segment.start, segment.end)


def _unplaced(scan: Scan) -> tuple[str, ...]:
    """What is left in each sentence, cut at what was used and at commas, if it says anything."""
    left = _left_text(scan)
    known = _known_names(scan)
    pieces: list[str] = []
    for start, end in scan.sentences:
        for piece in _PIECE_BREAK.split(left[start:end]):
            trimmed = piece.strip(_TRIM)
            if _says_something(trimmed, known) and trimmed not in pieces:
                pieces.append(trimmed)
    return tuple(pieces)


def _left_text(scan: Scan) -> str:
    """The text with each used character replaced by NUL."""
    parts, last = [], 0
    for run in _USED_RUN.finditer(scan.used):
        parts += [scan.text[last : run.start()], "\x00" * (run.end() - run.start())]
        last = run.end()
    parts.append(scan.text[last:])
    return "".join(parts)


def _known_names(scan: Scan) -> frozenset[str]:
    """The words of the names already read ('Sonja har …' after 'Sonja Berg' says nothing new)."""
    names = [scan.values.get("brukare_name")]
    names += [contact.get("name") for contact in scan.values.get("contacts") or []]  # type: ignore[attr-defined]
    return frozenset(key for name in names if isinstance(name, str) for key in fold_keep_length(name).split())


def _says_something(piece: str, known: frozenset[str] = frozenset()) -> bool:
    """Words besides filler, labels and names already read; a label standing alone ('Portkod:') or the
    request to order says nothing, unless a name is in it ('Larm till Inga Berg')."""
    keys = _WORD.findall(fold_keep_length(piece))
    if not keys or all(key in ALL_LABEL_WORDS for key in keys):
        return False
    said = [key for key in keys if key not in FILLER and key not in ALL_LABEL_WORDS and key not in known]
    if not any(len(key) > 1 or key.isdigit() for key in said):
        return False
    return order_intent(piece) is OrderIntent.NONE or _names_someone(piece)


def _names_someone(piece: str) -> bool:
    """A capitalised word inside the piece, not an ordinary word nor a unit's name ('Hemtjänsten Ryd'):
    a name the bot did not place."""
    if piece[1:] == piece[1:].lower():
        return False
    keys = _WORD.findall(fold_keep_length(piece))
    words = _WORD.findall(piece)
    return any(
        word[:1].isupper() and key not in NEVER_NAMES and before not in _UNIT_WORDS
        for before, key, word in zip(keys, keys[1:], words[1:], strict=False)
    )
