"""Forgiving matching of what people type: case, å/ä/ö, punctuation, numbered choices, typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz, process

YES = frozenset({
    "ja", "j", "jo", "jaa", "japp", "jepp", "jada", "javisst", "visst", "jajamen", "absolut",
    "stammer", "precis", "korrekt", "sjalvklart", "ok", "okej", "yes", "y",
})  # fmt: skip
NO = frozenset({"nej", "n", "na", "naa", "no", "nope", "icke", "stammer inte", "inte"})
FUZZY_CUTOFF = 85
MIN_WORD_IN_OPTION = 5  # a word of an option names it when no other option has it: not 'av', 'ny'
# An order reference as people type it: 'VT-2026-0042', 'vt 2026 42', 'vt20260042'.
REFERENCE = re.compile(r"\bvt[\s-]?(\d{4})[\s-]?(\d{1,6})\b", re.IGNORECASE)


def fold(text: str | None) -> str:
    """Lower case, without diacritics (å->a, ä->a, ö->o), punctuation and extra spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s-]", " ", plain).split())


def yes_or_no(text: str | None) -> bool | None:
    """True for a yes, False for a no, None when it is neither."""
    words = fold(text).split()
    if not words:
        return None
    if " ".join(words) in NO or words[0] in NO or "inte" in words:  # "stämmer inte" is a no
        return False
    if " ".join(words) in YES or words[0] in YES - {"ok"}:
        return True
    return None


def match_choice(text: str | None, options: Sequence[str]) -> str | None:
    """The option meant by `text`: its number in the list, its words, or a close spelling."""
    folded = fold(text)
    if not folded or not options:
        return None
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return options[int(folded) - 1]
    by_fold = {fold(option): option for option in options}
    if folded in by_fold:
        return by_fold[folded]
    starting = [option for key, option in by_fold.items() if key.startswith(folded)]
    if len(starting) == 1 and len(folded) >= 3:
        return starting[0]
    containing = [option for key, option in by_fold.items() if f" {folded} " in f" {key} "]
    if len(containing) == 1 and len(folded) >= MIN_WORD_IN_OPTION:
        return containing[0]  # 'trygghetslarm' is 'Digitalt trygghetslarm'
    best = process.extractOne(folded, list(by_fold), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return None if best is None else by_fold[best[0]]
