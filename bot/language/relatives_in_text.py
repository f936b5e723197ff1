"""Närstående in a message: a relation word, the name next to it, and the phone that follows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import texts
from bot.domain import ContactKind
from bot.language.lexicon import (
    ALL_LABEL_WORDS,
    CONTACTS,
    FILLER,
    RELATIONS,
    STREETS,
    folded_set,
    words_regex,
)
from bot.language.names_in_text import Name, name_after, name_before
from bot.language.text_layout import Word
from bot.language.text_scan import PhoneHit, Scan

_RELATION = words_regex(RELATIONS, suffix="(?P<genitive>s)?")
_RELATIVE_NAMED = words_regex(CONTACTS["relative_named"])
_CLAUSE_END = re.compile(r"[ \t]*(?:[),.;!?\n]|$)")
_LIVES = words_regex(STREETS["relative_lives"])
_PRONOUN_LIVES = words_regex(STREETS["pronoun_lives"])
_BRUKARE_KINDS = frozenset({"brukare_name", "personnummer", "street", "postnummer", "ort", "phone"})
_BRUKARE_REF = words_regex(CONTACTS["brukare_words"])
_POSSESSIVE_ONLY = folded_set(CONTACTS["possessive_only"])
_POSSESSIVES = folded_set(CONTACTS["possessives"])
_DESCRIBED = folded_set(CONTACTS["brukare_described"])
_DESCRIBED_AFTER = folded_set(CONTACTS["described_after"])
_NAME_LINK = re.compile(r"[ \t]*(?:,[ \t]*)?(?:heter|är|:)?")
_AND = re.compile(r"(?:[\s,&/]|och|eller|samt|" + "|".join(sorted(_POSSESSIVES)) + r")*")
_BEFORE_SUBJECT = FILLER | ALL_LABEL_WORDS | _POSSESSIVES

Contact = dict[str, object]


@dataclass(frozen=True)
class Relation:
    start: int
    end: int
    relation: str
    genitive: bool = False  # 'Dotterns tel: …': what follows is the relative's, not their name


@dataclass(frozen=True)
class Mention:
    """A relation word and the name written with it ('dottern Lena Berg', 'Lena Berg (dotter)')."""

    relation: Relation
    name: Name | None
    named_later: bool = False  # '…, hon heter Eva Holm' after the phone

    @property
    def start(self) -> int:
        return min(self.relation.start, self.name.start if self.name else self.relation.start)

    @property
    def end(self) -> int:
        return max(self.relation.end, self.name.end if self.name else self.relation.end)

    @property
    def phones_from(self) -> int:
        """Where the relative's phone may start: after the name, or after the relation word."""
        return self.relation.end if self.named_later else self.end


def relations_in(scan: Scan) -> list[Relation]:
    """Relation words ('dottern', 'hennes man', 'god man'); 'man' and 'far' only after 'hennes' etc."""
    found = []
    for match in _RELATION.finditer(scan.folded):
        genitive = match["genitive"] is not None
        key = " ".join(match[0][: len(match[0]) - genitive].split())
        before = scan.previous_word(match.start())
        if key in _POSSESSIVE_ONLY and (before is None or before.key not in _POSSESSIVES):
            continue
        if before is not None and before.key in _DESCRIBED and _describes_brukare(scan, before):
            continue
        if not scan.in_signature(match.start()):
            found.append(Relation(match.start(), match.end(), RELATIONS[key], genitive))
    return found


def _describes_brukare(scan: Scan, possessive: Word) -> bool:
    """'larm till sin mamma …': the brukare, described by who orders."""
    cue = scan.previous_word(possessive.start)
    if cue is None or cue.key not in _DESCRIBED_AFTER:
        return False
    return not scan.text[cue.end : possessive.start].strip(" \t")


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
    elif phone is None:
        who = f"{name.text} ({relation.relation})" if relation is not None else name.text
        scan.problem("contacts", texts.ERR_CONTACT_PHONE.format(name=who))
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
    name = None
    if not relation.genitive:
        link = _NAME_LINK.match(scan.folded, relation.end)
        name = name_after(scan, link.end() if link else relation.end) or name_before(scan, relation.start)
    if name is not None:
        return Mention(relation, name)
    return Mention(relation, _named_later(scan, relation), named_later=True)


def _named_later(scan: Scan, relation: Relation) -> Name | None:
    """'Dotterns tel: 070-…, hon heter Eva Holm': the name given later in the relative's sentence."""
    _, end = scan.sentence_of(relation.start)
    cue = _RELATIVE_NAMED.search(scan.folded, relation.end, end)
    if cue is None or _BRUKARE_REF.search(scan.folded, relation.end, cue.start()):
        return None
    name = name_after(scan, cue.end())
    if name is not None:
        scan.use(*cue.span())
    return name


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
    phone = phone_between(scan, mention.phones_from, zone_end)
    if phone is None and name is not None and name.end <= mention.relation.start:
        phone = phone_between(scan, name.end, mention.relation.start)
    if phone is None and name is None:
        return _name_and_phone_before(scan, mention.relation)
    after_relation = name is not None and name.start > mention.relation.start
    if phone is None and after_relation and _CLAUSE_END.match(scan.folded, mention.end):
        phone = _phone_right_before(scan, mention.start)  # '070-… (dottern Eva Berg)'
    return name, phone


def _name_and_phone_before(scan: Scan, relation: Relation) -> tuple[Name | None, PhoneHit | None]:
    """'Lena Berg 070-174 06 42 (dotter)': the relation written after the name and the phone."""
    phone = _phone_right_before(scan, relation.start)
    if phone is None:
        return None, None
    name = name_before(scan, phone.start)
    if name is None and not _CLAUSE_END.match(scan.folded, relation.end):
        return None, None
    return name, phone  # 'Tel 070-174 06 05 (dottern)': the daughter's, and her name is asked for


def _phone_right_before(scan: Scan, start: int) -> PhoneHit | None:
    """The free phone right before `start`, with only a bracket, comma or dash between."""
    for phone in scan.phones:
        free = phone.owner is None and not phone.held and phone.end <= start
        if free and not scan.text[phone.end : start].strip(" \t,(-–"):
            return phone
    return None


def _use_possessive(scan: Scan, relation: Relation) -> None:
    """'hennes', 'brukarens' or 'Tores' before 'dotter' belongs to the relation."""
    before = scan.previous_word(relation.start)
    if before is None or scan.text[before.end : relation.start].strip():
        return
    if before.key in _POSSESSIVES or (before.text[:1].isupper() and before.key.endswith("s")):
        scan.use(before.start, before.end)


# --- what is said about a relative is not the brukare's ---------------------------------------------


def mark_relative_zones(scan: Scan, relations: list[Relation]) -> None:
    """Stretches about a relative ('Hennes dotter Eva bor på …', '…, hon bor på …'): not the brukare's."""
    ended: set[tuple[int, int]] = set()  # sentences about a relative to their end
    for relation in relations:
        sentence = scan.sentence_of(relation.start)
        start = _zone_start(scan, relation, sentence)
        if start is None:
            continue
        end = _zone_end(scan, relation.end, sentence[1])
        scan.foreign.append((start, end))
        if end == sentence[1]:
            ended.add(sentence)
    if not ended:
        return
    for previous, sentence in zip(scan.sentences, scan.sentences[1:], strict=False):
        lives = (
            _PRONOUN_LIVES.match(scan.folded, _skip_blank(scan, sentence[0])) if previous in ended else None
        )
        if lives is not None:
            scan.foreign.append((sentence[0], _zone_end(scan, lives.end(), sentence[1])))


def _zone_start(scan: Scan, relation: Relation, sentence: tuple[int, int]) -> int | None:
    """The relative is the sentence's subject, 'bor' follows them, or 'hon bor' later in the sentence."""
    if _is_subject(scan, relation, sentence[0]):
        return relation.start
    after = relation.end
    while after < sentence[1] and (scan.used[after] or scan.text[after] in " \t,"):
        after += 1  # past the relative's name and phone
    if _LIVES.match(scan.folded, after):
        return relation.start
    lives = _PRONOUN_LIVES.search(scan.folded, relation.end, sentence[1])
    if lives is None or _zone_end(scan, relation.end, lives.start()) < lives.start():
        return None  # the brukare is named between: 'hon' may be the brukare
    return lives.start()


def _is_subject(scan: Scan, relation: Relation, sentence_start: int) -> bool:
    """Only labels, possessives and filler before the relation ('Närstående: son …', 'Hennes dotter')."""
    words = scan.words_in(sentence_start, relation.start)
    if words and words[-1].text[:1].isupper() and words[-1].key.endswith("s"):
        words = words[:-1]  # 'Gretas dotter'
    return all(word.key in _BEFORE_SUBJECT for word in words)


def _zone_end(scan: Scan, start: int, sentence_end: int) -> int:
    """The end of the sentence, or where the brukare is named or a brukare label starts before it."""
    end = sentence_end
    for span_start, _ in scan.brukare_spans:
        if start <= span_start < end:
            end = span_start
    for segment in scan.segments_from(start):
        if segment.label_start >= end:
            break
        if start <= segment.label_start and segment.kind in _BRUKARE_KINDS:
            end = segment.label_start
    ref = _BRUKARE_REF.search(scan.folded, start, end)
    return ref.start() if ref is not None else end


def _skip_blank(scan: Scan, position: int) -> int:
    while position < len(scan.text) and scan.text[position] in " \t-*•·>":
        position += 1
    return position
