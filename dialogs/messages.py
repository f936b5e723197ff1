"""Builds the activities the dialogs send: text with tap-to-answer buttons, and card attachments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import (
    ActionTypes,
    Activity,
    CardAction,
    InputHints,
    SuggestedActions,
)


def question(text: str, choices: Sequence[str] = ()) -> Activity:
    """A question; each choice is a button that posts its own words back, as if typed."""
    activity = MessageFactory.text(text, input_hint=InputHints.expecting_input)
    if choices:
        activity.suggested_actions = SuggestedActions(
            actions=[CardAction(type=ActionTypes.im_back, title=c, value=c) for c in choices]
        )
    return activity


def with_card(activity: Activity, card: dict[str, Any]) -> Activity:
    """`activity` with an Adaptive Card attached; the text stays for channels without cards."""
    activity.attachments = [CardFactory.adaptive_card(card)]
    return activity
