"""Whole orders written in free text: every order field that can be read, what is wrong, and what is left."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.language.access_in_text import find_access
from bot.language.addresses_in_text import find_address
from bot.language.contacts_in_text import find_contacts
from bot.language.lexicon import ALL_LABEL_WORDS, FILLER, fold_keep_length
from bot.language.names_in_text import find_brukare_name, use_orderer_name
from bot.language.numbers_in_text import find_numbers, read_personnummer
from bot.language.order_intent import OrderIntent, order_intent
from bot.language.phones_in_text import brukare_phones, orderer_phones
from bot.language.relatives_in_text import relations_in
from bot.language.text_layout import tidy
from bot.language.text_scan import Scan

_PIECE_BREAK = re.compile(r"[\x00,]+")
_WORD = re.compile(r"[^\W_]+")
_TRIM = " \t\n,.;:!?-–—()[]{}\"'*•·>/|"


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
    _use_orderer_lines(scan)
    use_orderer_name(scan)
    find_contacts(scan, relations)
    find_brukare_name(scan, personnummer)
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
    left = "".join("\x00" if used else char for char, used in zip(scan.text, scan.used, strict=True))
    pieces: list[str] = []
    for start, end in scan.sentences:
        for piece in _PIECE_BREAK.split(left[start:end]):
            trimmed = piece.strip(_TRIM)
            if _says_something(trimmed) and trimmed not in pieces:
                pieces.append(trimmed)
    return tuple(pieces)


def _says_something(piece: str) -> bool:
    """Words besides filler; a label standing alone ('Portkod:') or the request to order says nothing."""
    keys = _WORD.findall(fold_keep_length(piece))
    if not keys or all(key in ALL_LABEL_WORDS for key in keys):
        return False
    if not any(key not in FILLER and (len(key) > 1 or key.isdigit()) for key in keys):
        return False
    return order_intent(piece) is OrderIntent.NONE  # 'skulle behöva ett larm till' asks, it tells nothing
