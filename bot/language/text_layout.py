"""How a message is laid out: tidy text, words, sentences, labelled segments and the signature."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from bot.language.lexicon import CLOSINGS, LABELS, fold_keep_length, folded_set, phrase_pattern

_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,10})\b[^<>]{0,300}>")
_BREAKING_TAGS = frozenset({"br", "p", "div", "li", "tr", "td", "h1", "h2", "h3", "ul", "ol", "table"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"\n|[.!?;]+(?=\s|$)")
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*•·]|\d{1,2}[.)])[ \t]+", re.MULTILINE)
_ABBREVIATIONS = frozenset(
    {"lgh", "tel", "ex", "t.ex", "bl.a", "nr", "ca", "tr", "vån", "st", "kl", "ang", "tfn"}
)
_LABEL_ALTERNATIVES = phrase_pattern(form for forms in LABELS.values() for form in forms)
_LABEL_AT_START = re.compile(
    rf"[\s\-*•·>]*(?:\d{{1,2}}[.)]\s+)?(?P<label>{_LABEL_ALTERNATIVES})(?![\w-])"
    r"(?P<sep>[ \t]*[:=]|[ \t]+-(?=\s)|\.(?=\s))?"
)
_LABEL_INLINE = re.compile(rf"(?<=[\s,;(|])(?P<label>{_LABEL_ALTERNATIVES})[ \t]*:")
LABEL_KIND = {
    " ".join(fold_keep_length(form).split()): kind
    for kind, forms in LABELS.items()
    if kind != "colon_only"
    for form in forms
}
_COLON_ONLY = folded_set(LABELS["colon_only"])
_CLOSING = re.compile(
    rf"[\s>]*(?:(?:{phrase_pattern(c for c in CLOSINGS if c[0].isalpha())})(?![\w-])"
    r"|(?:/|//|--)[ \t]*(?=[^\W\d_]|$))"
)
SIGNATURE_LINES = 5  # a name, a title, a unit, a phone, a mail address


def _tidy_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {code: " " for code in [*range(0x20), *range(0x7F, 0xA0)]}
    table[ord("\n")] = "\n"
    for char in "\u0085\u2028\u2029":
        table[ord(char)] = "\n"
    for char in "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))):
        table[ord(char)] = " "
    table[0x200B] = " "  # a zero-width space still parts words
    for char in "\u200c\u200d\u2060\ufeff\u00ad":
        table[ord(char)] = None
    return table


_TIDY = _tidy_table()


def tidy(raw: str) -> str:
    """Text without HTML tags and entities, control characters or Windows newlines."""
    text = html.unescape(raw) if "&" in raw else raw
    if "<" in text:
        text = _HTML_TAG.sub(lambda tag: "\n" if tag[2].lower() in _BREAKING_TAGS else " ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TIDY)
    return _SURROGATE.sub(" ", text) if _SURROGATE.search(text) else text


class Word(NamedTuple):  # a tuple: made for every word of every message, it must be cheap
    start: int
    end: int
    text: str
    key: str  # folded


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence, or the part of one after a label: `kind` is the field the label names."""

    start: int
    end: int
    kind: str | None = None
    label_start: int = 0
    value_start: int = 0
    explicit: bool = False  # the label has a colon


def words_of(text: str, folded: str) -> list[Word]:
    return [Word(m.start(), m.end(), m[0], folded[m.start() : m.end()]) for m in _WORD.finditer(text)]


def segments_of(text: str, folded: str, sentences: list[tuple[int, int]]) -> list[Segment]:
    """Every sentence cut at its labels; a label alone on its line takes the next line as value."""
    cut = [segment for sentence in sentences for segment in _segments(folded, *sentence)]
    return _values_on_next_line(text, cut)


def sentences_of(text: str, folded: str) -> list[tuple[int, int]]:
    """Sentences and lines as (start, end), split at newlines and at . ! ? ; ending a sentence."""
    spans, start = [], 0
    for end_mark in _SENTENCE_END.finditer(folded):
        if end_mark[0] != "\n" and _is_abbreviation(folded, end_mark.start()):
            continue
        if text[start : end_mark.start()].strip():
            spans.append((start, end_mark.start()))
        start = end_mark.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _is_abbreviation(folded: str, dot: int) -> bool:
    """'lgh. 1102', 't.ex.', or the number of a list item ('1. Karl Svensson')."""
    line_start = folded.rfind("\n", 0, dot) + 1
    if folded[line_start:dot].strip().isdigit() and dot - line_start <= 4:
        return True
    before = folded[max(0, dot - 6) : dot].split()
    return bool(before) and before[-1] in _ABBREVIATIONS and folded[dot] == "."


def _segments(folded: str, start: int, end: int) -> list[Segment]:
    """A sentence cut at labels: 'Namn: Greta Johansson, Pnr: 19…' gives two labelled segments."""
    cuts = [m for m in _LABEL_INLINE.finditer(folded, start, end) if m.start() > start]
    first = _LABEL_AT_START.match(folded, start, end)
    bounds = pairwise([start, *(m.start() for m in cuts), end])
    return [_labelled(folded, *span, label) for span, label in zip(bounds, [first, *cuts], strict=True)]


def _labelled(folded: str, start: int, end: int, label: re.Match[str] | None) -> Segment:
    if label is None or label.end() > end:
        return Segment(start, end)
    key = " ".join(label["label"].split())
    explicit = ":" in label[0] or "=" in label[0]
    if key in _COLON_ONLY and not explicit:
        return Segment(start, end)
    return Segment(start, end, LABEL_KIND.get(key), label.start("label"), label.end(), explicit)


def _values_on_next_line(text: str, segments: list[Segment]) -> list[Segment]:
    """'Personnummer:' alone on its line, the number on the next: one labelled segment."""
    joined: list[Segment] = []
    for segment in segments:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind is not None
            and segment.kind is None
            and not text[previous.value_start : previous.end].strip(" \t:=-")
            and text[previous.end : segment.start].count("\n") == 1
        ):
            joined[-1] = Segment(
                previous.start,
                segment.end,
                previous.kind,
                previous.label_start,
                segment.start,
                previous.explicit,
            )
        else:
            joined.append(segment)
    return joined


def signature_of(text: str, folded: str, sentences: list[tuple[int, int]]) -> tuple[int, int]:
    """The closing ('Mvh', 'Vänliga hälsningar', '/Anna') and up to a few lines under it, to a blank line."""
    for start, end in sentences[1:]:
        if _CLOSING.match(folded, start, end):
            return start, _signature_end(text, start)
    return 0, 0


def _signature_end(text: str, start: int) -> int:
    """After the closing: up to SIGNATURE_LINES lines, ending at a blank line once a line is signed."""
    end, signed = start, 0
    while end < len(text) and signed <= SIGNATURE_LINES:
        line_end = text.find("\n", end + 1)
        line_end = len(text) if line_end < 0 else line_end
        if not text[end:line_end].strip():
            if signed > 1:
                return end
        else:
            signed += 1
        end = line_end
    return end


def count_capitalised(
    words: list[Word], sentences: list[tuple[int, int]], segments: list[Segment]
) -> tuple[int, frozenset[int]]:
    """Capitalised words that do not start a sentence or a labelled value, and where those starts are."""
    starts = sorted({start for start, _ in sentences} | {segment.value_start for segment in segments})
    count, previous_end, firsts = 0, -1, []
    for word in words:
        index = bisect_right(starts, word.start)
        first = index > 0 and starts[index - 1] >= previous_end
        if first:
            firsts.append(word.start)
        elif word.text[:1].isupper() and word.text[1:2].islower():
            count += 1
        previous_end = word.end
    return count, frozenset(firsts)
