"""Booking contacts in a message: the närstående, the brukare ('ring brukaren'), the unit ('via oss')."""

from __future__ import annotations

import re

from bot.domain import ContactKind
from bot.language.lexicon import CONTACTS, phrase_pattern, words_regex
from bot.language.names_in_text import name_after
from bot.language.relatives_in_text import (
    Contact,
    Relation,
    add_relative,
    contact,
    find_relatives,
    phone_between,
)
from bot.language.text_scan import Scan

_VERB = phrase_pattern(CONTACTS["booking_verbs"])
_LINK = phrase_pattern(CONTACTS["links"])
_BOOKING_WORDS = words_regex(CONTACTS["booking_words"])
_BOOKING_VERB = re.compile(rf"(?<![\w-])(?:{_VERB})(?![\w-])")


def _kind_cue(refs: list[str]) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-])(?:{_VERB})(?:[ \t]+(?:{_LINK}))?[ \t]+(?:{phrase_pattern(refs)})(?![\w-])"
    )


def _linked_ref(refs: list[str]) -> re.Pattern[str]:
    """'… eller med oss', 'via hemtjänsten' in a sentence about booking."""
    return re.compile(rf"(?<![\w-])(?:eller[ \t]+)?(?:{_LINK})[ \t]+(?:{phrase_pattern(refs)})(?![\w-])")


_BRUKARE_CUE = _kind_cue(CONTACTS["brukare_refs"])
_PRONOUN_CUE = _kind_cue(CONTACTS["brukare_pronouns"])
_VERKSAMHET_CUE = _kind_cue(CONTACTS["verksamhet_refs"])
_ME_CUE = _kind_cue(CONTACTS["verksamhet_refs_when_booking"])
_LINKED_BRUKARE = _linked_ref(CONTACTS["brukare_refs"])
_LINKED_PRONOUN = _linked_ref(CONTACTS["brukare_pronouns"])
_LINKED_VERKSAMHET = _linked_ref(CONTACTS["verksamhet_refs"])
# (pattern, kind, what the sentence must also say, whether the reference is a pronoun)
_BOOKING_CUES: tuple[tuple[re.Pattern[str], ContactKind, re.Pattern[str] | None, bool], ...] = (
    (_BRUKARE_CUE, ContactKind.BRUKARE, None, False),
    (_VERKSAMHET_CUE, ContactKind.VERKSAMHET, None, False),
    (_PRONOUN_CUE, ContactKind.BRUKARE, None, True),
    (_ME_CUE, ContactKind.VERKSAMHET, _BOOKING_WORDS, False),
    (_LINKED_BRUKARE, ContactKind.BRUKARE, _BOOKING_VERB, False),
    (_LINKED_PRONOUN, ContactKind.BRUKARE, _BOOKING_VERB, True),
    (_LINKED_VERKSAMHET, ContactKind.VERKSAMHET, _BOOKING_VERB, False),
)
_UNIT_REACHED = re.compile(rf"[ \t]+(?:{phrase_pattern(CONTACTS['verksamhet_reached'])})(?![\w-])")
_UNIT_THEN_REACHED = words_regex(  # a unit word, perhaps its name, then 'nås', 'bokar' …
    CONTACTS["verksamhet_refs"],
    suffix=rf"(?=(?:[ \t]+[^\W\d_]+)?[ \t]+(?:{phrase_pattern(CONTACTS['verksamhet_reached'])})(?![\w-]))",
)
_BRUKARE_WORDS = words_regex(CONTACTS["brukare_refs"])
_VERKSAMHET_WORDS = words_regex(CONTACTS["verksamhet_refs"] + CONTACTS["verksamhet_refs_when_booking"])


def find_contacts(scan: Scan, relations: list[Relation]) -> None:
    contacts: list[Contact] = []
    find_relatives(scan, relations, contacts)
    for segment in scan.segments:
        if segment.kind == "contacts" or scan.expecting == "contacts":
            _contact_segment(scan, contacts, segment.start, segment.value_start, segment.end)
    for pattern, kind, needs, pronoun in _BOOKING_CUES:
        for match in pattern.finditer(scan.folded):
            sentence = scan.sentence_of(match.start())
            if needs is not None and not needs.search(scan.folded, *sentence):
                continue
            if not (pronoun and _relative_named_before(scan, relations, match.start())):
                _add_kind(scan, contacts, kind, *match.span())
    _unit_reached(scan, contacts)
    if contacts:
        scan.values["contacts"] = contacts


def _unit_reached(scan: Scan, contacts: list[Contact]) -> None:
    """'Hemtjänst Åsen nås på …', 'Hemtjänsten bokar tid': the unit, and its name, is the contact."""
    for unit in _UNIT_THEN_REACHED.finditer(scan.folded):
        reached = _UNIT_REACHED.match(scan.folded, unit_name_end(scan, unit.end()))
        if reached is not None and _add_kind(scan, contacts, ContactKind.VERKSAMHET, *unit.span()):
            scan.use(unit.start(), reached.end())


def unit_name_end(scan: Scan, position: int) -> int:
    """Past the unit's name right after a unit word ('Hemtjänst Åsen'): one capitalised word that is
    not followed by another name word (then it may be a person: 'hemtjänsten Greta Johansson')."""
    word = scan.next_word(position)
    if word is None or not word.text[:1].isupper() or scan.text[position : word.start].strip(" \t"):
        return position
    following = scan.next_word(word.end)
    person = following is not None and not scan.text[word.end : following.start].strip(" \t")
    named = scan.is_name_word(word) or not scan.is_free(word.start, word.end)  # used: named with a phone
    if not named or (person and scan.is_name_word(following)):
        return position
    return word.end


def _relative_named_before(scan: Scan, relations: list[Relation], position: int) -> bool:
    """'… hans dotter Eva … ring henne': 'henne' is then the relative, not the brukare."""
    sentence_start, _ = scan.sentence_of(position)
    return any(sentence_start <= relation.start < position for relation in relations)


def _contact_segment(scan: Scan, contacts: list[Contact], start: int, value: int, end: int) -> None:
    """'Kontakt: Lena Berg 070-…', 'Bokning: brukaren själv', 'Kontaktperson: hemtjänsten'."""
    found = False
    for words, kind in ((_BRUKARE_WORDS, ContactKind.BRUKARE), (_VERKSAMHET_WORDS, ContactKind.VERKSAMHET)):
        for match in words.finditer(scan.folded, value, end):
            found = _add_kind(scan, contacts, kind, *match.span()) or found
    name = name_after(scan, value, any_case=True)
    phone = None if name is None else phone_between(scan, name.end, end)
    if name is not None and (name.valid or phone is not None):
        add_relative(scan, contacts, name, phone, None)
        found = True
    if found or not scan.text[value:end].strip(" \t:,.-"):
        scan.use(start, value)


def _add_kind(scan: Scan, contacts: list[Contact], kind: ContactKind, start: int, end: int) -> bool:
    if not scan.is_free(start, end) or scan.in_signature(start):
        return False
    scan.use(start, unit_name_end(scan, end) if kind is ContactKind.VERKSAMHET else end)
    if all(given["kind"] != kind.value for given in contacts):
        contacts.append(contact(kind, None, None, None))
    return True
