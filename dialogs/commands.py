"""The staff's command words, recognised forgivingly (case, å/ä/ö, small typos)."""

from __future__ import annotations

from enum import Enum

from rapidfuzz import fuzz, process

from bot.language.words import fold


class Command(Enum):
    ORDER = "order"
    RESUME = "resume"
    RESTART = "restart"
    CANCEL = "cancel"
    HELP = "help"
    BACK = "back"
    FORM = "form"


WORDS = {
    "bestall": Command.ORDER,
    "ny bestallning": Command.ORDER,
    "bestalla larm": Command.ORDER,
    "fortsatt": Command.RESUME,
    "borja om": Command.RESTART,
    "avbryt": Command.CANCEL,
    "hjalp": Command.HELP,
    "help": Command.HELP,
    "tillbaka": Command.BACK,
    "bakat": Command.BACK,
    "formular": Command.FORM,
    "formularet": Command.FORM,
}
TYPO_CUTOFF = 80


def parse_command(text: str | None) -> Command | None:
    """The command `text` is, or None; whole messages only, so answers are not mistaken for them."""
    folded = fold(text)
    if not folded or len(folded) > 20:
        return None
    if folded in WORDS:
        return WORDS[folded]
    best = process.extractOne(folded, list(WORDS), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
    return None if best is None else WORDS[best[0]]
