"""Whether a message asks to order a trygghetslarm: rules over folded text, cues in order_intent.toml."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import dropwhile, pairwise
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.language.words import REFERENCE, fold


class OrderIntent(StrEnum):
    ORDER = "order"  # the message asks to order an alarm: start the order dialog
    MAYBE = "maybe"  # it may: the bot asks one yes/no question "Vill du beställa ett trygghetslarm?"
    NONE = "none"  # not an order request


class Cue(StrEnum):
    """What a word or phrase says; a table of order_intent.toml each. On a tie, the earlier wins."""

    EXISTING = "existing"
    STATUS = "status"
    PRICE = "price"
    CANCEL = "cancel"
    FAULT = "fault"
    HOW_IT_WORKS = "how_it_works"
    NEGATION = "negation"
    SOFT_STATUS = "soft_status"
    ORDER = "order"
    WANT = "want"
    OBJECT = "object"
    OBJECT_DEFINITE = "object_definite"
    UNSURE = "unsure"
    TOPIC = "topic"
    HELP_WITH = "help_with"
    ASKS_HOW = "asks_how"
    THIRD_PARTY = "third_party"
    MOVE = "move"
    VAGUE = "vague"


class Ordered(StrEnum):
    """What the order verb of a clause has for its object."""

    ALARM = "alarm"  # 'beställa ett larm', 'beställa ett mobilt trygghetslarm'
    UNSAID = "unsaid"  # 'beställa', 'beställa till Greta', 'beställning Greta Johansson'
    VAGUE = "vague"  # 'beställa något'
    FOR_ALARM = "for_alarm"  # something else for an alarm: 'beställa ett armband till larmet'
    OTHER = "other"  # something else: 'beställa en rullator', 'beställa färdtjänst'


REFUSALS = frozenset({
    Cue.EXISTING, Cue.STATUS, Cue.PRICE, Cue.CANCEL, Cue.FAULT, Cue.HOW_IT_WORKS, Cue.NEGATION,
})  # fmt: skip
OTHER_MATTERS = frozenset({Cue.PRICE, Cue.CANCEL, Cue.FAULT, Cue.HOW_IT_WORKS})
UNCLEAR_ORDER = frozenset({Cue.UNSURE, Cue.TOPIC})  # 'kanske beställa', 'fråga om beställning'
UNCLEAR_WANT = UNCLEAR_ORDER | {Cue.HELP_WITH, Cue.ASKS_HOW}  # 'hjälp med ett larm' may be a fault
ALARM_CUES = frozenset({Cue.OBJECT, Cue.OBJECT_DEFINITE})
ORDERED_INTENT = {
    Ordered.ALARM: OrderIntent.ORDER,
    Ordered.UNSAID: OrderIntent.ORDER,
    Ordered.VAGUE: OrderIntent.MAYBE,
    Ordered.FOR_ALARM: OrderIntent.MAYBE,
    Ordered.OTHER: OrderIntent.NONE,
}

MAX_CHARS = 1000  # a request comes first; what is pasted after it is details
MAX_CLAUSES = 8
MAX_CLAUSE_WORDS = 40
FRAGMENT_WORDS = 4  # 'Trygghetslarm. Ny brukare.': a need this short may stand apart from its object
FOR_ALARM_WORDS = 3  # 'ett armband till larmet': how far after the thing ordered an alarm may be named
TYPO_MIN_LENGTH = 5  # shorter words are taken only as they are spelt
COMMAND_TYPO_CUTOFF = 80  # 'stauts', 'staus' are 'status', as the status recogniser reads them
TYPO_CUTOFF = 82  # one wrong letter in a word of six ('bestal'), not in one of five ('kasta')
REFUSAL_TYPO_CUTOFF = 88  # a refusal must be closer: 'flyttat' is not 'flyttas'

# A comma ends a clause ('beställ ett nytt larm, det gamla är trasigt') unless a number or a polite word
# follows it ('1,5', 'ett larm, tack').
CLAUSE_BREAK = re.compile(
    r"[.!?;:\n\r]+|,(?!\d)(?!\s*(?:tack|snälla|snalla)\b)|\s[-\u2013\u2014]+\s|\smen\s", re.IGNORECASE
)

_DATA: dict[str, Any] = tomllib.loads(Path(__file__).with_suffix(".toml").read_text(encoding="utf-8"))
GREETINGS = frozenset(_DATA["greetings"])
NEUTRAL = frozenset(_DATA["neutral"])
TEAM_COMMANDS = frozenset(_DATA["team_commands"])
STATUS_COMMAND: str = _DATA["status_command"]
CODE = re.compile("|".join(f"(?:{pattern})" for pattern in _DATA["code"]), re.IGNORECASE)
QUESTION_STARTS = frozenset(_DATA["question_starts"])
HAR_NOT_ASKING = frozenset(_DATA["har_not_asking"])
ORDER_OBJECT_GAP = frozenset(_DATA["order_object_gap"]["words"])
POLITE = frozenset(_DATA["polite"]["words"])
COUNTED = frozenset(_DATA["polite"]["counted"])
RECEIVERS = frozenset(_DATA["polite"]["receivers"])
ORDER_VERBS = frozenset(_DATA["order"]["verbs"])
NOUN_MARKS = frozenset(_DATA["order_object"]["noun_marks"])
NOT_OBJECTS = frozenset(_DATA["order_object"]["not_objects"])
ALARM_STEMS = tuple(_DATA["order_object"]["alarm_stems"])
UNABLE = re.compile(r"(?<!\w)(?:" + "|".join(_DATA["unable"]["phrases"]) + r")(?!\w)")
UNABLE_AS: str = _DATA["unable"]["replacement"]


def _section(cue: Cue, key: str) -> list[str]:
    return list(_DATA.get(cue.value, {}).get(key, []))


def _first_cue_of(pairs: Iterable[tuple[str, Cue]]) -> dict[str, Cue]:
    found: dict[str, Cue] = {}
    for word, cue in pairs:
        found.setdefault(word, cue)
    return found


def _affixes(key: str) -> tuple[tuple[str, Cue], ...]:
    pairs = [(affix, cue) for cue in Cue for affix in _section(cue, key)]
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))  # longest first


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")


def _by_first_letter(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Words long enough to be misspelt, by first letter, in their order (refusals first)."""
    grouped: dict[str, list[str]] = {}
    for word in words:
        if len(word) >= TYPO_MIN_LENGTH:
            grouped.setdefault(word[0], []).append(word)
    return {letter: tuple(group) for letter, group in grouped.items()}


WORDS = _first_cue_of((word, cue) for cue in Cue for word in _section(cue, "words"))
PREFIXES = _affixes("prefixes")
SUFFIXES = _affixes("suffixes")
PHRASES = {cue: _phrase_pattern(_section(cue, "phrases")) for cue in Cue if _section(cue, "phrases")}
TYPO_CANDIDATES = _by_first_letter(WORDS)  # a typo rarely hits the first letter


@dataclass(frozen=True)
class Clause:
    """A sentence or part of one, folded, without a greeting first; the cues found in it."""

    words: tuple[str, ...]
    cues: frozenset[Cue]

    def has(self, *cues: Cue) -> bool:
        return any(cue in self.cues for cue in cues)


def order_intent(text: str) -> OrderIntent:
    """Whether `text` asks to order an alarm; the first clause that says so, or says it does not, decides."""
    head = text[:MAX_CHARS] if isinstance(text, str) else ""
    if REFERENCE.search(head) or CODE.search(head):
        return OrderIntent.NONE  # about an existing order; or code, not words
    maybe = named = needed = False
    for index, clause in enumerate(_clauses(head)):
        if index == 0 and _is_command(clause.words[0]):
            return OrderIntent.NONE
        intent = _clause_intent(clause)
        if intent is OrderIntent.ORDER or intent is OrderIntent.NONE:
            return intent
        maybe = maybe or intent is OrderIntent.MAYBE
        named = named or (intent is OrderIntent.MAYBE and _names_only_an_alarm(clause))
        needed = needed or _needs_only(clause)
        if named and needed:
            return OrderIntent.ORDER  # 'Trygghetslarm. Ny brukare.': the need and the alarm apart
    return OrderIntent.MAYBE if maybe else OrderIntent.NONE


def asks_about_other_matters(text: str) -> bool:
    """A question about prices, cancelling, faults or how the alarm works: not an order, nor its status."""
    head = text[:MAX_CHARS] if isinstance(text, str) else ""
    if REFERENCE.search(head):
        return False
    first = next((clause for clause in _clauses(head) if clause.cues), None)
    return first is not None and bool(first.cues & OTHER_MATTERS)


def _is_command(word: str) -> bool:
    """The team's commands, and 'status' also misspelt: those messages are not order requests."""
    return word in TEAM_COMMANDS or fuzz.ratio(word, STATUS_COMMAND) >= COMMAND_TYPO_CUTOFF


def _clause_intent(clause: Clause) -> OrderIntent | None:
    """ORDER, MAYBE or NONE when the clause says so; None when it says nothing about an order."""
    if clause.cues & REFUSALS:
        return OrderIntent.NONE
    if clause.has(Cue.SOFT_STATUS) and not clause.has(Cue.ORDER, Cue.WANT):
        return OrderIntent.NONE  # 'när blir det installerat?'
    if clause.has(Cue.MOVE):
        return OrderIntent.NONE if _asks_about_existing(clause.words) else OrderIntent.MAYBE
    if clause.has(Cue.ORDER):
        return _order_clause_intent(clause)
    if clause.has(Cue.WANT) and clause.has(Cue.OBJECT):
        return OrderIntent.MAYBE if clause.has(*UNCLEAR_WANT) else OrderIntent.ORDER
    if clause.has(Cue.OBJECT):
        return _topic_only(clause)
    return OrderIntent.NONE if clause.has(Cue.OBJECT_DEFINITE) else None


def _names_only_an_alarm(clause: Clause) -> bool:
    """'Trygghetslarm', 'larm till Greta': an alarm named, no verb, nothing that makes it unclear."""
    return clause.cues == {Cue.OBJECT}


def _needs_only(clause: Clause) -> bool:
    """'Ny brukare', 'behövs till Karl': a short need that names nothing to be had."""
    return len(clause.words) <= FRAGMENT_WORDS and clause.cues == {Cue.WANT}


def _topic_only(clause: Clause) -> OrderIntent:
    """An alarm named without a verb: 'ett larm, tack' orders; 'har Greta larm?' asks about one."""
    if _asks_about_existing(clause.words):
        return OrderIntent.NONE
    if _polite_request(clause.words) and not clause.has(*UNCLEAR_WANT):
        return OrderIntent.ORDER
    return OrderIntent.MAYBE


def _order_clause_intent(clause: Clause) -> OrderIntent:
    """'beställa larm' orders; 'kanske beställa', 'anhöriga vill beställa' may; 'beställa en rullator' not."""
    words = clause.words
    at = next((index for index, word in enumerate(words) if _word_cue(word) is Cue.ORDER), len(words))
    intent = ORDERED_INTENT[_ordered(words, at)] if at < len(words) else OrderIntent.ORDER
    if intent is not OrderIntent.ORDER:
        return intent
    by_someone_else = any(_word_cue(word) is Cue.THIRD_PARTY for word in words[:at])
    unclear = clause.has(*UNCLEAR_ORDER) or by_someone_else
    return OrderIntent.MAYBE if unclear else OrderIntent.ORDER


def _ordered(words: tuple[str, ...], at: int) -> Ordered:
    """What the order word at `at` has for its object: the first word after it that is not a filler."""
    following = words[at + 1 :]
    if not _is_order_verb(words[at]):
        if not following or following[0] not in NOUN_MARKS:
            return Ordered.UNSAID  # 'ny beställning Greta Johansson': details, not what is ordered
        following = following[1:]
    rest = tuple(dropwhile(lambda word: word in ORDER_OBJECT_GAP or not word.isalpha(), following))
    if not rest:
        return Ordered.UNSAID
    cue = _word_cue(rest[0])
    if cue in ALARM_CUES:
        return Ordered.ALARM
    if cue is Cue.VAGUE:
        return Ordered.VAGUE
    if cue is not None or rest[0] in NOT_OBJECTS:
        return Ordered.UNSAID  # 'beställa till Greta', 'beställa härmed'
    if len(rest) > 1 and _word_cue(rest[1]) in ALARM_CUES:
        return Ordered.ALARM  # 'beställa mobilt larm', 'beställa trygghets larm'
    if any(_names_alarm(word) for word in rest[: FOR_ALARM_WORDS + 1]):
        return Ordered.FOR_ALARM  # 'beställa ett armband till larmet', 'beställa en larmknapp'
    return Ordered.OTHER


@lru_cache(maxsize=1024)
def _is_order_verb(word: str) -> bool:
    """'beställ', 'beställa', 'best', also misspelt ('bestäl'); not the noun 'beställning'."""
    if word in WORDS:
        return word in ORDER_VERBS
    forms = [form for form, cue in WORDS.items() if cue is Cue.ORDER]
    closest = process.extractOne(word, forms, scorer=fuzz.ratio)
    return closest is not None and closest[0] in ORDER_VERBS


def _names_alarm(word: str) -> bool:
    return _word_cue(word) in ALARM_CUES or any(stem in word for stem in ALARM_STEMS)


def _asks_about_existing(words: tuple[str, ...]) -> bool:
    """'när ...', 'är ...', 'har Greta ...' open questions about what exists; 'har en brukare' does not."""
    if words[0] not in QUESTION_STARTS:
        return False
    return words[0] != "har" or len(words) < 2 or words[1] not in HAR_NOT_ASKING


def _polite_request(words: tuple[str, ...]) -> bool:
    """Ends with 'tack' and counts the object ('ett larm') or names a receiver ('till Greta')."""
    if len(words) < 2 or words[-1] not in POLITE:
        return False
    counted = any(word in COUNTED and _word_cue(after) is Cue.OBJECT for word, after in pairwise(words))
    return counted or any(word in RECEIVERS for word in words)


def _clauses(text: str) -> Iterator[Clause]:
    """The first clauses of `text` that have words besides a greeting, read as they are needed."""
    found = 0
    for part in CLAUSE_BREAK.split(text):
        words = _as_request(_without_greeting(fold(part).split()[:MAX_CLAUSE_WORDS]))
        if words:
            yield Clause(words, _cues(words))
            found += 1
        if found == MAX_CLAUSES:
            return


def _cues(words: tuple[str, ...]) -> frozenset[Cue]:
    by_word = {cue for cue in map(_word_cue, words) if cue is not None}
    joined = " ".join(words)
    return frozenset(by_word | {cue for cue, pattern in PHRASES.items() if pattern.search(joined)})


@lru_cache(maxsize=8192)
def _word_cue(word: str) -> Cue | None:
    """The cue `word` is: as spelt, by its beginning or ending, or a small typo of a cue word."""
    if not word or word in NEUTRAL:
        return None
    if word in WORDS:
        return WORDS[word]
    return _affix_cue(word) or _typo_cue(word)


def _affix_cue(word: str) -> Cue | None:
    for prefix, cue in PREFIXES:
        if word.startswith(prefix):
            return cue
    for suffix, cue in SUFFIXES:
        if word.endswith(suffix):
            return cue
    return None


def _typo_cue(word: str) -> Cue | None:
    if len(word) < TYPO_MIN_LENGTH or not word.isalpha():
        return None
    candidates = TYPO_CANDIDATES.get(word[0], ())
    best = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
    if best is None:
        return None
    cue = WORDS[best[0]]
    return None if cue in REFUSALS and best[1] < REFUSAL_TYPO_CUTOFF else cue


def _as_request(words: tuple[str, ...]) -> tuple[str, ...]:
    """'kan inte beställa', 'lyckas inte beställa' ask for help to order: read as 'beställa'."""
    if "inte" not in words and "ej" not in words:
        return words
    return tuple(UNABLE.sub(UNABLE_AS, " ".join(words)).split())


def _without_greeting(words: list[str]) -> tuple[str, ...]:
    """`words` without the greetings they start with: 'hej hej', 'god morgon'."""
    while words:
        if " ".join(words[:2]) in GREETINGS:
            words = words[2:]
        elif words[0] in GREETINGS:
            words = words[1:]
        else:
            break
    return tuple(words)
