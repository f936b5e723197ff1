"""Närstående in a message: a relation word, the name next to it, and the phone that follows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import texts
from bot.domain import ContactKind
from bot.language.lexicon import CONTACTS, RELATIONS, folded_set, words_regex
from bot.language.names_in_text import Name, name_after, name_before
from bot.language.text_scan import PhoneHit, Scan

_RELATION = words_regex(RELATIONS)
_POSSESSIVE_ONLY = folded_set(CONTACTS["possessive_only"])
_POSSESSIVES = folded_set(CONTACTS["possessives"])
_NAME_LINK = re.compile(r"[ \t]*(?:,[ \t]*)?(?:heter|är|:)?")
_AND = re.compile(r"(?:[\s,&/]|och|eller|samt|" + "|".join(sorted(_POSSESSIVES)) + r")*")

Contact = dict[str, object]


@dataclass(frozen=True)
class Relation:
    start: int
    end: int
    relation: str


@dataclass(frozen=True)
class Mention:
    """A relation word and the name written with it ('dottern Lena Berg', 'Lena Berg (dotter)')."""

    relation: Relation
    name: Name | None

    @property
    def start(self) -> int:
        return min(self.relation.start, self.name.start if self.name else self.relation.start)

    @property
    def end(self) -> int:
        return max(self.relation.end, self.name.end if self.name else self.relation.end)


def relations_in(scan: Scan) -> list[Relation]:
    """Relation words ('dottern', 'hennes man', 'god man'); 'man' and 'far' only after 'hennes' etc."""
    found = []
    for match in _RELATION.finditer(scan.folded):
        key = " ".join(match[0].split())
        before = scan.previous_word(match.start())
        if key in _POSSESSIVE_ONLY and (before is None or before.key not in _POSSESSIVES):
            continue
        if not scan.in_signature(match.start()):
            found.append(Relation(match.start(), match.end(), RELATIONS[key]))
    return found


def find_relatives(scan: Scan, relations: list[Relation], contacts: list[Contact]) -> None:
    """Each relative with the phone after them; 'X och Y … 070-… resp 070-…' pairs phones in order."""
    mentions = [_mention(scan, relation) for relation in relations]
    for group, zone_end in _groups(scan, mentions):
        if len(group) == 1:
            name, phone = _name_and_phone(scan, group[0], zone_end)
            add_relative(scan, contacts, name, phone, group[0].relation)
            continue
        phones = [
            phone for phone in scan.phones if group[-1].end <= phone.start < zone_end and not phone.owner
        ]
        if len(phones) != len(group):
            for phone in phones:
                phone.held = True  # whose is whose is not clear: the dialog asks
            phones = []
        for index, mention in enumerate(group):
            add_relative(scan, contacts, mention.name, phones[index] if phones else None, mention.relation)


def add_relative(
    scan: Scan, contacts: list[Contact], name: Name | None, phone: PhoneHit | None, relation: Relation | None
) -> None:
    """A närstående with a full name, or a problem when only a first name (or no name) is given."""
    if name is None and phone is None:
        return
    if name is None or not name.valid:
        scan.problem("contacts", texts.ERR_CONTACT_FULL_NAME)
    elif phone is not None and phone.e164 is None:
        scan.problem("contacts", phone.message)
    else:
        contacts.append(contact(ContactKind.NARSTAENDE, name.text, relation, phone))
    for span in (name, phone, relation):
        if span is not None:
            scan.use(span.start, span.end)
    if relation is not None:
        _use_possessive(scan, relation)
    if phone is not None:
        phone.owner = "contacts"


def contact(
    kind: ContactKind, name: str | None, relation: Relation | None, phone: PhoneHit | None
) -> Contact:
    return {
        "kind": kind.value,
        "name": name,
        "relation": relation.relation if relation is not None else None,
        "phone": phone.e164 if phone is not None else None,
    }


def phone_between(scan: Scan, start: int, end: int) -> PhoneHit | None:
    for phone in scan.phones:
        if start <= phone.start < end and phone.owner is None and not phone.held:
            return phone
    return None


def _mention(scan: Scan, relation: Relation) -> Mention:
    link = _NAME_LINK.match(scan.folded, relation.end)
    name = name_after(scan, link.end() if link else relation.end) or name_before(scan, relation.start)
    return Mention(relation, name)


def _groups(scan: Scan, mentions: list[Mention]) -> list[tuple[list[Mention], int]]:
    """Mentions joined by 'och', 'eller' or ',' in one sentence, each group with where its phones end."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        if groups and _joined(scan, groups[-1][-1], mention):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    ends = [group[0].start for group in groups[1:]] + [len(scan.text)] * bool(groups)
    return [(group, min(end, _sentence_end(scan, group))) for group, end in zip(groups, ends, strict=True)]


def _sentence_end(scan: Scan, group: list[Mention]) -> int:
    return scan.sentence_of(group[-1].start)[1]


def _joined(scan: Scan, previous: Mention, mention: Mention) -> bool:
    if scan.sentence_of(previous.start) != scan.sentence_of(mention.start) or previous.end > mention.start:
        return False
    return _AND.fullmatch(scan.folded, previous.end, mention.start) is not None


def _name_and_phone(scan: Scan, mention: Mention, zone_end: int) -> tuple[Name | None, PhoneHit | None]:
    """The phone after the relative ('dottern Lena Berg 070-…'), or between name and relation word."""
    name = mention.name
    phone = phone_between(scan, mention.end, zone_end)
    if phone is None and name is not None and name.end <= mention.relation.start:
        phone = phone_between(scan, name.end, mention.relation.start)
    if phone is None and name is None:
        return _name_and_phone_before(scan, mention.relation)
    return name, phone


def _name_and_phone_before(scan: Scan, relation: Relation) -> tuple[Name | None, PhoneHit | None]:
    """'Lena Berg 070-174 06 42 (dotter)': the relation written after the name and the phone."""
    for phone in scan.phones:
        if phone.owner is None and not scan.text[phone.end : relation.start].strip(" \t,(-"):
            name = name_before(scan, phone.start)
            return (name, phone) if name is not None else (None, None)
    return None, None


def _use_possessive(scan: Scan, relation: Relation) -> None:
    """'hennes', 'brukarens' or 'Tores' before 'dotter' belongs to the relation."""
    before = scan.previous_word(relation.start)
    if before is None or scan.text[before.end : relation.start].strip():
        return
    if before.key in _POSSESSIVES or (before.text[:1].isupper() and before.key.endswith("s")):
        scan.use(before.start, before.end)
