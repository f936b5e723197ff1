"""The bot's turn handler: reads each message, continues the running dialog or starts one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ChannelAccount

from bot import texts
from bot.conversations import ConversationDirectory
from bot.language.extraction import extract
from bot.language.order_intent import asks_about_other_matters
from bot.language.small_talk import SmallTalk, small_talk
from bot.language.words import yes_or_no
from bot.orders import OrderService
from bot.outbox import OutboxItem
from bot.store.state_storage import OncePerTurnConversationState
from bot.store.unit_of_work import UnitOfWork
from dialogs import messages
from dialogs.commands import Command, parse_command
from dialogs.form_card import is_form_submit
from dialogs.mentions import without_bot_mention
from dialogs.order_dialog import OrderDialog
from dialogs.order_door import OrderDoor
from dialogs.recent_references import RecentReferences
from dialogs.users import user_id

MAX_MESSAGE_LENGTH = 2000
WELCOME_BUTTONS = (texts.BUTTON_ORDER, texts.BUTTON_FORM)
SMALL_TALK_ANSWERS = {SmallTalk.THANKS: texts.YOU_ARE_WELCOME, SmallTalk.GOODBYE: texts.GOODBYE}


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
        self.door = OrderDoor(conversation_state, orders, order_dialog.categories)

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
            await turn_context.send_activity(_welcome())

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if is_form_submit(activity.value):
            await self._form_submitted(turn_context, activity.value)
            return
        activity.text = _answer_text(without_bot_mention(activity), activity.value)
        if not activity.text:
            await turn_context.send_activity(texts.NO_TEXT)
            return
        if len(activity.text) > MAX_MESSAGE_LENGTH:
            await turn_context.send_activity(texts.TOO_LONG.format(limit=MAX_MESSAGE_LENGTH))
            return
        dialog_context = await self.dialogs.create_context(turn_context)
        if dialog_context.active_dialog is not None:
            await self._in_order(dialog_context, activity.text)
        else:
            await self._outside_order(dialog_context, activity.text)

    async def _form_submitted(self, turn_context: TurnContext, submitted: dict[str, Any]) -> None:
        dialog_context = await self.dialogs.create_context(turn_context)
        if dialog_context.active_dialog is not None:
            await dialog_context.continue_dialog()  # the order dialog reads the form
        else:
            await self.door.form_submitted(dialog_context, submitted)

    async def _in_order(self, dialog_context: Any, text: str) -> None:
        if await self._handled_elsewhere(dialog_context.context, in_dialog=True):
            await dialog_context.reprompt_dialog()  # answered a side question: ask the pending one again
            return
        command = parse_command(text)
        if command in (Command.ORDER, Command.RESUME, Command.RESTART) or self._asks_to_order_again(text):
            await dialog_context.context.send_activity(texts.ALREADY_ORDERING)
            await dialog_context.reprompt_dialog()
            return
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await self._command(dialog_context, command, text)

    async def _outside_order(self, dialog_context: Any, text: str) -> None:
        if await self.door.answer_to_offer(dialog_context, text):
            return
        if self.door.asks_to_order(text):  # before status questions: 'hur beställer jag ett larm?'
            await self.door.start(dialog_context, text)
            return
        if await self._handled_elsewhere(dialog_context.context, in_dialog=False):
            return
        await self._command(dialog_context, parse_command(text), text)

    def _asks_to_order_again(self, text: str) -> bool:
        """Mid-order, 'jag vill beställa ett larm' without details is a new start, not an answer.

        'ja, beställ' at the summary is an answer.
        """
        if yes_or_no(text) is not None or not self.door.asks_to_order(text):
            return False
        return not extract(text, self.orders.clock().date()).values

    async def _handled_elsewhere(self, turn_context: TurnContext, in_dialog: bool) -> bool:
        for handler in self.handlers:
            if await handler.try_handle(turn_context, turn_context.activity.text or "", in_dialog):
                return True
        return False

    async def _command(self, dialog_context: Any, command: Command | None, text: str) -> None:
        context: TurnContext = dialog_context.context
        if command is Command.ORDER:
            await self.door.start(dialog_context)
        elif command is Command.RESTART:
            await self.door.start(dialog_context, restart=True)
        elif command is Command.RESUME:
            await self.door.resume(dialog_context)
        elif command is Command.FORM:
            await self.door.show_form(dialog_context)
        elif command is Command.CANCEL:
            await context.send_activity(texts.NOTHING_TO_CANCEL)
        elif command is Command.HELP:
            await context.send_activity(_welcome())
        else:
            await self._no_command(dialog_context, text)

    async def _no_command(self, dialog_context: Any, text: str) -> None:
        """Small talk, a question the bot cannot answer, a possible order, or words it does not know."""
        context: TurnContext = dialog_context.context
        talk = small_talk(text)
        if talk is SmallTalk.GREETING:
            await context.send_activity(_welcome())
        elif talk is not None:
            await context.send_activity(SMALL_TALK_ANSWERS[talk])
        elif asks_about_other_matters(text):
            await context.send_activity(texts.OTHER_MATTERS)
        elif not await self.door.offer_if_plausible(dialog_context, text):
            await context.send_activity(f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}")

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


def _welcome() -> Activity:
    """What the bot does, with a button to start an order and one for the form."""
    return messages.question(f"{texts.WELCOME}\n\n{texts.COMMANDS}", WELCOME_BUTTONS)


def _answer_text(text: str | None, value: object) -> str:
    """The typed text, or what an Adaptive Card button submitted as `{"answer": ...}`."""
    if text and text.strip():
        return text.strip()
    if isinstance(value, dict) and isinstance(value.get("answer"), str):
        return value["answer"].strip()
    return ""
