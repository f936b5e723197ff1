"""Commands about a filed order as staff write them: 'ändra VT-2026-0042 telefon …', 'pausa …', 'svar …'."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rapidfuzz import fuzz

from bot.domain import REFERENCE_PATTERN, format_reference
from bot.language.lexicon import fold_keep_length
from bot.language.words import FUZZY_CUTOFF


class FollowUpVerb(StrEnum):
    CHANGE = "ändra"
    CANCEL = "avbeställ"
    PAUSE = "vänta"
    MESSAGE = "meddela"
    HISTORY = "historik"
    ANSWER = "svar"
    UNDO = "ångra"
    ASK = "fråga"


@dataclass(frozen=True)
class FollowUpCommand:
    """A command about an order; `reference` is "" when none was written, `argument` the rest as typed."""

    verb: FollowUpVerb
    reference: str
    argument: str


Phrase = tuple[str, ...]
_WORDS = tomllib.loads((Path(__file__).parent / "followup_commands.toml").read_text(encoding="utf-8"))
PHRASES: dict[Phrase, FollowUpVerb] = {
    tuple(phrase.split()): FollowUpVerb[name.upper()]
    for name, phrases in _WORDS["verbs"].items()
    for phrase in phrases
}
LONGEST = max(len(phrase) for phrase in PHRASES)
REFERENCE_NEEDED = frozenset(tuple(phrase.split()) for phrase in _WORDS["rules"]["reference_needed"])
LEADING_ONLY = frozenset(tuple(phrase.split()) for phrase in _WORDS["rules"]["leading_only"])
EVERYDAY = tuple(tuple(phrase.split()) for phrase in _WORDS["rules"]["everyday"])
SPLIT: tuple[tuple[FollowUpVerb, str, Phrase], ...] = tuple(
    (FollowUpVerb[name.upper()], first, tuple(rest.split()))
    for name, pairs in _WORDS["split"].items()
    for first, rest in pairs
)
POLITENESS = frozenset(_WORDS["words"]["politeness"])
BEFORE_REFERENCE = frozenset(_WORDS["words"]["before_reference"])
OBJECTS = frozenset(_WORDS["words"]["objects"])
CHANGE_LEADING = frozenset(_WORDS["words"]["change_leading"])
MESSAGE_LEADING = frozenset(_WORDS["words"]["message_leading"])

# Verbs whose argument is a text passed on to people: kept as typed, a closing '?' or '!' included.
MESSAGES = frozenset({FollowUpVerb.MESSAGE, FollowUpVerb.ASK, FollowUpVerb.ANSWER})
# Verbs that may stand after other words of a sentence: "Brukaren har flyttat, avbeställ VT-…".
IN_SENTENCE = frozenset({FollowUpVerb.CHANGE, FollowUpVerb.CANCEL, FollowUpVerb.PAUSE, FollowUpVerb.UNDO})
# The team's question is only a command as the very first word: "jag vill fråga hur det går" is not one.
FIRST_WORD_ONLY = frozenset({FollowUpVerb.ASK})
VERB_WITHIN = 8  # the verb starts among the first words of the message
AFTER_REFERENCE_WITHIN = 4  # "VT-2026-0042: kan ni avbeställa den"
MIN_TYPO_LENGTH = 5  # shorter words must be spelt exactly: 'byt', 'svar', 'paus'
CLAUSE_ENDS = ",.;:!?"
PUNCTUATION = " \t\r\n.,;:!?-–—"
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class _Token:
    folded: str  # without surrounding punctuation; "" for a token of punctuation only
    start: int  # where the token is in the text
    end: int
    closes: bool  # ends a clause: "flyttat," "-"


@dataclass(frozen=True)
class _Found:
    verb: FollowUpVerb
    phrase: Phrase
    start: int  # token index of the verb's first word
    end: int  # token index after its last word


def parse_followup(text: str) -> FollowUpCommand | None:
    """The command about a filed order that `text` is, or None (status questions, team commands, …).

    With a reference, the verb comes first (after polite words: "Hej, kan ni pausa VT-…"), opens a clause
    among the first words ("Brukaren har flyttat, avbeställ VT-…"; change, cancel, pause, undo only), or
    follows the reference ("VT-…: avbeställ, …"). Without one, the message must start with it. 'fråga'
    is the team's question only as the first word. The argument is what is left, as typed: the words
    before the verb in a sentence, those between the verb and the reference (not 'på ärendet'), and all
    after the reference, without 'att' before a message or 'den', 'med nytt' before a change.
    """
    match = REFERENCE_PATTERN.search(text)
    if match is None:
        return _without_reference(text, _tokens(text))
    reference = format_reference(int(match.group(1)), int(match.group(2)))
    head, tail = _tokens(text[: match.start()]), _tokens(text[match.end() :], match.end())
    found = _verb_in_head(head)
    if found is not None:
        pieces = [_prefix(head[: found.start]), _middle(head[found.end :]), tail]
        return _command(found.verb, reference, text, pieces)
    split = _split_verb(head, tail)
    if split is not None:
        verb, used = split
        return _command(verb, reference, text, [tail[used:]])
    found = _verb_after_reference(head, tail)
    if found is None:
        return None
    return _command(found.verb, reference, text, [tail[found.end :]])


def _without_reference(text: str, tokens: list[_Token]) -> FollowUpCommand | None:
    """Only a message that starts with the verb (after polite words) is a command without a reference."""
    found = _verb_at_start(tokens)
    if found is None or found.phrase in REFERENCE_NEEDED or _everyday(tokens[found.start :]):
        return None
    return _command(found.verb, "", text, [tokens[found.end :]])


def _everyday(tokens: list[_Token]) -> bool:
    words = tuple(token.folded for token in tokens if token.folded)
    return any(words[: len(phrase)] == phrase for phrase in EVERYDAY)


def _verb_in_head(head: list[_Token]) -> _Found | None:
    """The verb before the reference: first after polite words, or opening a clause among the first words."""
    found = _verb_at_start(head)
    if found is not None:
        return found
    for index in range(_first_content(head) + 1, min(len(head), VERB_WITHIN)):
        if not _opens_clause(head, index):
            continue
        found = _phrase_at(head, index)
        if found is not None and found.verb in IN_SENTENCE and found.phrase not in LEADING_ONLY:
            return found
    return None


def _verb_at_start(tokens: list[_Token]) -> _Found | None:
    """The verb after any polite words; a phrase that starts with one ('ska avbeställas') counts whole."""
    start = _first_content(tokens)
    if start >= min(len(tokens), VERB_WITHIN):
        return None
    first = _first_word(tokens)
    found = (_phrase_at(tokens, first) if first < start else None) or _phrase_at(tokens, start)
    if found is None or (found.verb in FIRST_WORD_ONLY and start != _first_word(tokens)):
        return None
    return found


def _verb_after_reference(head: list[_Token], tail: list[_Token]) -> _Found | None:
    """'VT-2026-0042: avbeställ, …' when nothing but polite words and 'ärendet' come before the reference."""
    if not all(_is_filler(token) or token.folded in BEFORE_REFERENCE for token in head):
        return None
    found = _verb_at_start(tail)
    if found is None or found.start >= AFTER_REFERENCE_WITHIN:
        return None
    if found.verb in FIRST_WORD_ONLY and _first_word(head) < len(head):
        return None
    return found


def _split_verb(head: list[_Token], tail: list[_Token]) -> tuple[FollowUpVerb, int] | None:
    """'lägg VT-2026-0042 på is …': the verb and how many words after the reference belong to it."""
    start = _first_content(head)
    if start >= len(head) or not all(token.folded in BEFORE_REFERENCE for token in head[start + 1 :]):
        return None
    after = _first_word(tail)
    for verb, first, rest in SPLIT:
        words = tuple(token.folded for token in tail[after : after + len(rest)])
        if head[start].folded == first and words == rest:
            return verb, after + len(rest)
    return None


def _phrase_at(tokens: list[_Token], index: int) -> _Found | None:
    """The longest verb phrase starting at `index`, spelt right, else with small typos in long words."""
    for typos in (False, True):
        for length in range(min(LONGEST, len(tokens) - index), 0, -1):
            words = tuple(token.folded for token in tokens[index : index + length])
            if any(token.closes for token in tokens[index : index + length - 1]):
                continue  # a phrase does not run over a comma: "avbryt, beställningen …"
            phrase = _typo_of(words) if typos else (words if words in PHRASES else None)
            if phrase is not None:
                return _Found(PHRASES[phrase], phrase, index, index + length)
    return None


def _typo_of(words: Phrase) -> Phrase | None:
    for phrase in PHRASES:
        if len(phrase) == len(words) and all(map(_same_word, words, phrase)):
            return phrase
    return None


def _same_word(typed: str, word: str) -> bool:
    """'avbestäl' is 'avbeställ'; 'väntar', 'beställ' and 'historia' are other words, not typos of ours."""
    if typed == word:
        return True
    if min(len(typed), len(word)) < MIN_TYPO_LENGTH or typed[0] != word[0] or typed.startswith(word):
        return False
    return fuzz.ratio(typed, word) >= FUZZY_CUTOFF


def _command(
    verb: FollowUpVerb, reference: str, text: str, pieces: Sequence[list[_Token]]
) -> FollowUpCommand:
    parts = (_trimmed(verb, _span(text, tokens)) for tokens in pieces)
    argument = _trimmed(verb, _without_leading(verb, " ".join(part for part in parts if part)))
    return FollowUpCommand(verb, reference, argument if any(char.isalnum() for char in argument) else "")


def _trimmed(verb: FollowUpVerb, text: str) -> str:
    """Without punctuation around it; a message keeps its closing '?' or '!'."""
    trailing = PUNCTUATION.replace("!", "").replace("?", "") if verb in MESSAGES else PUNCTUATION
    return text.lstrip(PUNCTUATION).rstrip(trailing)


def _without_leading(verb: FollowUpVerb, argument: str) -> str:
    """The argument without words that only lead into it: 'att …', 'den …', 'med nytt nummer …'."""
    words = MESSAGE_LEADING if verb in MESSAGES else OBJECTS
    if verb is FollowUpVerb.CHANGE:
        words = words | CHANGE_LEADING
    start = 0
    for match in _TOKEN.finditer(argument):
        if _folded(match.group()) not in words:
            break
        start = match.end()
    return argument[start:].lstrip(PUNCTUATION)


def _prefix(tokens: list[_Token]) -> list[_Token]:
    """What was written before a verb inside a sentence, without the polite words around it."""
    start = _first_content(tokens)
    end = len(tokens)
    while end > start and _is_filler(tokens[end - 1]):
        end -= 1
    return tokens[start:end]


def _middle(tokens: list[_Token]) -> list[_Token]:
    """Words between the verb and the reference, without 'på ärendet' and polite words."""
    start = _first_content(tokens)
    end = len(tokens)
    while end > start and (_is_filler(tokens[end - 1]) or tokens[end - 1].folded in BEFORE_REFERENCE):
        end -= 1
    return tokens[start:end]


def _opens_clause(tokens: list[_Token], index: int) -> bool:
    return tokens[index - 1].closes or tokens[index - 1].folded in POLITENESS


def _first_content(tokens: list[_Token]) -> int:
    return next((index for index, token in enumerate(tokens) if not _is_filler(token)), len(tokens))


def _first_word(tokens: list[_Token]) -> int:
    return next((index for index, token in enumerate(tokens) if token.folded), len(tokens))


def _is_filler(token: _Token) -> bool:
    return not token.folded or token.folded in POLITENESS


def _span(text: str, tokens: list[_Token]) -> str:
    return text[tokens[0].start : tokens[-1].end] if tokens else ""


def _tokens(text: str, offset: int = 0) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        folded = _folded(word)
        closes = not folded or word[-1] in CLAUSE_ENDS
        found.append(_Token(folded, match.start() + offset, match.end() + offset, closes))
    return found


def _folded(word: str) -> str:
    return fold_keep_length(word).strip(PUNCTUATION + "()\"'«»”")
