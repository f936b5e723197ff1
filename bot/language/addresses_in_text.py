"""The brukare's address in a message: street (with number, letter and flat), postnummer and ort."""

from __future__ import annotations

import re

from bot import texts
from bot.language import answers
from bot.language.lexicon import FILLER, NOT_NAMES, STREETS, folded_set, phrase_pattern, words_regex
from bot.language.text_layout import Word
from bot.language.text_scan import Scan

_SUFFIXES = folded_set(STREETS["suffixes"])
_STREET_WORD = re.compile(rf"(?<![\w'-])[\w'-]{{0,40}}?(?:{phrase_pattern(STREETS['suffixes'])})(?![\w-])")
_NOT_STREETS = words_regex(STREETS["not_streets"])
_PREFIXES = folded_set(STREETS["prefixes"])
_CUES = words_regex(STREETS["cues"])
_ORT_CUES = words_regex(STREETS["ort_cues"])
_HOUSE = re.compile(r"[ \t]+(?:nr\.?[ \t]*)?\d{1,4}(?:-\d{1,4})?(?!\d)(?:[ \t]?[a-h](?![\w]))?")
_FLAT = re.compile(
    rf"(?:[ \t]*,)?[ \t]*(?:{phrase_pattern(STREETS['flat_words'])})[ \t]*(?:nr\.?[ \t]*)?\d{{3,5}}(?!\d)"
)
_FLOOR = re.compile(rf"(?:[ \t]*,)?[ \t]*\d{{1,2}}[ \t]?(?:{phrase_pattern(STREETS['floor_words'])})(?![\w])")
_FLOOR_NOTE = re.compile(rf"(?:[ \t]*,)?[ \t]*(?:{phrase_pattern(STREETS['floor_notes'])})(?![\w])")
_ABBREVIATED_PREFIX = re.compile(
    rf"(?<![\w:.])(?:{phrase_pattern(p for p in STREETS['prefixes'] if not p.isalpha())})[ \t]+$"
)
_OLD_ADDRESS = words_regex(  # the cue, then a street's words and a number: 'från Ringvägen 3'
    STREETS["old_address_cues"],
    suffix=r"(?=[ \t:]+[^\W\d_][\w:.'-]{0,40}(?:[ \t]+[^\W\d_][\w:.'-]{0,40}){0,3}[ \t]+\d)",
)
_NEW_ADDRESS = words_regex(STREETS["new_address_cues"])
_TO_ORT = re.compile(r"[ \t]+i[ \t]+|[ \t]*,[ \t]*|[ \t]+")
_BARE_STREET = re.compile(r"[^\W\d_][\w:.'-]{0,40}(?:[ \t]+[^\W\d_][\w:.'-]{0,40}){0,3}")
_BEFORE_POSTNUMMER = re.compile(
    r"((?:[^\W\d_][\w:.'-]{0,40}[ \t]+){1,4}\d{1,4}(?:[ \t]?[a-h](?![\w]))?)[ \t]*,?[ \t]*$"
)
_ORT_ANSWER = re.compile(r"[^\W\d_]+(?:(?:[ \t]+|-)[^\W\d_]+){0,3}")
_DIGIT = re.compile(r"\d")
_ORT_LIMIT_MIXED_CASE = 3
MAX_PREFIX_WORDS = 2


def find_address(scan: Scan) -> None:
    """Streets first (their words and numbers), then postnummer and ort around them."""
    _mark_old_addresses(scan)
    for segment in scan.segments:
        if segment.kind == "street":
            _loose_street_at(
                scan, segment.value_start, bare=True, label=(segment.label_start, segment.value_start)
            )
    if scan.expecting == "street" and scan.words:
        _loose_street_at(scan, scan.words[0].start, bare=True)
    for match in _STREET_WORD.finditer(scan.folded):
        _street_by_suffix(scan, match)
    for cue in _CUES.finditer(scan.folded):
        _loose_street_at(scan, cue.end(), bare=False, label=cue.span())
    for start, end in list(scan.postnummer_hits):
        _postnummer(scan, start, end)
    _labelled_ort(scan)
    for cue in _ORT_CUES.finditer(scan.folded):
        if scan.in_foreign(cue.start()):
            continue
        found = _ort_words(scan, cue.end(), open_end=False)
        if found is not None:
            _keep_ort(scan, *found)
            scan.use(*cue.span())
    _flat_elsewhere(scan)


# --- streets -----------------------------------------------------------------------------------


def _mark_old_addresses(scan: Scan) -> None:
    """'flyttar från Ringvägen 3 till Kvarngatan 7': from 'från' to 'till' is an old address."""
    for cue in _OLD_ADDRESS.finditer(scan.folded):
        word = scan.next_word(cue.end())
        if word is None or not _starts_street(scan, word):
            continue
        _, sentence_end = scan.sentence_of(cue.start())
        new = _NEW_ADDRESS.search(scan.folded, word.end, sentence_end)
        scan.foreign.append((cue.start(), new.start() if new is not None else sentence_end))


def _starts_street(scan: Scan, word: Word) -> bool:
    """A street name ('Ringvägen 3', 'Västra vägen') or a capitalised word and a house number."""
    suffixed = _STREET_WORD.match(scan.folded, word.start)
    if suffixed is not None and suffixed.end() == word.end:
        return True
    return _street_like(scan, word.start) and _HOUSE.match(scan.folded, word.end) is not None


def _street_by_suffix(scan: Scan, match: re.Match[str]) -> None:
    start, name_end = match.span()
    if not scan.is_free(start, name_end) or _NOT_STREETS.fullmatch(scan.folded, start, name_end):
        return
    if scan.in_foreign(start):
        return
    start = _with_prefix(scan, start, standalone=match[0] in _SUFFIXES)
    if start is None:
        return
    end = _number_end(scan, name_end)
    cued = _cued(scan, start)
    if end > name_end or cued:
        _keep_street(scan, start, end)


def _with_prefix(scan: Scan, start: int, *, standalone: bool) -> int | None:
    """Where the street's name starts: 'Västra vägen', 'Drottning Kristinas väg', 'Gamla Kungsvägen'."""
    taken = 0
    while taken < MAX_PREFIX_WORDS:
        abbreviated = _ABBREVIATED_PREFIX.search(scan.folded, max(0, start - 8), start)
        if abbreviated is not None and scan.is_free(abbreviated.start(), start):
            start, taken = abbreviated.start(), taken + 1  # 'S:t Persgatan'
            continue
        word = scan.previous_word(start)
        if (
            word is None
            or scan.text[word.end : start].strip(" \t")
            or not _prefix_word(scan, word, standalone)
        ):
            break
        start, taken = word.start, taken + 1
    return None if standalone and taken == 0 else start


def _prefix_word(scan: Scan, word: Word, standalone: bool) -> bool:
    if word.key in _PREFIXES:
        return True
    return standalone and word.key not in NOT_NAMES and scan.is_name_word(word)


def _number_end(scan: Scan, position: int) -> int:
    """The end of the house number, letter, flat ('lgh 1102') and floor ('3 tr') after a street name."""
    house = _HOUSE.match(scan.folded, position)
    if house is None or not scan.is_free(*house.span()):
        return position
    end = house.end()
    for extra in (_FLAT, _FLOOR, _FLOOR_NOTE):
        more = extra.match(scan.folded, end)
        if more is not None and scan.is_free(*more.span()):
            end = more.end()
    return end


def _loose_street_at(scan: Scan, position: int, *, bare: bool, label: tuple[int, int] | None = None) -> None:
    """'Brunnsvik 5' after 'bor på' or 'Adress:', or as the answer to the street question."""
    words = _BARE_STREET.match(scan.folded, _skip_spaces(scan, position))
    if words is None or not scan.is_free(*words.span()) or not _street_like(scan, words.start()):
        return
    if scan.in_foreign(words.start()):
        return
    end = _number_end(scan, words.end())
    if end == words.end() and not bare:
        return
    if _keep_street(scan, words.start(), end) and label is not None:
        scan.use(*label)


def _street_like(scan: Scan, position: int) -> bool:
    word = scan.next_word(position)
    return word is not None and word.key not in FILLER and (scan.is_name_word(word) or word.key in _PREFIXES)


def _keep_street(scan: Scan, start: int, end: int) -> bool:
    if not scan.is_free(start, end):
        return False
    try:
        street = answers.free_text(scan.text[start:end])
    except answers.Rejected:
        return False
    kept = scan.set_value("street", street, start, end, brukare=True)
    if kept:
        _ort_after_street(scan, end)
        label = _CUES.search(scan.folded, max(0, start - 12), start)
        if label is not None and not scan.folded[label.end() : start].strip():
            scan.use(*label.span())
    return kept


def _cued(scan: Scan, start: int) -> bool:
    """'bor på Storgatan', 'Adress: Storgatan', or the answer to the street question."""
    segment = scan.segment_of(start)
    if scan.expecting == "street" or (segment is not None and segment.kind == "street"):
        return True
    cue = _CUES.search(scan.folded, max(0, start - 12), start)
    return cue is not None and not scan.folded[cue.end() : start].strip()


def _flat_elsewhere(scan: Scan) -> None:
    """'lgh 1102' written apart from the street is added to it."""
    if "street" not in scan.values:
        return
    flats = [m for m in _FLAT.finditer(scan.folded) if scan.is_free(*m.span())]
    if len(flats) == 1:
        flat = scan.text[flats[0].start() : flats[0].end()].strip(" \t,")
        scan.values["street"] = answers.free_text(f"{scan.values['street']}, {flat}")
        scan.use(*flats[0].span())


# --- postnummer and ort ------------------------------------------------------------------------


def _postnummer(scan: Scan, start: int, end: int) -> None:
    if not scan.is_free(start, end) or scan.in_foreign(start):
        return
    label = scan.label_before(start, "postnummer")
    ort = _ort_words(scan, end, open_end=True)
    if not (label or ort or _follows_address(scan, start) or scan.expecting in ("postnummer", "street")):
        return
    if "street" not in scan.values:
        _street_before(scan, start)
    try:
        value = answers.postnummer(scan.text[start:end])
    except answers.Rejected:
        return
    if not scan.set_value("postnummer", value, start, end, brukare=True):
        return
    if label is not None:
        scan.use(*label)
    if ort:
        _keep_ort(scan, *ort)
    else:
        _keep_ort(scan, *(_ort_before(scan, start) or (0, 0)))


def _follows_address(scan: Scan, start: int) -> bool:
    """Right after the street or ort on the same line ('Ågatan 24A i Linköping, 582 23')."""
    before = scan.text[:start].rstrip(" \t,(")
    return bool(before) and scan.used[len(before) - 1] == 1 and "\n" not in scan.text[len(before) : start]


def _street_before(scan: Scan, postnummer_start: int) -> None:
    line_start, _ = scan.line_of(postnummer_start)
    found = _BEFORE_POSTNUMMER.search(scan.folded, line_start, postnummer_start)
    if found is None:
        return
    for word in scan.words_in(found.start(1), found.end(1)):
        if _street_like(scan, word.start):
            _loose_street_at(scan, word.start, bare=False)
            return


def _ort_after_street(scan: Scan, end: int) -> None:
    """'Storgatan 12 i Linköping', 'Storgatan 12, Linköping'; not a word before a postnummer with its
    own ort after it ('Storgatan 5 xx, 602 24 Norrköping': the ort follows the postnummer)."""
    gap = _TO_ORT.match(scan.folded, end)
    if gap is None:
        return
    cued = " i " in f" {gap[0]} "
    found = _ort_words(scan, gap.end(), open_end=cued)
    if found is not None and (cued or not _postnummer_with_ort_after(scan, found[1])):
        _keep_ort(scan, *found)


def _postnummer_with_ort_after(scan: Scan, position: int) -> bool:
    rest = scan.folded[position:].lstrip(" \t,")
    at = len(scan.folded) - len(rest)
    hit = next((hit for hit in scan.postnummer_hits if hit[0] == at), None)
    return hit is not None and _ort_words(scan, hit[1], open_end=True) is not None


def _ort_words(scan: Scan, position: int, *, open_end: bool) -> tuple[int, int] | None:
    """Capitalised words (one word where case says nothing) on the same line, ending the clause
    unless `open_end` ('582 22 Linköping tel …', 'i Linköping och …')."""
    limit = _ORT_LIMIT_MIXED_CASE if scan.mixed_case else 1
    words: list[Word] = []
    word = scan.next_word(position)
    while (
        word is not None
        and len(words) < limit
        and _ort_word(scan, word, position if not words else words[-1].end)
    ):
        words.append(word)
        word = scan.next_word(word.end)
    if not words:
        return None
    if not open_end and not _ends_clause(scan, words[-1].end) and not _vocabulary_next(scan, words[-1]):
        return None
    return words[0].start, words[-1].end


def _ort_word(scan: Scan, word: Word, after: int) -> bool:
    gap = scan.text[after : word.start]
    return gap.strip(" \t,") == "" and "\n" not in gap and gap.count(",") <= 1 and scan.is_name_word(word)


def _ort_before(scan: Scan, position: int) -> tuple[int, int] | None:
    word = scan.previous_word(position)
    if word is None or scan.text[word.end : position].strip(" \t,") or not scan.is_name_word(word):
        return None
    return word.start, word.end


def _vocabulary_next(scan: Scan, word: Word) -> bool:
    """The word after the ort is an ordinary word ('Linghem kod 3344'), not more of a name."""
    following = scan.next_word(word.end)
    return (
        following is not None
        and following.key in NOT_NAMES
        and "\n" not in scan.text[word.end : following.start]
    )


def _ends_clause(scan: Scan, position: int) -> bool:
    rest = scan.folded[position:].lstrip(" \t")
    at = len(scan.folded) - len(rest)
    return rest == "" or rest[0] in ",.;!?)\n" or any(start == at for start, _ in scan.postnummer_hits)


def _keep_ort(scan: Scan, start: int, end: int) -> None:
    if end <= start or not scan.is_free(start, end):
        return
    try:
        ort = answers.free_text(scan.text[start:end])
    except answers.Rejected:
        return
    if not any(char.isdigit() for char in ort):
        scan.set_value("ort", ort, start, end, brukare=True)


def _labelled_ort(scan: Scan) -> None:
    for segment in scan.segments:
        labelled_digits = segment.kind == "postnummer" and _DIGIT.search(
            scan.text, segment.value_start, segment.end
        )
        if labelled_digits and "postnummer" not in scan.values:
            scan.problem("postnummer", texts.ERR_POSTNUMMER)
            scan.use(segment.start, segment.end)
        if segment.kind == "ort" or (scan.expecting == "ort" and segment is scan.segments[0]):
            found = _ort_run_any_case(scan, segment.value_start)
            if found is not None and scan.is_free(*found):
                _keep_ort(scan, *found)
                scan.use(segment.label_start, segment.value_start)
    if (
        scan.expecting == "postnummer"
        and "postnummer" not in scan.values
        and any(w.text.isdigit() for w in scan.words)
    ):
        scan.problem("postnummer", texts.ERR_POSTNUMMER)


def _ort_run_any_case(scan: Scan, position: int) -> tuple[int, int] | None:
    words = _ORT_ANSWER.match(scan.folded, _skip_spaces(scan, position))
    if words is None or any(word.key in NOT_NAMES for word in scan.words_in(*words.span())):
        return None
    return words.span()


def _skip_spaces(scan: Scan, position: int) -> int:
    while position < len(scan.text) and scan.text[position] in " \t":
        position += 1
    return position
