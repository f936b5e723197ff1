"""The follow-up question the bot asked last turn (a field, a reason, a date), kept across restarts."""

from __future__ import annotations

from enum import StrEnum

from botbuilder.core import ConversationState, TurnContext
from pydantic import BaseModel

from bot.language.followup_commands import FollowUpVerb

PENDING = "followup_pending"  # conversation state
ANSWERED = "followup_answered"  # conversation state: the order last answered here, for a bare 'ångra'


class Step(StrEnum):
    FIELD = "field"  # which part of the order to change
    VALUE = "value"  # the new value of `field`
    TEXT = "text"  # the reason, the message, the question or the answer
    DATE = "date"  # until when the order waits
    PAUSE_REASON = "pause_reason"  # why it waits (the date is known)
    CONFIRM = "confirm"  # yes or no to a cancellation (the reason is known)


class Pending(BaseModel):
    """What the next message of `user` in this conversation answers."""

    user: str
    verb: FollowUpVerb
    reference: str
    step: Step
    field: str | None = None
    until: str | None = None  # ISO date, once known
    text: str | None = None  # the reason of a cancellation to confirm


class PendingQuestions:
    """Reads, keeps and forgets the pending follow-up question of a conversation."""

    def __init__(self, conversation_state: ConversationState) -> None:
        self.property = conversation_state.create_property(PENDING)
        self.answered_property = conversation_state.create_property(ANSWERED)

    async def get(self, context: TurnContext, user: str) -> Pending | None:
        stored = await self.property.get(context)
        if not isinstance(stored, dict):
            return None
        pending = Pending.model_validate(stored)
        return pending if pending.user == user else None

    async def keep(self, context: TurnContext, pending: Pending) -> None:
        await self.property.set(context, pending.model_dump(mode="json"))

    async def forget(self, context: TurnContext) -> None:
        if await self.property.get(context) is not None:
            await self.property.delete(context)

    async def remember_answer(self, context: TurnContext, user: str, reference: str) -> None:
        """`user` answered the team about `reference` here: a bare 'ångra' takes it back."""
        await self.answered_property.set(context, {"user": user, "reference": reference})

    async def answered(self, context: TurnContext, user: str) -> str:
        """The order `user` last answered the team about in this conversation, or ''."""
        stored = await self.answered_property.get(context)
        if isinstance(stored, dict) and stored.get("user") == user:
            return str(stored.get("reference") or "")
        return ""
