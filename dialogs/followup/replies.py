"""What a reply to the bot's follow-up question is: a stop, something else entirely, or the answer."""

from __future__ import annotations

from datetime import date

from bot.domain import REFERENCE_PATTERN
from bot.language.small_talk import small_talk
from bot.language.status_questions import recognise
from bot.language.words import fold, yes_or_no
from dialogs.commands import parse_command
from dialogs.followup.pending import Step
from dialogs.team.commands import parse_team_command

STOP_WORDS = frozenset(
    {"avbryt", "angra", "glom det", "strunta i det", "nej tack", "ingenting", "vi behaller den", "behall den"}
)
FREE_TEXT_STEPS = frozenset({Step.TEXT, Step.PAUSE_REASON, Step.DATE})


def is_stop(text: str) -> bool:
    """'avbryt', 'nej', 'ångra', 'vi behåller den': nothing is to be done."""
    folded = fold(text).strip(" .!?")
    return folded in STOP_WORDS or yes_or_no(text) is False or folded.startswith("nej ")


def is_something_else(text: str, step: Step, today: date) -> bool:
    """A new message rather than the answer: a command, small talk, another order's reference, and,
    where any text would do (a reason, a message), a status question too."""
    if parse_command(text) is not None or parse_team_command(text) is not None:
        return True
    if small_talk(text) is not None or REFERENCE_PATTERN.search(text) is not None:
        return True
    return step in FREE_TEXT_STEPS and recognise(text, in_dialog=False, today=today) is not None
