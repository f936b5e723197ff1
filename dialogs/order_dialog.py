"""The ordering conversation: the order form, its interruptions (hjälp, tillbaka, avbryt), filing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogContext,
    DialogInstance,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from pydantic import BaseModel

from bot import texts
from bot.cards import contacts_text
from bot.categories import Categories
from bot.drafts import ContactDraft, OrderDraft
from bot.language.words import yes_or_no
from bot.order_form import read_form
from bot.orders import OrderService
from bot.store.state_storage import OncePerTurnConversationState
from dialogs import access, brukare, category, contacts, orderer, prerequisites, summary
from dialogs.answer_prompt import AnswerPrompt
from dialogs.commands import Command, parse_command
from dialogs.form import BACK, FormDialog, is_navigation
from dialogs.form_card import form_activity, is_form_submit
from dialogs.free_text import Fill, merged_draft, pending_question, read_free_text
from dialogs.messages import question
from dialogs.question import Question
from dialogs.users import user_id

ORDER_ID = "order"
STEPS_ID = f"{ORDER_ID}.steps"
FORM_ID = "order.form"
PROMPT_ID = "order.answer"
CONFIRMING_CANCEL = "confirming_cancel"


class OrderDialog(ComponentDialog):
    """Fills an OrderDraft question by question, saving it after every answer, then files it.

    The draft is saved with the turn's state (one write per turn, both or neither).
    """

    def __init__(
        self,
        orders: OrderService,
        state: OncePerTurnConversationState,
        categories: Categories,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(ORDER_ID)
        self.orders = orders
        self.state = state  # saves the draft after every answer, with the turn's state
        self.clock = clock
        self.categories = categories
        order_questions = self._questions(categories, clock)
        contact_questions = contacts.contact_questions()
        self.add_dialog(WaterfallDialog(STEPS_ID, [self._fill_step, self._finish_step]))
        self.add_dialog(
            FormDialog(
                FORM_ID,
                OrderDraft,
                order_questions,
                PROMPT_ID,
                on_answer=self._save_draft,
                back_at_start=texts.BACK_AT_FIRST,
            )
        )
        self.add_dialog(AnswerPrompt(PROMPT_ID, {q.name: q for q in order_questions}))
        self.add_dialog(contacts.ContactsDialog())
        self.add_dialog(
            FormDialog(
                contacts.CONTACT_FORM_ID,
                ContactDraft,
                contact_questions,
                contacts.CONTACT_PROMPT_ID,
            )
        )
        contact_registry = {q.name: q for q in [*contact_questions, contacts.MORE]}
        self.add_dialog(AnswerPrompt(contacts.CONTACT_PROMPT_ID, contact_registry))
        self.initial_dialog_id = STEPS_ID

    @staticmethod
    def _questions(categories: Categories, clock: Callable[[], datetime]) -> list[Question]:
        return [
            *prerequisites.questions(clock),
            *orderer.questions(),
            *brukare.questions(lambda: clock().date()),
            *access.questions(),
            contacts.question(),
            *category.questions(categories),
            summary.question(),
        ]

    async def _fill_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.begin_dialog(FORM_ID, step.options)

    async def _finish_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if is_navigation(step.result, "stop"):
            await step.context.send_activity(step.result["text"])
            return await step.end_dialog()
        draft = OrderDraft.model_validate(step.result)
        order = await self.orders.file(draft, step.context.activity.conversation.id)
        self.state.unstage_draft(step.context)  # filing removed the draft: keep it removed
        who = contacts_text(order.details.contacts, order.orderer)
        await step.context.send_activity(texts.FILED.format(reference=order.reference, contacts=who))
        return await step.end_dialog(order.reference)

    async def _save_draft(self, context: TurnContext, draft: BaseModel) -> None:
        assert isinstance(draft, OrderDraft)  # the order form's model
        self.state.stage_draft(context, draft, self.clock())

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        state = inner_dc.parent.active_dialog.state
        text = inner_dc.context.activity.text
        if state.get(CONFIRMING_CANCEL):
            return await self._answer_cancel(inner_dc, state, yes_or_no(text))
        submitted = inner_dc.context.activity.value
        if is_form_submit(submitted):
            return await self._form_submitted(inner_dc, submitted)
        handled = await self._command(inner_dc, state, parse_command(text))
        if handled is None:
            handled = await self._free_text(inner_dc, text or "")
        return handled if handled is not None else await super().on_continue_dialog(inner_dc)

    async def _command(
        self, inner_dc: DialogContext, state: dict[str, object], command: Command | None
    ) -> DialogTurnResult | None:
        """The words that work at every question: formulär, avbryt, hjälp, tillbaka."""
        if command is Command.FORM:
            await inner_dc.context.send_activity(form_activity(self.categories, self._draft(inner_dc)))
            return Dialog.end_of_turn
        if command is Command.CANCEL:
            state[CONFIRMING_CANCEL] = True
            await inner_dc.context.send_activity(question(texts.ASK_CANCEL, prerequisites.YES_NO))
            return Dialog.end_of_turn
        if command is Command.HELP:
            await inner_dc.context.send_activity(await self._help(inner_dc))
            await inner_dc.reprompt_dialog()
            return Dialog.end_of_turn
        if command is Command.BACK:
            return await inner_dc.end_dialog(BACK)
        return None

    async def _free_text(self, inner_dc: DialogContext, text: str) -> DialogTurnResult | None:
        """Several fields in one answer, or a correction: applied at once; None lets the question read it."""
        pending = pending_question(inner_dc)
        if pending is None or not text:
            return None
        fill = read_free_text(text, self.clock().date(), self.categories, pending)
        return None if fill is None else await self.apply(inner_dc, fill)

    async def apply(self, inner_dc: DialogContext, fill: Fill) -> DialogTurnResult:
        """Put the fill into the draft, say what was understood, and ask the first question still open."""
        if fill.refusal is not None:
            await inner_dc.context.send_activity(fill.refusal)
            await inner_dc.reprompt_dialog()
            return Dialog.end_of_turn
        draft = OrderDraft.model_validate(merged_draft(inner_dc, self._draft(inner_dc), fill))
        self.state.stage_draft(inner_dc.context, draft, self.clock())
        await inner_dc.cancel_all_dialogs()
        if fill.report is not None:
            await inner_dc.context.send_activity(fill.report)
        return await inner_dc.begin_dialog(STEPS_ID, draft.model_dump(mode="json"))

    async def _form_submitted(self, inner_dc: DialogContext, submitted: dict[str, Any]) -> DialogTurnResult:
        """A valid form fills the draft; one with errors comes back with the values kept."""
        reading = read_form(submitted, self.clock().date(), self.categories)
        if reading.errors:
            card = form_activity(self.categories, self._draft(inner_dc), reading.raw, reading.errors)
            await inner_dc.context.send_activity(card)
            return Dialog.end_of_turn
        return await self.apply(inner_dc, Fill(values=reading.values))

    @staticmethod
    def _draft(inner_dc: DialogContext) -> dict[str, Any]:
        """The order form's draft as JSON: the answers so far."""
        form = next(instance for instance in inner_dc.stack if instance.id == FORM_ID)
        return form.state["draft"]

    async def reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        """Ask the pending question again: while a cancel awaits its ja/nej, that question."""
        if instance.state.get(CONFIRMING_CANCEL):
            await context.send_activity(question(texts.ASK_CANCEL, prerequisites.YES_NO))
            return
        await super().reprompt_dialog(context, instance)

    async def _answer_cancel(
        self, inner_dc: DialogContext, state: dict[str, object], answer: bool | None
    ) -> DialogTurnResult:
        context = inner_dc.context
        if answer is None:
            ask_again = f"{texts.ERR_YES_NO} {texts.ASK_CANCEL}"
            await context.send_activity(question(ask_again, prerequisites.YES_NO))
            return Dialog.end_of_turn
        del state[CONFIRMING_CANCEL]
        if answer:
            await self.orders.discard_draft(user_id(context))
            await context.send_activity(texts.CANCELLED)
            return await inner_dc.cancel_all_dialogs()
        await context.send_activity(texts.NOT_CANCELLED)
        await inner_dc.reprompt_dialog()
        return Dialog.end_of_turn

    @staticmethod
    async def _help(inner_dc: DialogContext) -> str:
        active = inner_dc.active_dialog
        prompt = await inner_dc.find_dialog(active.id)
        if not isinstance(prompt, AnswerPrompt):
            return texts.COMMANDS
        return prompt.questions[active.state["options"].validations].help
