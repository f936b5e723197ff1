"""The order form card in chat: sent on `formulär`, and sent back with its values when a submit has errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botbuilder.schema import Activity

from bot import texts
from bot.categories import Categories
from bot.language.understood import FIELDS
from bot.order_form import SUBMIT_DATA, form_card, form_values
from dialogs import messages

FORM_KEY = "form"


def is_form_submit(value: object) -> bool:
    """True for what the form card's submit button posts: `{"form": "order", <inputs>}`."""
    return isinstance(value, dict) and value.get(FORM_KEY) == SUBMIT_DATA[FORM_KEY]


def form_activity(
    categories: Categories,
    draft: Mapping[str, Any],
    raw: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Activity:
    """The card filled from `draft` (or, when it comes back, from what was typed) with its errors.

    The text lists the errors too, for channels that show no cards.
    """
    values = {**form_values(draft), **(raw or {})}
    card = form_card(values, errors or {}, categories)
    return messages.with_card(messages.question(_text(errors or {})), card)


def _text(errors: Mapping[str, str]) -> str:
    """The intro; with errors, each with the field's short name, for channels that show no cards."""
    if not errors:
        return texts.FORM_INTRO
    lines = [f"- {_short_label(input_id)}: {message}" for input_id, message in errors.items()]
    return "\n".join([texts.FORM_HAS_ERRORS, *lines])


def _short_label(input_id: str) -> str:
    if input_id in FIELDS:
        return FIELDS[input_id][0]
    if input_id.startswith("contact_"):
        return texts.LABEL_CONTACTS
    if input_id.startswith("outer_door_"):
        return texts.LABEL_OUTER_DOOR
    return texts.LABEL_CATEGORY
