"""Who orders: the unit and the orderer's name and phone, asked once per user and remembered."""

from __future__ import annotations

from bot import texts
from bot.language import answers
from dialogs.brukare import offered_phones
from dialogs.question import Question, fixed


def questions() -> list[Question]:
    return [
        Question("unit", fixed(texts.ASK_UNIT), answers.free_text, texts.HELP_UNIT),
        Question(
            "orderer_name",
            fixed(texts.ASK_ORDERER_NAME),
            answers.full_name,
            texts.HELP_ORDERER_NAME,
        ),
        Question(
            "orderer_phone",
            fixed(texts.ASK_ORDERER_PHONE),
            answers.phone,
            texts.HELP_PHONE,
            choices=offered_phones,
        ),
    ]
