"""Whole messages that are only a greeting, thanks or a goodbye: answered kindly, never 'not understood'."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path

from bot.language.words import fold

_WORDS = tomllib.loads((Path(__file__).parent / "small_talk.toml").read_text(encoding="utf-8"))


class SmallTalk(StrEnum):
    GREETING = "greetings"
    THANKS = "thanks"
    GOODBYE = "goodbyes"


PHRASES: dict[str, SmallTalk] = {phrase: kind for kind in SmallTalk for phrase in _WORDS[kind.value]}
MAX_LENGTH = 40  # longer messages say more than hello


def small_talk(text: str) -> SmallTalk | None:
    """What kind of small talk `text` is, when it is nothing else: 'Hej!', 'tack så mycket', 'ha det bra'."""
    folded = fold(text)
    if len(folded) > MAX_LENGTH:
        return None
    return PHRASES.get(folded)
