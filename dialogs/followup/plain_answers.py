"""A MessageHandler tried last: where the team's question waits, a plain message is the answer."""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.followup.service import FollowUpService
from bot.language.order_intent import asks_about_other_matters
from bot.language.small_talk import small_talk
from dialogs.commands import parse_command
from dialogs.followup.handler import FollowUpHandler


class PlainAnswers:
    """Outside an order, a message that is no command, no small talk and no question about faults or
    prices answers the newest open question asked in this conversation; `svar VT-…` answers any other.
    (Status questions and order requests were handled before this handler is asked.)"""

    def __init__(self, service: FollowUpService, followup: FollowUpHandler) -> None:
        self.service = service
        self.followup = followup

    async def try_handle(self, context: TurnContext, text: str, in_dialog: bool) -> bool:
        if in_dialog or parse_command(text) is not None or small_talk(text) is not None:
            return False
        if asks_about_other_matters(text):  # a fault, a price, ending an alarm: answered as such
            return False
        waiting = await self.service.answerable_in(context.activity.conversation.id)
        if not waiting:
            return False
        await self.followup.answer(context, waiting[0], text)
        return True
