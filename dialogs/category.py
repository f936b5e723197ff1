"""The Lindesk category: rubrik and underrubrik under Vård, Stöd och Omsorg > Välfärdsteknik."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.categories import Categories
from bot.drafts import OrderDraft
from bot.language import answers
from dialogs.question import Question, fixed


def questions(categories: Categories) -> list[Question]:
    def rubriker(_draft: OrderDraft) -> Sequence[str]:
        return list(categories.rubriker)

    def underrubriker(draft: OrderDraft) -> Sequence[str]:
        return categories.underrubriker(draft.rubrik or "")

    def ask_underrubrik(draft: OrderDraft) -> str:
        return texts.ASK_UNDERRUBRIK.format(rubrik=draft.rubrik)

    return [
        Question("rubrik", fixed(texts.ASK_RUBRIK), answers.choice, texts.HELP_RUBRIK, choices=rubriker),
        Question(
            "underrubrik",
            ask_underrubrik,
            answers.choice,
            texts.HELP_UNDERRUBRIK,
            choices=underrubriker,
        ),
    ]
