"""The order a team command refers to by being written in that order's Teams thread."""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.threads import ThreadDirectory
from dialogs.users import TEAMS


async def thread_reference(context: TurnContext, threads: ThreadDirectory) -> str:
    """The reference of the order whose thread the message was written in; "" elsewhere."""
    activity = context.activity
    conversation = activity.conversation
    if activity.channel_id != TEAMS or conversation is None or not conversation.id:
        return ""
    if getattr(conversation, "conversation_type", None) != "channel":
        return ""
    return await threads.reference_of(conversation.id) or ""
