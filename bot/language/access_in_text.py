"""Getting in: the portkod, the tag or key to the outer door, and whether the brukare's key is collected."""

from __future__ import annotations

import re

from bot import texts
from bot.language import answers
from bot.language.lexicon import ACCESS, fold_keep_length, folded_set, phrase_pattern, words_regex
from bot.language.text_scan import Scan

_CODE_AFTER_WORD = re.compile(
    rf"(?<![\w-])(?:{phrase_pattern(ACCESS['code_words'])})(?![\w-])"
    rf"(?:[ \t]*(?:{phrase_pattern(ACCESS['code_links'])})(?![\w]))?[ \t]*"
    r"(?P<code>\d{1,4}(?:[ \t]\d{1,4}){1,3}(?=[ \t]*(?:[,.;!?)\n]|$))"  # '12 34' ending the clause
    r"|(?=[\w#*+-]{0,19}\d)[\w#*+-]{1,20}(?![\w#*+-]))"
)
_BARE_CODE_WORDS = frozenset({"kod", "koden"})
_OTHER_CODES = folded_set(ACCESS["other_codes"])
_NO_CODE = words_regex(ACCESS["no_code"])
_NO_CODE_ANSWERS = folded_set(ACCESS["no_code_answers"])
_CODE_ANSWER = re.compile(r"[^,\n]*")
_TAG = words_regex(ACCESS["tag_words"])
_KEY = words_regex(ACCESS["key_words"])
_NEEDED = words_regex(ACCESS["needed"])
_NOT_NEEDED = words_regex(ACCESS["not_needed"])
_COLLECTED = words_regex(ACCESS["collected"])
_NOT_COLLECTED = words_regex(ACCESS["not_collected"])
_KEY_DONE = words_regex(ACCESS["key_done"])
_FREE_RUN = re.compile(rb"\x00+")
_PART_BREAK = re.compile(
    rf"[ \t]*,[ \t]*|[ \t]+(?:{phrase_pattern(w for w in ACCESS['part_breaks'] if w != ',')})[ \t]+"
)


def find_access(scan: Scan) -> None:
    _portkod(scan)
    for sentence in scan.sentences:
        if not scan.in_signature(sentence[0]):
            _door_and_key(scan, sentence)


# --- portkod -----------------------------------------------------------------------------------


def _portkod(scan: Scan) -> None:
    """'Portkod 1234', 'koden till porten är 12#4', 'ingen portkod', 'Kod: saknas', '1234' when asked."""
    for match in _NO_CODE.finditer(scan.folded):
        if scan.is_free(*match.span()):
            scan.set_value("portkod", "", *match.span())
    for match in _CODE_AFTER_WORD.finditer(scan.folded):
        if scan.is_free(*match.span("code")) and not _other_code(scan, match):
            _keep_code(scan, scan.text[match.start("code") : match.end("code")], *match.span())
    for segment in scan.segments:
        if segment.kind == "portkod" and scan.is_free(segment.value_start, segment.end):
            _code_answer(scan, segment.value_start, explicit=segment.explicit, label=segment.label_start)
    if scan.expecting == "portkod" and "portkod" not in scan.values and scan.words:
        _code_answer(scan, scan.words[0].start, explicit=False, label=scan.words[0].start)


def _other_code(scan: Scan, match: re.Match[str]) -> bool:
    """'nyckelskåpets kod 5566', 'larmets kod': a bare 'kod' that is not the door's."""
    word = scan.next_word(match.start())
    if word is None or word.key not in _BARE_CODE_WORDS:
        return False
    before = scan.previous_word(match.start())
    return before is not None and (before.key in _OTHER_CODES or before.key.endswith("s"))


def _code_answer(scan: Scan, position: int, *, explicit: bool, label: int) -> None:
    """The first clause after a label or as an answer: a code with a digit, or 'ingen'."""
    clause = _CODE_ANSWER.match(scan.text, position)
    raw = clause[0].strip(" \t.;") if clause else ""
    start = scan.text.find(raw, position) if raw else -1
    if start < 0 or not scan.is_free(start, start + len(raw)):
        return
    end = start + len(raw)
    if " ".join(fold_keep_length(raw).split()) in _NO_CODE_ANSWERS:
        scan.set_value("portkod", "", label, end)
        return
    try:
        code = answers.portkod(raw)
    except answers.Rejected as rejected:
        if explicit:
            scan.problem("portkod", rejected.message)
            scan.use(label, end)
        return
    if code == "" or any(char.isdigit() for char in code):
        _keep_code(scan, raw, label, end)
    elif explicit:
        scan.problem("portkod", texts.ERR_PORTKOD)
        scan.use(label, end)


def _keep_code(scan: Scan, raw: str, start: int, end: int) -> None:
    try:
        code = answers.portkod(raw)
    except answers.Rejected as rejected:
        scan.problem("portkod", rejected.message)
        scan.use(start, end)
        return
    scan.set_value("portkod", code, start, end)


# --- the outer door and the key ------------------------------------------------------------------


def _door_and_key(scan: Scan, sentence: tuple[int, int]) -> None:
    """Parts of a sentence, each about the tag or the key (a part without either: the one before)."""
    topics: set[str] = set()
    waiting: set[str] = set()
    previous_end = sentence[0]
    for start, end in _parts(scan, *sentence):
        if not scan.is_free(previous_end, start):
            topics, waiting = set(), set()
        previous_end = end
        here = _topics(scan, start, end)
        if not _has_predicate(scan, start, end):
            waiting |= here
            continue
        topics = (here or topics) | waiting
        waiting = set()
        for topic in topics:
            _read_part(scan, topic, start, end)


def _parts(scan: Scan, start: int, end: int) -> list[tuple[int, int]]:
    """The unused stretches of a sentence, cut at ',' 'och' 'men' …"""
    parts = []
    for free_start, free_end in _free_runs(scan, start, end):
        bounds = [free_start]
        for cut in _PART_BREAK.finditer(scan.folded, free_start, free_end):
            bounds += [cut.start(), cut.end()]
        bounds.append(free_end)
        parts += [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2) if bounds[i] < bounds[i + 1]]
    return parts


def _free_runs(scan: Scan, start: int, end: int) -> list[tuple[int, int]]:
    return [run.span() for run in _FREE_RUN.finditer(scan.used, start, end)]


def _topics(scan: Scan, start: int, end: int) -> set[str]:
    tags = [m.span() for m in _TAG.finditer(scan.folded, start, end)]
    keys = [m for m in _KEY.finditer(scan.folded, start, end) if not any(s <= m.start() < e for s, e in tags)]
    return _topic_set(bool(tags), bool(keys))


def _topic_set(tag: bool, key: bool) -> set[str]:
    return {name for name, present in (("tag", tag), ("key", key)) if present}


def _has_predicate(scan: Scan, start: int, end: int) -> bool:
    words = (_NEEDED, _NOT_NEEDED, _COLLECTED, _NOT_COLLECTED, _KEY_DONE)
    return any(pattern.search(scan.folded, start, end) for pattern in words)


def _read_part(scan: Scan, topic: str, start: int, end: int) -> None:
    if topic == "key":
        if _KEY_DONE.search(scan.folded, start, end) and not _NOT_COLLECTED.search(scan.folded, start, end):
            scan.key_mentioned = True
            scan.use(start, end)
        return
    said = scan.folded[start:end]
    if _COLLECTED.search(said):
        _keep_tag(scan, True, not _NOT_COLLECTED.search(said), start, end)
    elif _NOT_NEEDED.search(said):
        _keep_tag(scan, False, None, start, end)
    elif _NEEDED.search(said):
        _keep_tag(scan, True, None, start, end)
    elif _NOT_COLLECTED.search(said):
        _keep_tag(scan, True, False, start, end)


def _keep_tag(scan: Scan, needed: bool, collected: bool | None, start: int, end: int) -> None:
    if not scan.set_value("outer_door_tag_needed", needed, start, end):
        return
    if needed and collected is not None:
        scan.set_value("outer_door_tag_collected", collected, start, end)
