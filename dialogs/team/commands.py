"""The team's command words, recognised forgivingly (case, å/ä/ö, small typos), and their arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz, process

from bot.domain import REFERENCE_PATTERN, ChecklistItem, Devices, format_reference
from bot.language.words import FUZZY_CUTOFF, fold, match_choice


class Verb(Enum):
    HELP = "hjälp"
    REGISTER = "registrera teamkanal"
    LIST = "ärenden"
    INVENTORY = "inventarie"
    SHOW = "visa"
    TAKE = "ta"
    BOOK = "boka"
    TICK = "klar"
    CLOSE = "avsluta"
    CANCEL = "makulera"
    RESEND = "skicka om"


# Whole messages, without a reference.
ALONE = {
    "hjalp": Verb.HELP,
    "help": Verb.HELP,
    "kommandon": Verb.HELP,
    "registrera teamkanal": Verb.REGISTER,
    "registrera team kanal": Verb.REGISTER,
    "registrera kanal": Verb.REGISTER,
    "arenden": Verb.LIST,
    "oppna arenden": Verb.LIST,
    "inventarie": Verb.INVENTORY,
    "inventarielista": Verb.INVENTORY,
    "inventarielistan": Verb.INVENTORY,
}
# Words written before an order's reference.
BEFORE_REFERENCE = {
    "visa": Verb.SHOW,
    "ta": Verb.TAKE,
    "boka": Verb.BOOK,
    "klar": Verb.TICK,
    "klart": Verb.TICK,
    "avsluta": Verb.CLOSE,
    "makulera": Verb.CANCEL,
    "skicka om": Verb.RESEND,
    "skicka igen": Verb.RESEND,
}
MIN_TYPO_LENGTH = 4  # shorter words must be spelt exactly: 'ta' is not 'ja'


@dataclass(frozen=True)
class TeamCommand:
    """A command; `reference` is empty when none was written."""

    verb: Verb
    reference: str = ""
    argument: str = ""  # the words after the reference, exactly as typed


def parse_team_command(text: str) -> TeamCommand | None:
    """The team command `text` is, or None."""
    match = REFERENCE_PATTERN.search(text)
    if match is None:
        return _without_reference(fold(text))
    verb = _closest(fold(text[: match.start()]), BEFORE_REFERENCE)
    if verb is None:
        return None
    reference = format_reference(int(match.group(1)), int(match.group(2)))
    return TeamCommand(verb, reference, text[match.end() :].strip())


def _without_reference(folded: str) -> TeamCommand | None:
    alone = _closest(folded, ALONE)
    if alone is not None:
        return TeamCommand(alone)
    verb = next((verb for words, verb in BEFORE_REFERENCE.items() if _starts_with(folded, words)), None)
    return None if verb is None else TeamCommand(verb)


def _starts_with(folded: str, words: str) -> bool:
    return folded == words or folded.startswith(f"{words} ")


def _closest(folded: str, words: dict[str, Verb]) -> Verb | None:
    if folded in words:
        return words[folded]
    if len(folded) < MIN_TYPO_LENGTH:
        return None
    best = process.extractOne(folded, list(words), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return None if best is None else words[best[0]]


CHECKLIST_WORDS = [item.value for item in ChecklistItem]
CONTACTED = re.compile(r"\bkontakta(?:d|t|de)?\b:?", re.IGNORECASE)
SERIAL = re.compile(r"\b(larm|låsenhet|lasenhet|lås|las)\s*:?\s*([^\s,;]+)", re.IGNORECASE)


class UnclearSerials(ValueError):
    """Words after `inventarie` that are not `larm <serial>` or `lås <serial>`."""


def booking_parts(argument: str) -> tuple[str, str]:
    """'3 dec kl 10 kontaktad dottern' -> ('3 dec kl 10', 'dottern')."""
    when, *who = CONTACTED.split(argument, maxsplit=1)
    return when.strip(), "".join(who).strip()


def checklist_item(argument: str) -> tuple[ChecklistItem | None, str]:
    """The checklist item the argument starts with, and the rest of it."""
    first, _, rest = argument.strip().partition(" ")
    chosen = None if first.isdigit() else match_choice(first, CHECKLIST_WORDS)
    return (None if chosen is None else ChecklistItem(chosen)), rest.strip()


def devices(rest: str) -> Devices | None:
    """'larm A123 lås L456' -> those serials; None when no serial is given."""
    if SERIAL.sub("", rest).strip(" ,;"):
        raise UnclearSerials(rest)
    pairs = SERIAL.findall(rest)
    if not pairs:
        return None
    return Devices(**{("alarm_serial" if fold(kind) == "larm" else "lock_serial"): s for kind, s in pairs})
