"""Who is talking: a stable user id per person across conversations (the AAD id in Teams)."""

from __future__ import annotations

from botbuilder.core import TurnContext


def user_id(context: TurnContext) -> str:
    sender = context.activity.from_property
    if sender is None:
        return ""
    return sender.aad_object_id or sender.id or ""
