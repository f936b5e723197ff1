"""Person names in a message: runs of name words, and the brukare's name by label, cue or position."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import texts
from bot.language import answers
from bot.language.lexicon import (
    GREETINGS,
    LABELS,
    NAMES,
    RELATIONS,
    STREETS,
    folded_set,
    phrase_pattern,
    words_regex,
)
from bot.language.text_layout import Word
from bot.language.text_scan import Scan

_GAP_INSIDE_NAME = re.compile(r"[ \t]+")
_GAP_AFTER_CUE = re.compile(r"[ \t]*[:,()]{0,2}[ \t]*")
_GAP_BEFORE_NUMBER = re.compile(r"[ \t]*[,:(]?[ \t]*(?:\n[ \t]*(?:[-*•·]|\d{1,2}[.)])?)?[ \t]*")
_BEFORE_NAME = words_regex(NAMES["before_name"])
_AFTER_NAME = words_regex(NAMES["after_name"])
_ORDERER_NAME = words_regex(NAMES["orderer_name_cues"])
_SKIP_BEFORE_NAME = folded_set(NAMES["skip_before_name"])
_DESCRIBED = folded_set(NAMES["described_before_name"])
_PNR_LABEL_WORDS = folded_set(word for form in LABELS["personnummer"] for word in form.split())
_BEFORE_NAME_WORDS = folded_set(word for form in NAMES["before_name"] for word in form.split())
_GREETING = re.compile(rf"[ \t]*(?:{phrase_pattern(GREETINGS)})[ \t]+")
_AFTER_GREETING = re.compile(r"[ \t]*(?:[!,.:;]|$)", re.MULTILINE)
_COMMA = re.compile(r"[ \t]*,[ \t]*")
_STREET_ENDINGS = tuple(folded_set(STREETS["suffixes"]))
_HOUSE_NUMBER = re.compile(r"[ \t]+\d{1,4}(?!\d)")
STRONG_LIMIT = 4  # words in a name where the position says it is one (label, next to a personnummer)
WEAK_LIMIT = 3


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str
    valid: bool  # passes the full_name reader (first and last name)


def name_after(scan: Scan, position: int, *, any_case: bool = False, limit: int = WEAK_LIMIT) -> Name | None:
    """The name whose first word follows `position` with at most a ',' ':' or '(' between."""
    word = scan.next_word(position)
    if word is None or not _GAP_AFTER_CUE.fullmatch(scan.text, position, word.start):
        return None
    return _run(scan, scan.index_of(word), +1, any_case, limit)


def name_before(scan: Scan, position: int, *, any_case: bool = False, limit: int = WEAK_LIMIT) -> Name | None:
    """The name whose last word stands right before `position` (a ',' '(' or one newline between)."""
    word = scan.previous_word(position)
    while word is not None and (word.key in _PNR_LABEL_WORDS or not scan.is_free(word.start, word.end)):
        word = scan.previous_word(word.start)  # 'pnr', or a list's '2.' before the number
    if word is None or not _GAP_BEFORE_NUMBER.fullmatch(scan.text, word.end, _gap_end(scan, word, position)):
        return None
    return _run(scan, scan.index_of(word), -1, any_case, limit)


def find_brukare_name(scan: Scan, personnummer_spans: list[tuple[int, int]]) -> None:
    """By label, next to the personnummer, after 'till/för/hos…', or as the answer to the question."""
    if scan.expecting == "brukare_name" and scan.words:
        _take(scan, name_after(scan, scan.words[0].start, any_case=True, limit=STRONG_LIMIT), report=True)
    for segment in scan.segments:
        if segment.kind == "brukare_name":
            found = name_after(scan, segment.value_start, any_case=True, limit=STRONG_LIMIT)
            found = _surname_first(scan, found) or found
            if _take(scan, found, report=segment.explicit) or (found is None and segment.explicit):
                scan.use(segment.label_start, segment.value_start)
    for start, end in personnummer_spans:
        before = name_before(scan, start, any_case=True, limit=STRONG_LIMIT)
        _take(scan, _surname_first_before(scan, before) or before)
        _take(scan, name_after(scan, end, any_case=True, limit=STRONG_LIMIT), whole_clause=True)
    for cue in _BEFORE_NAME.finditer(scan.folded):
        if scan.is_free(*cue.span()):
            _take(scan, name_after(scan, _skip_titles(scan, cue.end())))
    for cue in _AFTER_NAME.finditer(scan.folded):
        _take(scan, name_before(scan, cue.start()))


def use_orderer_name(scan: Scan) -> None:
    """'Jag heter Anna Lind': the orderer's own name is neither the brukare's nor left unplaced."""
    for cue in _ORDERER_NAME.finditer(scan.folded):
        name = name_after(scan, cue.end())
        if name is not None:
            scan.use(cue.start(), name.end)


def use_greeting(scan: Scan) -> None:
    """'Hej Anna!': the reader's first name in the greeting is neither the brukare's nor left unplaced."""
    if not scan.sentences:
        return
    start, end = scan.sentences[0]
    greeting = _GREETING.match(scan.folded, start, end)
    word = scan.next_word(greeting.end()) if greeting else None
    if greeting is None or word is None or word.end > end or not scan.is_name_word(word):
        return
    after = _AFTER_GREETING.match(scan.text, word.end, end)
    if after is not None:
        scan.use(greeting.start(), after.end())


def _surname_first(scan: Scan, surname: Name | None) -> Name | None:
    """'Namn: Berg, Sonja': one word, a comma, one word ending the clause; kept as 'Sonja Berg'."""
    if surname is None or surname.valid or " " in surname.text:
        return None
    comma = _COMMA.match(scan.text, surname.end)
    given = name_after(scan, comma.end(), any_case=True, limit=2) if comma else None
    if given is None or " " in given.text or not _ends_clause_or_number(scan, given.end):
        return None
    return _swapped(surname, given)


def _surname_first_before(scan: Scan, given: Name | None) -> Name | None:
    """'Berg, Sonja 19491013-2507' at the start of a line or after 'till': kept as 'Sonja Berg'."""
    if given is None or given.valid or " " in given.text:
        return None
    comma = _COMMA.fullmatch(scan.text, _gap_start(scan, given.start), given.start)
    surname = name_before(scan, comma.start(), any_case=True, limit=2) if comma else None
    if surname is None or " " in surname.text or not _starts_name(scan, surname.start):
        return None
    return _swapped(surname, given)


def _gap_start(scan: Scan, position: int) -> int:
    """Where the spaces and comma before `position` start."""
    start = position
    while start > 0 and scan.text[start - 1] in " \t,":
        start -= 1
    return start


def _starts_name(scan: Scan, position: int) -> bool:
    """A sentence or a labelled value starts here, or a cue ('till', 'för') stands right before."""
    if position in scan.first_words:
        return True
    word = scan.previous_word(position)
    return word is not None and word.key in _BEFORE_NAME_WORDS and not scan.text[word.end : position].strip()


def _swapped(surname: Name, given: Name) -> Name | None:
    full = _full_name(f"{given.text} {surname.text}")
    return None if full is None else Name(surname.start, given.end, full, True)


def _ends_clause_or_number(scan: Scan, position: int) -> bool:
    rest = scan.text[position : position + 3].lstrip(" \t")
    return _ends_clause(scan, position) or rest[:1].isdigit()


def _take(scan: Scan, name: Name | None, *, report: bool = False, whole_clause: bool = False) -> bool:
    if name is None or (whole_clause and not _ends_clause(scan, name.end)):
        return False
    if name.valid:
        return scan.set_value("brukare_name", name.text, name.start, name.end, brukare=True)
    if report and "brukare_name" not in scan.values:
        scan.problem("brukare_name", texts.ERR_FULL_NAME)
        scan.use(name.start, name.end)
        return True
    return False


def _run(scan: Scan, index: int, step: int, any_case: bool, limit: int) -> Name | None:
    """Consecutive name words from words[index] on (step +1) or back (step -1), on one line."""
    taken: list[Word] = []
    ordinary = 0  # an ordinary word capitalised next to a name ('Björn Vid'): one, in a name of two or more
    while 0 <= index < len(scan.words) and len(taken) < limit:
        word = scan.words[index]
        named = scan.is_name_word(word, any_case=any_case)
        soft = not named and not ordinary and len(taken) < 2 and scan.is_soft_name_word(word)
        if not (named or soft or (taken and scan.is_particle(word))) or _is_street(scan, word):
            break
        if taken and not _GAP_INSIDE_NAME.fullmatch(scan.text, *_gap(taken[-1], word)):
            break
        taken.append(word)
        ordinary += soft
        index += step
    while taken and scan.is_particle(taken[-1]):
        taken.pop()
    if not taken or (ordinary and len(taken) < 2):
        return None
    start, end = min(w.start for w in taken), max(w.end for w in taken)
    full = _full_name(scan.text[start:end])
    return Name(start, end, full or scan.text[start:end], full is not None)


def _is_street(scan: Scan, word: Word) -> bool:
    """'Storgatan 12': a street name and its house number, never part of a person's name."""
    return word.key.endswith(_STREET_ENDINGS) and _HOUSE_NUMBER.match(scan.text, word.end) is not None


def _full_name(text: str) -> str | None:
    """The name as the full_name reader keeps it, or None when it is not a first and last name."""
    try:
        return answers.full_name(text)
    except answers.Rejected:
        return None


def _gap(first: Word, second: Word) -> tuple[int, int]:
    return (first.end, second.start) if first.end <= second.start else (second.end, first.start)


def _gap_end(scan: Scan, word: Word, position: int) -> int:
    """Where the gap after `word` ends: at a personnummer label ('pnr') before the number, if any."""
    label = scan.next_word(word.end)
    if label is not None and label.start < position and label.key in _PNR_LABEL_WORDS:
        return label.start
    return position


def _skip_titles(scan: Scan, position: int) -> int:
    """After 'till': past 'vår brukare', 'fru', 'herr', 'sin mamma' to where the name starts."""
    word = scan.next_word(position)
    described = False
    while word is not None and scan.text[position : word.start].strip() == "":
        skipped = word.key in _SKIP_BEFORE_NAME or word.key in _DESCRIBED
        if not (skipped or (described and word.key in RELATIONS)):
            break
        described = word.key in _DESCRIBED
        position = word.end
        word = scan.next_word(position)
    return position


def _ends_clause(scan: Scan, position: int) -> bool:
    rest = scan.text[position : position + 3].lstrip(" \t")
    return rest == "" or rest[0] in ",.;!?)\n"
