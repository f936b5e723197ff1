"""A message being read: its text and folded twin, what has been used, and what has been found."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from bot.language.lexicon import NAMES, NEVER_NAMES, NOT_NAMES, fold_keep_length, folded_set
from bot.language.text_layout import (
    LABEL_KIND,
    LIST_MARKER,
    Segment,
    Word,
    count_capitalised,
    segments_of,
    sentences_of,
    signature_of,
    words_of,
)

_ALSO_NAMES = folded_set(NAMES["also_names"])
_PARTICLES = folded_set(NAMES["particles"])
_NAME_WORD = re.compile(r"[^\W\d_]{2,}(?:['’\-][^\W\d_]+)*")
MAX_LABEL_WORDS = 3  # 'brukarens telefon', 'kod till porten'
MIXED_CASE_MIN_CAPITALISED = 2  # capitalised words inside sentences that make case meaningful


@dataclass(slots=True)
class PhoneHit:
    """A phone-shaped number: its E.164 form when valid, else what the validator said."""

    start: int
    end: int
    e164: str | None
    message: str = ""
    owner: str | None = None  # the field it went to: "phone", "orderer_phone" or "contacts"
    held: bool = False  # next to several relatives, not clearly whose: never guessed


@dataclass
class Scan:
    """One message being read, and what has been found in it so far."""

    text: str
    today: date
    expecting: str | None
    folded: str = ""
    words: list[Word] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    signature: tuple[int, int] = (0, 0)  # the closing and the lines under it; (0, 0) when there is none
    mixed_case: bool = True
    used: bytearray = field(default_factory=bytearray)
    values: dict[str, object] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    brukare_spans: list[tuple[int, int]] = field(default_factory=list)
    phones: list[PhoneHit] = field(default_factory=list)
    postnummer_hits: list[tuple[int, int]] = field(default_factory=list)
    key_mentioned: bool = False
    foreign: list[tuple[int, int]] = field(default_factory=list)  # about a relative, or an old address
    first_words: frozenset[int] = frozenset()  # starts of words that begin a sentence or a labelled value
    _word_starts: list[int] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)
    _segment_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folded = fold_keep_length(self.text)
        self.used = bytearray(len(self.text))
        for marker in LIST_MARKER.finditer(self.text):
            self.use(*marker.span())  # '1. ', '- ': a list's numbering says nothing
        self.words = words_of(self.text, self.folded)
        self._word_starts = [word.start for word in self.words]
        self.sentences = sentences_of(self.text, self.folded)
        self._sentence_starts = [start for start, _ in self.sentences]
        self.segments = segments_of(self.text, self.folded, self.sentences)
        self._segment_starts = [segment.start for segment in self.segments]
        self.signature = signature_of(self.text, self.folded, self.sentences)
        capitalised, self.first_words = count_capitalised(self.words, self.sentences, self.segments)
        self.mixed_case = capitalised >= MIXED_CASE_MIN_CAPITALISED

    # --- bookkeeping -------------------------------------------------------------------------

    def use(self, start: int, end: int) -> None:
        self.used[start:end] = b"\x01" * (end - start)

    def is_free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def set_value(
        self, field_name: str, value: object, start: int, end: int, *, brukare: bool = False
    ) -> bool:
        """Keep a value and mark its text used; a second, different value is left unplaced."""
        if self.values.get(field_name, value) != value:
            return False
        self.values[field_name] = value
        self.use(start, end)
        if brukare:
            self.brukare_spans.append((start, end))
        return True

    def problem(self, field_name: str, message: str) -> None:
        if (field_name, message) not in self.problems:
            self.problems.append((field_name, message))

    # --- where things are --------------------------------------------------------------------

    def sentence_of(self, position: int) -> tuple[int, int]:
        index = max(bisect_right(self._sentence_starts, position) - 1, 0)
        return self.sentences[index] if self.sentences else (0, len(self.text))

    def line_of(self, position: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        return start, len(self.text) if end < 0 else end

    def segment_of(self, position: int) -> Segment | None:
        index = bisect_right(self._segment_starts, position) - 1
        if index >= 0 and position < self.segments[index].end:
            return self.segments[index]
        return None

    def segments_from(self, position: int) -> list[Segment]:
        """The segment around `position` and those after it."""
        return self.segments[max(bisect_right(self._segment_starts, position) - 1, 0) :]

    def words_in(self, start: int, end: int) -> list[Word]:
        first = bisect_right(self._word_starts, start - 1)
        last = bisect_right(self._word_starts, end - 1)
        return [word for word in self.words[first:last] if word.end <= end]

    def index_of(self, word: Word) -> int:
        return bisect_right(self._word_starts, word.start) - 1

    def next_word(self, position: int) -> Word | None:
        index = bisect_right(self._word_starts, position - 1)
        return self.words[index] if index < len(self.words) else None

    def previous_word(self, position: int) -> Word | None:
        index = bisect_right(self._word_starts, position - 1) - 1
        while index >= 0 and self.words[index].end > position:
            index -= 1
        return self.words[index] if index >= 0 else None

    def label_before(self, position: int, kind: str) -> tuple[int, int] | None:
        """A label of `kind` right before `position` ('… och har personnummer 19…', 'postnr 582 22')."""
        segment = self.segment_of(position)
        if segment is not None and segment.kind == kind and segment.value_start <= position:
            return segment.label_start, segment.value_start
        start = position
        for _ in range(MAX_LABEL_WORDS):
            word = self.previous_word(start)
            if (
                word is None
                or self.text[word.end : start].strip(" \t:=")
                or "\n" in self.text[word.end : start]
            ):
                return None
            start = word.start
            if LABEL_KIND.get(" ".join(self.folded[start:position].rstrip(" \t:=").split())) == kind:
                return start, position
        return None

    def in_signature(self, position: int) -> bool:
        return self.signature[0] <= position < self.signature[1]

    def in_foreign(self, position: int) -> bool:
        """Inside a stretch about someone else (a relative's sentence) or an old address."""
        return any(start <= position < end for start, end in self.foreign)

    # --- names -------------------------------------------------------------------------------

    def is_name_word(self, word: Word, *, any_case: bool = False) -> bool:
        """A word that may be part of a person's name (capitalised where case means something)."""
        if not _NAME_WORD.fullmatch(word.text) or not self.is_free(word.start, word.end):
            return False
        if word.key in NOT_NAMES and word.key not in _ALSO_NAMES:
            return False
        return any_case or not self.mixed_case or word.text[0].isupper()

    def is_soft_name_word(self, word: Word) -> bool:
        """An ordinary word capitalised inside a sentence, which may be a name next to one: 'Björn Vid'."""
        return (
            word.text[:1].isupper()
            and word.text[1:2].islower()
            and word.key in NOT_NAMES
            and word.key not in NEVER_NAMES
            and word.start not in self.first_words
            and _NAME_WORD.fullmatch(word.text) is not None
            and self.is_free(word.start, word.end)
        )

    def is_particle(self, word: Word) -> bool:
        return word.key in _PARTICLES
