"""The brukare: name, personnummer, address, phone and portkod."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot import texts
from bot.drafts import OrderDraft
from bot.identity import Personnummer, format_phone
from bot.language import answers
from dialogs.question import Question, fixed


def _digits(personnummer: Personnummer) -> str:
    return personnummer.digits


def _birth_date_if_guessed(personnummer: Personnummer) -> str | None:
    if not personnummer.century_inferred:
        return None
    return texts.BIRTH_DATE_UNDERSTOOD.format(date=texts.date_text(personnummer.birth_date))


def _no_portkod_button(_draft: Any) -> tuple[str, ...]:
    return (texts.BUTTON_NO_PORTKOD,)


def offered_phones(draft: OrderDraft) -> list[str]:
    """Phones from a pasted message whose owner was unclear: one tap answers with one of them."""
    return [format_phone(phone) for phone in draft.unused_phone_candidates()]


def questions(today: Callable[[], date]) -> list[Question]:
    return [
        Question(
            "brukare_name",
            fixed(texts.ASK_BRUKARE_NAME),
            answers.full_name,
            texts.HELP_BRUKARE_NAME,
        ),
        Question(
            "personnummer",
            fixed(texts.ASK_PERSONNUMMER),
            answers.personnummer(today),
            texts.HELP_PERSONNUMMER,
            keep=_digits,
            acknowledge=_birth_date_if_guessed,
        ),
        Question("street", fixed(texts.ASK_STREET), answers.free_text, texts.HELP_STREET),
        Question("postnummer", fixed(texts.ASK_POSTNUMMER), answers.postnummer, texts.HELP_POSTNUMMER),
        Question("ort", fixed(texts.ASK_ORT), answers.free_text, texts.HELP_ORT),
        Question("phone", fixed(texts.ASK_PHONE), answers.phone, texts.HELP_PHONE, choices=offered_phones),
        Question(
            "portkod",
            fixed(texts.ASK_PORTKOD),
            answers.portkod,
            texts.HELP_PORTKOD,
            choices=_no_portkod_button,
        ),
    ]
