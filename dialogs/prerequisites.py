"""The routine's three preconditions: Treserva, the key receipt and the journal; a 'nej' stops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot import texts
from bot.language import answers
from dialogs.question import Question, fixed

YES_NO = (texts.BUTTON_YES, texts.BUTTON_NO)


def yes_no_choices(_draft: Any) -> tuple[str, ...]:
    return YES_NO


def questions(clock: Callable[[], datetime]) -> list[Question]:
    def confirmed_now(_answer: Any) -> str:
        return clock().isoformat()

    def precondition(name: str, ask: str, help_text: str, stop: str) -> Question:
        return Question(
            name=name,
            ask=fixed(ask),
            parse=answers.yes_no,
            help=help_text,
            choices=yes_no_choices,
            stop_unless_true=stop,
            keep=confirmed_now,
        )

    return [
        precondition("treserva", texts.ASK_TRESERVA, texts.HELP_TRESERVA, texts.STOP_TRESERVA),
        precondition("key_receipt", texts.ASK_KEY_RECEIPT, texts.HELP_KEY_RECEIPT, texts.STOP_KEY_RECEIPT),
        precondition("journal", texts.ASK_JOURNAL, texts.HELP_JOURNAL, texts.STOP_JOURNAL),
    ]
