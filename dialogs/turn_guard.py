"""Around every turn: a user who sends too much is refused, and the turn's changes are audited by channel."""

from __future__ import annotations

from botbuilder.core import Bot, TurnContext
from botbuilder.schema import ActivityTypes

from bot import texts
from bot.audit import Via, acting_through
from bot.rate_limit import RateLimiter, Verdict
from dialogs.users import user_id


class TurnGuard(Bot):
    """Wraps the bot: every channel's turns (Bot Framework, web chat) come through here first."""

    def __init__(self, bot: Bot, limiter: RateLimiter) -> None:
        self.bot = bot
        self.limiter = limiter

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        conversation = activity.conversation.id if activity.conversation else ""
        with acting_through(Via(activity.channel_id or "", conversation or "")):
            if activity.type == ActivityTypes.message:
                verdict = self.limiter.check(user_id(context))
                if verdict is Verdict.REFUSE_AND_SAY_SO:
                    await context.send_activity(texts.RATE_LIMITED)
                if verdict is not Verdict.ALLOW:
                    return
            await self.bot.on_turn(context)
