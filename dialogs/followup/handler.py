"""A MessageHandler for commands on filed orders: 'ändra VT-…', 'avbeställ', 'vänta', 'meddela', 'svar', …"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from botbuilder.core import TurnContext

from bot import texts
from bot.domain import TeamMember
from bot.followup.fields import (
    ChangeField,
    DetailsChange,
    ValueRejected,
    choices,
    field_named,
    read_change,
    read_value,
    shown,
)
from bot.followup.history import history_text
from bot.followup.service import FollowUpService
from bot.language import answers
from bot.language.answers import Rejected
from bot.language.followup_commands import FollowUpCommand, FollowUpVerb, parse_followup
from bot.language.implied_followups import implied_followup
from bot.language.order_intent import asks_about_other_matters
from bot.language.pause_dates import read_pause
from bot.language.words import yes_or_no
from bot.workflow import NotAllowed
from dialogs import messages
from dialogs.followup.pending import Pending, PendingQuestions, Step
from dialogs.followup.replies import is_something_else, is_stop
from dialogs.users import user_id

Action = Callable[[TurnContext, TeamMember, FollowUpCommand], Awaitable[None]]
References = Callable[[TurnContext], Awaitable[str]]  # the order a conversation is about: its thread's
WITHOUT_ORDER_NOT_OURS = frozenset({FollowUpVerb.ASK, FollowUpVerb.ANSWER, FollowUpVerb.UNDO})
NEEDS_TEXT = {
    FollowUpVerb.CANCEL: texts.CANCEL_ASK_REASON,
    FollowUpVerb.MESSAGE: texts.MESSAGE_ASK_TEXT,
    FollowUpVerb.ANSWER: texts.ANSWER_ASK_TEXT,
    FollowUpVerb.ASK: texts.ASK_ASK_TEXT,
}
YES_NO = (texts.BUTTON_YES, texts.BUTTON_NO)
CHANGING = frozenset({FollowUpVerb.CHANGE, FollowUpVerb.CANCEL, FollowUpVerb.PAUSE})
CHECKED_FIRST = CHANGING | {FollowUpVerb.MESSAGE, FollowUpVerb.ANSWER}  # they may ask before acting


class FollowUpHandler:
    """Acts on filed orders for their unit and the team; asks for what is missing, one step per turn."""

    def __init__(
        self, service: FollowUpService, pending: PendingQuestions, thread_reference: References
    ) -> None:
        self.service = service
        self.pending = pending
        self.thread_reference = thread_reference
        self.actions: dict[FollowUpVerb, Action] = {
            FollowUpVerb.CHANGE: self._change,
            FollowUpVerb.CANCEL: self._cancel,
            FollowUpVerb.PAUSE: self._pause,
            FollowUpVerb.MESSAGE: self._message,
            FollowUpVerb.HISTORY: self._history,
            FollowUpVerb.ANSWER: self._answer,
            FollowUpVerb.UNDO: self._undo,
            FollowUpVerb.ASK: self._team_question,
        }

    async def try_handle(self, context: TurnContext, text: str, in_dialog: bool) -> bool:
        command = parse_followup(text) or implied_followup(text, self.service.today())
        if in_dialog:  # mid-order, words answer the order's questions: only 'svar VT-… …' and such act
            return bool(command and command.reference) and await self._command(context, command, text)
        pending = await self.pending.get(context, user_id(context))
        if pending is not None and (command is None or not command.reference):
            await self.pending.forget(context)
            return await self._continue(context, pending, text)
        return command is not None and await self._command(context, command, text)

    async def answer(self, context: TurnContext, reference: str, text: str) -> None:
        """`text`, written in the orderer's conversation, answers the team's question about `reference`."""
        actor = await self._actor(context)
        await self._acting(context, lambda: self._answered(context, actor, reference, text))

    async def _command(self, context: TurnContext, command: FollowUpCommand, text: str) -> bool:
        """Run `command`; False when the message is not ours after all (see _with_reference)."""
        found = await self._with_reference(context, command, text)
        if found is None:
            return False
        await self.pending.forget(context)
        await self._run(context, await self._actor(context), found)
        return True

    async def _with_reference(
        self, context: TurnContext, command: FollowUpCommand, text: str
    ) -> FollowUpCommand | None:
        """The command with the order it is about, written or implied; None when the message is not
        ours: a question, an answer or an undo about no order, or a fault or an installed alarm."""
        reference = command.reference or await self._implied_reference(context, command.verb)
        if reference:
            return FollowUpCommand(command.verb, reference, command.argument)
        if command.verb in WITHOUT_ORDER_NOT_OURS:
            return None
        if asks_about_other_matters(text) and command.verb is not FollowUpVerb.CANCEL:
            return None
        return command

    async def _implied_reference(self, context: TurnContext, verb: FollowUpVerb) -> str:
        """The order meant when none is written: the thread's; for an answer, the one whose question
        waits here; for 'ångra', the one answered last here."""
        in_thread = await self.thread_reference(context)
        if in_thread:
            return in_thread
        if verb is FollowUpVerb.UNDO:
            return await self.pending.answered(context, user_id(context))
        if verb is FollowUpVerb.ANSWER:
            waiting = await self.service.answerable_in(context.activity.conversation.id)
            return waiting[0] if waiting else ""
        return ""

    async def _run(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        if not command.reference:
            need = (
                texts.CANCEL_NEED_REFERENCE
                if command.verb is FollowUpVerb.CANCEL
                else texts.FOLLOWUP_NEED_REFERENCE
            )
            await context.send_activity(need.format(verb=command.verb.value))
        else:
            await self._acting(context, lambda: self._checked(context, actor, command))

    async def _checked(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        """The command, once the actor may act on the order (and it may still change): only then is
        anything asked for."""
        if command.verb in CHECKED_FIRST:
            await self.service.check(
                command.reference, actor, command.verb.name.lower(), command.verb in CHANGING
            )
        if command.verb in NEEDS_TEXT and not command.argument:
            ask = NEEDS_TEXT[command.verb].format(reference=command.reference)
            await self._ask_for(context, actor, command, Step.TEXT, ask)
            return
        await self.actions[command.verb](context, actor, command)

    async def _acting(self, context: TurnContext, action: Callable[[], Awaitable[None]]) -> None:
        """Run `action`; a refusal or a value that does not fit is answered, and changes nothing."""
        try:
            await action()
        except (NotAllowed, Rejected) as refusal:
            await context.send_activity(refusal.message)

    async def _actor(self, context: TurnContext) -> TeamMember:
        sender = context.activity.from_property
        return await self.service.actor(user_id(context), sender.name if sender and sender.name else "")

    # --- the commands --------------------------------------------------------------------------

    async def _change(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        try:
            change = read_change(command.argument, self.service.today()) if command.argument else None
        except ValueRejected as rejected:  # the field is known: its value is asked for again
            await self._ask_value(context, actor, command.reference, rejected.field, rejected.message)
            return
        if change is None:
            lead = texts.CHANGE_FIELD_UNKNOWN if command.argument else ""
            await self._ask_field(context, actor, command.reference, lead)
        elif not change.values:
            await self._ask_value(context, actor, command.reference, change.field)
        else:
            await self._changed(context, actor, command.reference, change)

    async def _cancel(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        """A cancellation cannot be undone: the reason is said back, and a yes makes it."""
        reason = answers.message_text(command.argument)
        confirm = texts.CANCEL_CONFIRM.format(reference=command.reference, reason=reason)
        pending = Pending(
            user=actor.user_id, verb=command.verb, reference=command.reference, step=Step.CONFIRM, text=reason
        )
        await self.pending.keep(context, pending)
        await context.send_activity(messages.question(confirm, YES_NO))

    async def _pause(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        try:
            request = read_pause(command.argument, self.service.today())
        except Rejected as rejected:  # no date, or one that will not do: asked for again
            hint = (
                rejected.message
                if command.argument
                else texts.PAUSE_ASK_DATE.format(reference=command.reference)
            )
            await self._ask_for(context, actor, command, Step.DATE, hint)
            return
        if not request.reason:
            ask = texts.PAUSE_ASK_REASON.format(reference=command.reference)
            await self._ask_for(context, actor, command, Step.PAUSE_REASON, ask, request.until.isoformat())
            return
        await self._paused(context, actor, command.reference, request.until, request.reason)

    async def _message(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        await self.service.message(command.reference, actor, answers.message_text(command.argument))
        await context.send_activity(texts.MESSAGE_SENT.format(reference=command.reference))

    async def _history(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        order, events = await self.service.history(command.reference, actor)
        await context.send_activity(history_text(order, events))

    async def _answer(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        await self._answered(context, actor, command.reference, command.argument)

    async def _answered(self, context: TurnContext, actor: TeamMember, reference: str, text: str) -> None:
        await self.service.answer(reference, actor, answers.message_text(text))
        await self.pending.remember_answer(context, actor.user_id, reference)
        reply = texts.ANSWER_SENT.format(reference=reference, seconds=int(self.service.undo_seconds))
        await context.send_activity(messages.question(reply, [f"{texts.BUTTON_UNDO} {reference}"]))

    async def _undo(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        await self.service.undo_answer(command.reference, actor)
        await context.send_activity(texts.UNDO_DONE.format(reference=command.reference))

    async def _team_question(self, context: TurnContext, actor: TeamMember, command: FollowUpCommand) -> None:
        order = await self.service.ask(command.reference, actor, answers.message_text(command.argument))
        await context.send_activity(texts.ASK_SENT.format(reference=order.reference, unit=order.orderer.unit))

    # --- asking for what is missing, and the answer ---------------------------------------------

    async def _ask_for(
        self,
        context: TurnContext,
        actor: TeamMember,
        command: FollowUpCommand,
        step: Step,
        question: str,
        until: str | None = None,
    ) -> None:
        """Ask `question` for what the command lacks; the next message in this conversation answers it."""
        pending = Pending(
            user=actor.user_id, verb=command.verb, reference=command.reference, step=step, until=until
        )
        await self.pending.keep(context, pending)
        await context.send_activity(question)

    async def _ask_field(self, context: TurnContext, actor: TeamMember, reference: str, lead: str) -> None:
        pending = Pending(user=actor.user_id, verb=FollowUpVerb.CHANGE, reference=reference, step=Step.FIELD)
        await self.pending.keep(context, pending)
        ask = f"{lead} {texts.CHANGE_WHICH_FIELD.format(reference=reference)}".strip()
        await context.send_activity(messages.question(ask, [field.value for field in ChangeField]))

    async def _ask_value(
        self, context: TurnContext, actor: TeamMember, reference: str, field: ChangeField, lead: str = ""
    ) -> None:
        pending = Pending(
            user=actor.user_id,
            verb=FollowUpVerb.CHANGE,
            reference=reference,
            step=Step.VALUE,
            field=field.value,
        )
        await self.pending.keep(context, pending)
        ask = lead or texts.CHANGE_ASK_VALUE[field]
        await context.send_activity(messages.question(ask, choices(field)))

    async def _continue(self, context: TurnContext, pending: Pending, text: str) -> bool:
        """The answer to last turn's question. A stop changes nothing; another kind of message is
        left to the other handlers (False); one that does not fit is answered and asked again."""
        dropped = texts.FOLLOWUP_DROPPED.format(reference=pending.reference)
        if is_stop(text) or (pending.step is Step.CONFIRM and yes_or_no(text) is not True):
            await context.send_activity(dropped)
            return True
        if is_something_else(text, pending.step, self.service.today()):
            await context.send_activity(dropped)
            return False
        try:
            await self._step(context, await self._actor(context), pending, text)
        except Rejected as rejected:
            await self.pending.keep(context, pending)
            await context.send_activity(rejected.message)
        except NotAllowed as refusal:
            await context.send_activity(refusal.message)
        return True

    async def _step(self, context: TurnContext, actor: TeamMember, pending: Pending, text: str) -> None:
        reference = pending.reference
        if pending.step is Step.FIELD:
            await self._field_chosen(context, pending, text)
        elif pending.step is Step.VALUE:
            change = read_value(ChangeField(pending.field), text, self.service.today())
            await self._changed(context, actor, reference, change)
        elif pending.step is Step.PAUSE_REASON:
            until = date.fromisoformat(pending.until or "")
            await self._paused(context, actor, reference, until, answers.message_text(text))
        elif pending.step is Step.CONFIRM:
            await self.service.cancel(reference, actor, pending.text or "")
            await context.send_activity(texts.CANCEL_DONE.format(reference=reference))
        else:
            await self.actions[pending.verb](context, actor, FollowUpCommand(pending.verb, reference, text))

    async def _field_chosen(self, context: TurnContext, pending: Pending, text: str) -> None:
        """The part to change, named in any of staff's words; a value written with it
        ('telefon 070-…') is taken at once."""
        argument = text if read_change(text, self.service.today()) is not None else field_named(text).value
        await self._change(
            context,
            await self._actor(context),
            FollowUpCommand(FollowUpVerb.CHANGE, pending.reference, argument),
        )

    async def _changed(
        self, context: TurnContext, actor: TeamMember, reference: str, change: DetailsChange
    ) -> None:
        order = await self.service.change(reference, actor, change)
        value = shown(change.field, order.details, order.orderer, reveal=True)
        await context.send_activity(
            texts.CHANGE_DONE.format(reference=reference, field=change.field.value, value=value)
        )

    async def _paused(
        self, context: TurnContext, actor: TeamMember, reference: str, until: date, reason: str
    ) -> None:
        await self.service.pause(reference, actor, until, reason)
        await context.send_activity(
            texts.PAUSE_DONE.format(reference=reference, until=texts.date_text(until))
        )
