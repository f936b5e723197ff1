"""The way into an order: `beställ` or any natural way of asking, with the details the message carries."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import DialogContext

from bot import texts
from bot.categories import Categories
from bot.domain import Orderer
from bot.drafts import OrderDraft
from bot.identity import format_phone
from bot.language.extraction import Extraction
from bot.language.order_intent import OrderIntent, order_intent
from bot.language.words import yes_or_no
from bot.order_form import read_form
from bot.orders import OrderService
from bot.store.state_storage import OncePerTurnConversationState
from dialogs import messages
from dialogs.commands import Command, parse_command
from dialogs.form_card import form_activity
from dialogs.free_text import draft_values, read_order_text, understood_message
from dialogs.order_dialog import ORDER_ID
from dialogs.prerequisites import YES_NO
from dialogs.users import user_id

OFFERED = "order_offered"  # conversation state: last turn's offer, answered (or forgotten) this turn
ASKED = "asked"  # 'Vill du beställa ett trygghetslarm?'
SAVED_DRAFT = "saved_draft"  # 'fortsätt' or 'börja om'
BRUKARE_FIELDS = frozenset({"brukare_name", "personnummer", "street", "postnummer", "phone", "portkod"})
DETAILS_FOR_AN_OFFER = 2  # a message with this many of the brukare's details is probably an order


class OrderDoor:
    """Starts an order, resumes one, or asks once whether the user wants one.

    The offer is kept in the conversation state for one turn, so it survives a restart; the
    message that asked is kept with it, and its details go into the order when it starts.
    """

    def __init__(
        self, conversation_state: OncePerTurnConversationState, orders: OrderService, categories: Categories
    ) -> None:
        self.conversation_state = conversation_state
        self.orders = orders
        self.categories = categories
        self.offered = conversation_state.create_property(OFFERED)

    async def answer_to_offer(self, dialog_context: DialogContext, text: str) -> bool:
        """Handle the answer to last turn's offer; False when `text` is not one (the offer is dropped)."""
        context = dialog_context.context
        offered: dict[str, Any] | None = await self.offered.get(context)
        if offered is None:
            return False
        await self.offered.delete(context)
        if offered["user"] != user_id(context):
            return False
        if offered["kind"] == ASKED:
            return await self._answer_asked(dialog_context, yes_or_no(text), offered["text"])
        if parse_command(text) is Command.RESTART:
            await self.start(dialog_context, offered["text"], restart=True)
            return True
        return False

    def asks_to_order(self, text: str) -> bool:
        """True when `text` asks to start an order in the user's own words (not the command words)."""
        return parse_command(text) is None and order_intent(text) is OrderIntent.ORDER

    async def offer_if_plausible(self, dialog_context: DialogContext, text: str) -> bool:
        """Ask 'Vill du beställa ett trygghetslarm?' when `text` may be an order; False when it is not."""
        plausible = order_intent(text) is OrderIntent.MAYBE or _carries_details(self._read(text))
        if plausible:
            await self._remember(dialog_context.context, ASKED, text)
            await dialog_context.context.send_activity(messages.question(texts.OFFER_ORDER, YES_NO))
        return plausible

    async def start(self, dialog_context: DialogContext, text: str = "", *, restart: bool = False) -> None:
        """A new order with the details in `text`; with a saved draft (unless `restart`), ask first."""
        context = dialog_context.context
        saved, profile = await self.orders.starting_point(user_id(context))
        if saved is not None and not restart:
            await self._remember(context, SAVED_DRAFT, text)
            await context.send_activity(messages.question(texts.HAS_DRAFT, DRAFT_CHOICES))
            return
        await self._begin(dialog_context, profile, self._read(text) if text else None)

    async def show_form(self, dialog_context: DialogContext) -> None:
        """The form card, filled from the saved draft if there is one, else from last time's orderer."""
        context = dialog_context.context
        saved, profile = await self.orders.starting_point(user_id(context))
        draft = saved or _new_draft(user_id(context), profile, None)
        await context.send_activity(form_activity(self.categories, draft.model_dump(mode="json")))

    async def form_submitted(self, dialog_context: DialogContext, submitted: dict[str, Any]) -> None:
        """A valid form starts the order (the preconditions are asked next); else it comes back."""
        reading = read_form(submitted, self.orders.clock().date(), self.categories)
        if reading.errors:
            card = form_activity(self.categories, {}, reading.raw, reading.errors)
            await dialog_context.context.send_activity(card)
            return
        _saved, profile = await self.orders.starting_point(user_id(dialog_context.context))
        await self._begin(dialog_context, profile, Extraction(values=reading.values), report=False)

    async def resume(self, dialog_context: DialogContext) -> None:
        draft = await self.orders.load_draft(user_id(dialog_context.context))
        if draft is None:
            await dialog_context.context.send_activity(texts.NO_DRAFT)
            return
        await dialog_context.context.send_activity(texts.ORDER_RESUME)
        await dialog_context.begin_dialog(ORDER_ID, draft.model_dump(mode="json"))

    async def _answer_asked(self, dialog_context: DialogContext, answer: bool | None, text: str) -> bool:
        if answer is None:
            return False
        if answer:
            await self.start(dialog_context, text)
        else:
            await dialog_context.context.send_activity(texts.OFFER_DECLINED)
        return True

    async def _begin(
        self,
        dialog_context: DialogContext,
        profile: Orderer | None,
        extraction: Extraction | None,
        *,
        report: bool = True,
    ) -> None:
        context = dialog_context.context
        draft = _new_draft(user_id(context), profile, extraction)
        # Saved with this turn's state: a 'nej' to the first question leaves something to resume.
        self.conversation_state.stage_draft(context, draft, self.orders.clock())
        await context.send_activity(_intro(profile))
        carries_values = extraction is not None and bool(extraction.values)  # else it was just the request
        understood = understood_message(extraction) if carries_values and report else None
        if understood is not None:
            await context.send_activity(understood)
        await dialog_context.begin_dialog(ORDER_ID, draft.model_dump(mode="json"))

    async def _remember(self, context: TurnContext, kind: str, text: str) -> None:
        await self.offered.set(context, {"kind": kind, "user": user_id(context), "text": text})

    def _read(self, text: str) -> Extraction:
        return read_order_text(text, self.orders.clock().date(), self.categories)


DRAFT_CHOICES = (texts.BUTTON_RESUME, texts.BUTTON_RESTART)


def _carries_details(extraction: Extraction) -> bool:
    return len(BRUKARE_FIELDS & set(extraction.values)) >= DETAILS_FOR_AN_OFFER


def _new_draft(who: str, profile: Orderer | None, extraction: Extraction | None) -> OrderDraft:
    """A draft with the orderer remembered from last time, and what the message said."""
    values: dict[str, object] = {"user_id": who}
    if profile is not None:
        values.update(unit=profile.unit, orderer_name=profile.name, orderer_phone=profile.phone)
    if extraction is not None:
        values.update(draft_values(extraction))
    return OrderDraft.model_validate(values)


def _intro(profile: Orderer | None) -> str:
    if profile is None:
        return texts.ORDER_START
    remembered = texts.REMEMBERED_ORDERER.format(
        name=profile.name, unit=profile.unit, phone=format_phone(profile.phone)
    )
    return f"{texts.ORDER_START} {remembered}"
