"""Access to the home: is a key or tag for the outer door needed, and has the unit collected it."""

from __future__ import annotations

from bot import texts
from bot.drafts import OrderDraft
from bot.language import answers
from dialogs.prerequisites import yes_no_choices
from dialogs.question import Question, fixed


def _tag_needed(draft: OrderDraft) -> bool:
    return bool(draft.outer_door_tag_needed)


def questions() -> list[Question]:
    return [
        Question(
            "outer_door_tag_needed",
            fixed(texts.ASK_TAG_NEEDED),
            answers.yes_no,
            texts.HELP_TAG_NEEDED,
            choices=yes_no_choices,
        ),
        Question(
            "outer_door_tag_collected",
            fixed(texts.ASK_TAG_COLLECTED),
            answers.yes_no,
            texts.HELP_TAG_COLLECTED,
            applies=_tag_needed,
            choices=yes_no_choices,
        ),
    ]
