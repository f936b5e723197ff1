"""Whose phone is it: the orderer's, the brukare's, or not to be decided without asking."""

from __future__ import annotations

import re

from bot.language.contacts_in_text import unit_name_end
from bot.language.lexicon import CONTACTS, PHONES, folded_set, phrase_pattern, words_regex
from bot.language.relatives_in_text import Relation
from bot.language.text_scan import PhoneHit, Scan

_ORDERER_CUE = words_regex(PHONES["orderer_cues"])
_ORDERER_AFTER = re.compile(
    r"[ \t]*(?:\([ \t]*|,?[ \t]*ar[ \t]+|-[ \t]*)(?:mitt|mig|mej|min|bestallare)(?![\w-])"
)
_BRUKARE_CUE = words_regex(PHONES["brukare_cues"])
_EXPECTED_OWNER = {"phone": "phone", "orderer_phone": "orderer_phone"}
_UNITS = phrase_pattern(CONTACTS["verksamhet_refs"])
_UNIT = words_regex(CONTACTS["verksamhet_refs"], suffix="(?P<genitive>s)?")
_UNIT_WORDS = folded_set(word for ref in CONTACTS["verksamhet_refs"] for word in ref.split())
_UNIT_LINKS = folded_set(PHONES["unit_links"])
_UNIT_CUES_BEFORE = folded_set(PHONES["unit_cues_before"])
_UNIT_REACHED = folded_set(PHONES["unit_reached"])
_UNIT_GAP = re.compile(r"[\s:,().\-–]*")
_UNIT_AFTER = re.compile(
    rf"[ \t]*(?:\([ \t]*(?:till[ \t]+)?(?:{_UNITS})(?:[ \t]+[^\W\d_]+){{0,2}}[ \t]*\)"
    rf"|[,\-–][ \t]*(?:till[ \t]+)?(?:{_UNITS})(?=[ \t]*(?:[,.;\n]|$)))"
)


def orderer_phones(scan: Scan, relations: list[Relation]) -> None:
    """'Mitt nummer är …', 'nå mig på …', 'Beställare: … tel …', a phone in the signature."""
    for phone in _unowned(scan):
        window = _window_before(scan, phone, relations)
        cue = _last(_ORDERER_CUE, scan, window)
        brukare_cue = _last(_BRUKARE_CUE, scan, window)
        if cue is not None and brukare_cue is not None and brukare_cue[1] > cue[1]:
            cue = None  # 'mig … hennes telefon 070-…': the nearer cue decides
        after = _ORDERER_AFTER.match(scan.folded, phone.end)
        if cue is not None or after is not None or _signed(scan, phone):
            _assign(scan, phone, "orderer_phone", cue or (after.span() if after else None))


def unit_phones(scan: Scan, relations: list[Relation]) -> None:
    """'Tel till hemtjänsten: 08-…', 'Hemtjänst Åsen nås på 08-…': the ordering unit's phone, never the
    brukare's, nor taken as the orderer's own: it is left for the bot to offer where a phone is asked."""
    for phone in _unowned(scan):
        if phone.held:
            continue
        window = _window_before(scan, phone, relations)
        unit = _unit_before(scan, phone, window)
        if unit is None and not _UNIT_AFTER.match(scan.folded, phone.end):
            continue
        phone.held = True  # the unit's number: offered where a phone is asked, never taken as someone's
        if unit is not None:
            scan.use(*unit)


def _unit_before(scan: Scan, phone: PhoneHit, window: tuple[int, int]) -> tuple[int, int] | None:
    """The unit named before the phone with only links between, and something saying it is reached
    there ('till hemtjänsten', 'hemtjänstens', 'nås på'); returns what stands between to use."""
    for unit in _UNIT.finditer(scan.folded, *window):
        named_end = min(unit_name_end(scan, unit.end()), phone.start)
        rest = scan.words_in(named_end, phone.start)
        if not all(word.key in _UNIT_LINKS or word.key in _UNIT_WORDS for word in rest):
            continue
        if not _UNIT_GAP.fullmatch(scan.folded, rest[-1].end if rest else named_end, phone.start):
            continue
        before = scan.previous_word(unit.start())
        reached = any(word.key in _UNIT_REACHED for word in rest)
        if unit["genitive"] or reached or (before is not None and before.key in _UNIT_CUES_BEFORE):
            return unit.end(), phone.start
    return None


def _signed(scan: Scan, phone: PhoneHit) -> bool:
    """In the signature, or in a sentence that starts with 'Beställare:'."""
    if scan.in_signature(phone.start):
        return True
    start, _ = scan.sentence_of(phone.start)
    return any(seg.kind == "orderer" and start <= seg.start <= phone.start for seg in scan.segments)


def brukare_phones(scan: Scan, relations: list[Relation]) -> list[str]:
    """'Tel: …', 'hennes mobil …', a lone phone among the brukare's lines; returns the undecided ones."""
    for phone in _unowned(scan):
        if phone.held or scan.in_foreign(phone.start):
            continue  # whose it is was not clear, or it is said about a relative: never the brukare's
        segment = scan.segment_of(phone.start)
        cue = _last(_BRUKARE_CUE, scan, _window_before(scan, phone, relations))
        if segment is not None and segment.kind == "phone" and segment.value_start <= phone.start:
            cue = (segment.label_start, segment.value_start)
        if cue is not None:
            _assign(scan, phone, "phone", cue)
    rest = [phone for phone in _unowned(scan) if not phone.held]
    if len(rest) == 1:
        owner = _EXPECTED_OWNER.get(scan.expecting or "")
        if owner is None and "phone" not in scan.values and _in_brukare_lines(scan, rest[0]):
            owner = "phone"
        if owner is not None:
            _assign(scan, rest[0], owner, None)
    for phone in _unowned(scan):
        if phone.e164 is None:
            _assign(scan, phone, "phone", None)
        else:
            scan.use(phone.start, phone.end)  # reported as unassigned, not as unplaced
    return [phone.e164 for phone in _unowned(scan) if phone.e164 is not None]


def _unowned(scan: Scan) -> list[PhoneHit]:
    return [phone for phone in scan.phones if phone.owner is None]


def _assign(scan: Scan, phone: PhoneHit, field_name: str, cue: tuple[int, int] | None) -> None:
    if phone.e164 is None:
        scan.problem(field_name, phone.message)
        scan.use(phone.start, phone.end)
    elif not scan.set_value(field_name, phone.e164, phone.start, phone.end, brukare=field_name == "phone"):
        return
    phone.owner = field_name
    if cue is not None:
        scan.use(*cue)


def _window_before(scan: Scan, phone: PhoneHit, relations: list[Relation]) -> tuple[int, int]:
    """From the start of the phone's sentence, or the last phone or relation word before it."""
    start, _ = scan.sentence_of(phone.start)
    for other in [*scan.phones, *relations]:
        if other.end <= phone.start:
            start = max(start, other.end)
    return start, phone.start


def _last(cue: re.Pattern[str], scan: Scan, window: tuple[int, int]) -> tuple[int, int] | None:
    found = None
    for match in cue.finditer(scan.folded, *window):
        found = match.span()
    return found


def _in_brukare_lines(scan: Scan, phone: PhoneHit) -> bool:
    """On a line with the brukare's name or address, or alone on a line next to one."""
    line_start, line_end = scan.line_of(phone.start)
    if _touches_brukare(scan, (line_start, line_end)):
        return True
    alone = not (scan.text[line_start : phone.start] + scan.text[phone.end : line_end]).strip(" \t,.;:-")
    if not alone:
        return False
    before = scan.line_of(line_start - 1) if line_start > 0 else None
    after = scan.line_of(line_end + 1) if line_end < len(scan.text) else None
    return any(line is not None and _touches_brukare(scan, line) for line in (before, after))


def _touches_brukare(scan: Scan, span: tuple[int, int]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in scan.brukare_spans)
