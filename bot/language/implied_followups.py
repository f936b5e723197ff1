"""Messages about a filed order that name no command but say what to do, read only when the value fits.

"ny portkod för VT-2026-0042: 4455" and "Portkoden till VT-2026-0042 är ändrad till 4455" are changes;
"Brukaren på VT-2026-0042 ligger på sjukhus till 20 januari, kan ni vänta?" is a pause. A change counts
only when a field and a value the ordering's readers accept are found; a pause only with a date in the
future and a word for waiting: anything less stays a status question or an unknown message.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from bot.domain import REFERENCE_PATTERN, format_reference
from bot.language.answers import Rejected
from bot.language.corrections import parse_correction
from bot.language.extraction import extract
from bot.language.followup_commands import FollowUpCommand, FollowUpVerb
from bot.language.lexicon import fold_keep_length, words_regex
from bot.language.pause_dates import read_pause, says_until
from bot.texts import CHANGE_KEY_COLLECTED as KEY_COLLECTED
from bot.texts import CHANGE_KEY_NOT_COLLECTED as KEY_NOT_COLLECTED
from bot.texts import CHANGE_TAG_COLLECTED as TAG_COLLECTED
from bot.texts import CHANGE_TAG_MISSING as TAG_MISSING
from bot.texts import CHANGE_TAG_NOT_NEEDED as TAG_NOT_NEEDED

_WORDS = tomllib.loads((Path(__file__).parent / "implied_followups.toml").read_text(encoding="utf-8"))
BEFORE_REFERENCE = "|".join(_WORDS["before_reference"])
NEW_WORDS = tuple(_WORDS["new"])
_WORD = re.compile(r"\w+")
WAITING = words_regex(_WORDS["waiting"])
FAULTS = words_regex(_WORDS["faults"])
CHANGE_CUES = frozenset(_WORDS["change_cues"])
PHONE_WORDS = frozenset(_WORDS["phone_words"])
ADDRESS = ("street", "postnummer", "ort")
KEY_WORDS = frozenset(_WORDS["key_words"])
COLLECTED = frozenset(_WORDS["collected"])
NOT_WORDS = frozenset(_WORDS["not_words"])


def implied_followup(text: str, today: date) -> FollowUpCommand | None:
    """The change or pause `text` asks for without a command word, or None."""
    match = REFERENCE_PATTERN.search(text)
    if match is None:
        return None
    reference = format_reference(int(match.group(1)), int(match.group(2)))
    rest = _without_reference(text, match)
    if FAULTS.search(fold_keep_length(rest)):
        return None  # a fault to report to the team, not a change
    found = _field_and_value(rest, today) or _value_in_sentence(rest, today)
    if found:
        return FollowUpCommand(FollowUpVerb.CHANGE, reference, found)
    if WAITING.search(fold_keep_length(rest)) and _has_date(rest, today):
        return FollowUpCommand(FollowUpVerb.PAUSE, reference, rest)
    return None


def _without_reference(text: str, match: re.Match[str]) -> str:
    """`text` without the reference and a preposition before it ('för VT-…', 'på VT-…')."""
    before = re.sub(rf"(?i)\b(?:{BEFORE_REFERENCE})\s*$", "", text[: match.start()])
    return " ".join(f"{before.rstrip()} {text[match.end() :].lstrip(' :,-')}".split())


def _field_and_value(rest: str, today: date) -> str:
    """A field and a value that fits, as corrections read them: the sentence itself ('portkoden är
    ändrad till 4455'), or what follows a word saying it is new ('har fått ny kod 9911'); else ''."""
    after_new = [
        rest[match.end() :] for match in _WORD.finditer(rest) if fold_keep_length(match[0]) in NEW_WORDS
    ]
    for candidate in (rest, *after_new):
        correction = parse_correction(f"ändra {candidate.strip(' :,')}", today)
        if correction is not None and correction.error is None and correction.values:
            return candidate.strip(" :,")
    return ""


def _value_in_sentence(rest: str, today: date) -> str:
    """'brukaren har flyttat till Ågatan 3, 582 22 Linköping' -> 'adress Ågatan 3, 582 22 Linköping':
    a new phone, address or tag found by the order reader, with a word saying it is new, or the key
    said to be collected (or not); else ''."""
    if rest.rstrip().endswith("?"):
        return ""  # 'har ni hämtat nyckeln?' asks; it says nothing new
    words = set(fold_keep_length(rest).replace(",", " ").replace(":", " ").split())
    if words & KEY_WORDS and words & COLLECTED:
        return f"nyckel {KEY_NOT_COLLECTED if words & NOT_WORDS else KEY_COLLECTED}"
    if not words & CHANGE_CUES:
        return ""
    found = extract(rest, today)
    values = found.values
    if found.problems:
        return ""
    if set(ADDRESS) <= values.keys():
        return f"adress {values['street']}, {values['postnummer']} {values['ort']}"
    if "outer_door_tag_needed" in values and len(values) <= 2:
        return f"ytterdörr {_tag_choice(values)}"
    phones = [values["phone"]] if "phone" in values else list(found.unassigned_phones)
    if len(phones) == 1 and words & PHONE_WORDS:
        return f"telefon {phones[0]}"
    return ""


def _tag_choice(values: dict[str, object]) -> str:
    if not values["outer_door_tag_needed"]:
        return TAG_NOT_NEEDED
    return TAG_COLLECTED if values.get("outer_door_tag_collected") else TAG_MISSING


def _has_date(rest: str, today: date) -> bool:
    """A day ahead, said as until when or for how long."""
    if not says_until(rest):
        return False
    try:
        read_pause(rest, today)
    except Rejected:
        return False
    return True
