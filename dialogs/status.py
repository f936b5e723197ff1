"""Status questions in chat: `status`, `mina ärenden` and free questions, also in the middle of an order."""

from __future__ import annotations

from typing import Any

from botbuilder.core import ConversationState, TurnContext
from botbuilder.schema import Activity

from bot import texts
from bot.language.status_questions import COMMAND, Intent, IntentKind, recognise
from bot.status import StatusReply, StatusService
from dialogs import messages
from dialogs.users import user_id

OFFERED = "status_offered"  # conversation state: the numbered list the user may answer next turn


class StatusHandler:
    """A MessageHandler (dialogs/alarm_bot.py) that answers questions about orders.

    A numbered list is kept in the conversation state (stored, so it survives a restart) for one
    turn: outside an order the next message may be its number. In the middle of an order numbers
    answer the order's questions, so the list asks for `status VT-…` instead.
    """

    def __init__(self, status: StatusService, conversation_state: ConversationState) -> None:
        self.status = status
        self.offered = conversation_state.create_property(OFFERED)

    async def try_handle(self, context: TurnContext, text: str, in_dialog: bool) -> bool:
        who = user_id(context)
        chosen = await self._chosen(context, who, text)
        if chosen is not None and not in_dialog:
            intent: Intent | None = chosen
        else:
            intent = recognise(text, in_dialog=in_dialog, today=self.status.today())
        if intent is None:
            return False
        reply = await self.status.answer(who, intent)
        await context.send_activity(await self._with_choices(context, who, reply, in_dialog))
        return True

    async def _chosen(self, context: TurnContext, who: str, text: str) -> Intent | None:
        """The order picked by number from last turn's list; the list is forgotten either way."""
        offered: dict[str, Any] | None = await self.offered.get(context)
        if offered is None:
            return None
        await self.offered.delete(context)
        references: list[str] = offered["references"]
        picked = text.strip()
        if offered["user"] != who or not picked.isdecimal() or not 1 <= int(picked) <= len(references):
            return None
        return Intent(IntentKind.STATUS, reference=references[int(picked) - 1])

    async def _with_choices(
        self, context: TurnContext, who: str, reply: StatusReply, in_dialog: bool
    ) -> str | Activity:
        """The reply, with how to pick from its list; outside an order the list is kept for a number."""
        if not reply.choices:
            return reply.text
        if in_dialog:
            return f"{reply.text}\n\n{texts.STATUS_CHOOSE_REFERENCE.format(reference=reply.choices[0])}"
        await self.offered.set(context, {"user": who, "references": list(reply.choices)})
        buttons = [f"{COMMAND} {reference}" for reference in reply.choices]
        return messages.question(f"{reply.text}\n\n{texts.STATUS_CHOOSE_NUMBER}", buttons)
