"""The bot's turn handler: reads each message, continues the running dialog or starts one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ChannelAccount

from bot import texts
from bot.conversations import ConversationDirectory
from bot.domain import Orderer
from bot.drafts import OrderDraft
from bot.identity import format_phone
from bot.orders import OrderService
from bot.outbox import OutboxItem
from bot.store.state_storage import OncePerTurnConversationState
from bot.store.unit_of_work import UnitOfWork
from dialogs.commands import Command, parse_command
from dialogs.mentions import without_bot_mention
from dialogs.order_dialog import ORDER_ID, OrderDialog
from dialogs.recent_references import RecentReferences
from dialogs.users import user_id

MAX_MESSAGE_LENGTH = 2000


class MessageHandler(Protocol):
    """Answers some messages itself (team commands, status questions) without touching the order dialog."""

    async def try_handle(self, context: TurnContext, text: str, in_dialog: bool) -> bool:
        """Handle `text` and return True, or return False to let the next handler try."""
        ...


REMEMBERED_ACTIVITIES = 50


class AlarmBot(ActivityHandler):
    """Routes a turn to the running dialog or a command, and saves the dialog state once."""

    def __init__(
        self,
        conversation_state: OncePerTurnConversationState,
        orders: OrderService,
        directory: ConversationDirectory,
        order_dialog: OrderDialog,
        handlers: Sequence[MessageHandler] = (),
        stored_references: RecentReferences | None = None,
    ) -> None:
        self.conversation_state = conversation_state
        self.orders = orders
        self.directory = directory
        self.handlers = list(handlers)  # tried in order before the order commands
        self.dialogs = DialogSet(conversation_state.create_property("dialog_state"))
        self.seen_activities = conversation_state.create_property("seen_activity_ids")
        self.dialogs.add(order_dialog)
        self._stored_references = RecentReferences() if stored_references is None else stored_references

    async def on_turn(self, turn_context: TurnContext) -> None:
        # One turn at a time per conversation: adapters/channel.py sees to that, for every channel.
        key = turn_context.activity.conversation.id if turn_context.activity.conversation else ""
        if await self._is_retry(turn_context):
            return
        await self._remember_conversation(turn_context, key)
        await super().on_turn(turn_context)
        await self.conversation_state.save_changes(turn_context)

    async def _is_retry(self, turn_context: TurnContext) -> bool:
        """True for an activity already handled (channels re-send when a turn is slow)."""
        activity_id = turn_context.activity.id
        if not activity_id:
            return False
        seen: list[str] = await self.seen_activities.get(turn_context, list)
        if activity_id in seen:
            return True
        seen[:] = [*seen[-(REMEMBERED_ACTIVITIES - 1) :], activity_id]
        return False

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id != bot_id for member in members_added):
            await turn_context.send_activity(f"{texts.WELCOME}\n\n{texts.COMMANDS}")

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        activity.text = _answer_text(without_bot_mention(activity), activity.value)
        if not activity.text:
            await turn_context.send_activity(texts.NO_TEXT)
            return
        if len(activity.text) > MAX_MESSAGE_LENGTH:
            await turn_context.send_activity(texts.TOO_LONG.format(limit=MAX_MESSAGE_LENGTH))
            return
        dialog_context = await self.dialogs.create_context(turn_context)
        in_dialog = dialog_context.active_dialog is not None
        if await self._handled_elsewhere(turn_context, in_dialog):
            if in_dialog:  # answered a side question: ask the pending question again
                await dialog_context.reprompt_dialog()
            return
        if in_dialog:
            await self._continue(dialog_context)
            return
        await self._command(dialog_context, parse_command(activity.text))

    async def _handled_elsewhere(self, turn_context: TurnContext, in_dialog: bool) -> bool:
        for handler in self.handlers:
            if await handler.try_handle(turn_context, turn_context.activity.text or "", in_dialog):
                return True
        return False

    async def _continue(self, dialog_context: Any) -> None:
        command = parse_command(dialog_context.context.activity.text)
        if command in (Command.ORDER, Command.RESUME, Command.RESTART):
            await dialog_context.context.send_activity(texts.ALREADY_ORDERING)
            await dialog_context.reprompt_dialog()
            return
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await self._command(dialog_context, command)

    async def _command(self, dialog_context: Any, command: Command | None) -> None:
        context: TurnContext = dialog_context.context
        who = user_id(context)
        if command in (Command.ORDER, Command.RESTART):
            saved, profile = await self.orders.starting_point(who)
            if command is Command.ORDER and saved is not None:
                await context.send_activity(texts.HAS_DRAFT)
            else:
                await self._start_order(dialog_context, who, profile)
        elif command is Command.RESUME:
            await self._resume_order(dialog_context, who)
        elif command is Command.CANCEL:
            await context.send_activity(texts.NOTHING_TO_CANCEL)
        elif command is Command.HELP:
            await context.send_activity(f"{texts.WELCOME}\n\n{texts.COMMANDS}")
        else:
            await context.send_activity(f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}")

    async def _start_order(self, dialog_context: Any, who: str, profile: Orderer | None) -> None:
        draft = OrderDraft(user_id=who)
        intro = texts.ORDER_START
        if profile is not None:
            draft = draft.model_copy(
                update={
                    "unit": profile.unit,
                    "orderer_name": profile.name,
                    "orderer_phone": profile.phone,
                }
            )
            intro += " " + texts.REMEMBERED_ORDERER.format(
                name=profile.name, unit=profile.unit, phone=format_phone(profile.phone)
            )
        # Saved with this turn's state: a 'nej' to the first question leaves something to resume.
        self.conversation_state.stage_draft(dialog_context.context, draft, self.orders.clock())
        await dialog_context.context.send_activity(intro)
        await dialog_context.begin_dialog(ORDER_ID, draft.model_dump(mode="json"))

    async def _resume_order(self, dialog_context: Any, who: str) -> None:
        draft = await self.orders.load_draft(who)
        if draft is None:
            await dialog_context.context.send_activity(texts.NO_DRAFT)
            return
        await dialog_context.context.send_activity(texts.ORDER_RESUME)
        await dialog_context.begin_dialog(ORDER_ID, draft.model_dump(mode="json"))

    async def forget_refused(self, _uow: UnitOfWork, item: OutboxItem) -> None:
        """A chat refused a message for good: its next turn stores the reference again, so it is reachable."""
        self._stored_references.forget(item.destination)

    async def _remember_conversation(self, turn_context: TurnContext, key: str) -> None:
        fingerprint = reference_fingerprint(turn_context.activity)
        if not key or self._stored_references.is_stored(key, fingerprint):
            return  # serialised only when it changed or is old: most turns end here
        reference = TurnContext.get_conversation_reference(turn_context.activity).serialize()
        reference.pop("activityId", None)  # new every turn, and proactive messages do not use it
        await self.directory.remember(key, user_id(turn_context), reference)
        self._stored_references.note(key, fingerprint)


def reference_fingerprint(activity: Activity) -> tuple[object, ...]:
    """What a stored reference needs to reach the conversation again, and whom it is stored for."""
    conversation, user, bot = activity.conversation, activity.from_property, activity.recipient
    return (
        activity.service_url,
        activity.channel_id,
        activity.locale,
        getattr(conversation, "id", None),
        getattr(conversation, "tenant_id", None),
        getattr(conversation, "conversation_type", None),
        getattr(conversation, "is_group", None),
        getattr(user, "id", None),
        getattr(user, "aad_object_id", None),
        getattr(user, "role", None),
        getattr(bot, "id", None),
        getattr(bot, "role", None),
    )


def _answer_text(text: str | None, value: object) -> str:
    """The typed text, or what an Adaptive Card button submitted as `{"answer": ...}`."""
    if text and text.strip():
        return text.strip()
    if isinstance(value, dict) and isinstance(value.get("answer"), str):
        return value["answer"].strip()
    return ""
