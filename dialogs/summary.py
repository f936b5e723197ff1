"""The summary: all answers as text and card, 'Stämmer uppgifterna?', and `ändra <fält>`."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.cards import facts_card, facts_text, order_facts
from bot.drafts import OrderDraft
from bot.language.answers import Rejected
from bot.language.words import fold, match_choice, yes_or_no
from dialogs.form import edit
from dialogs.question import Question

EDITABLE: dict[str, tuple[str, ...]] = {
    texts.EDIT_BRUKARE_NAME: ("brukare_name",),
    texts.EDIT_PERSONNUMMER: ("personnummer",),
    texts.EDIT_ADDRESS: ("street", "postnummer", "ort"),
    texts.EDIT_POSTNUMMER: ("postnummer",),
    texts.EDIT_ORT: ("ort",),
    texts.EDIT_PHONE: ("phone",),
    texts.EDIT_PORTKOD: ("portkod",),
    texts.EDIT_OUTER_DOOR: ("outer_door_tag_needed", "outer_door_tag_collected"),
    texts.EDIT_CONTACTS: ("contacts",),
    texts.EDIT_CATEGORY: ("rubrik", "underrubrik"),
    texts.EDIT_UNIT: ("unit",),
    texts.EDIT_ORDERER_NAME: ("orderer_name",),
    texts.EDIT_ORDERER_PHONE: ("orderer_phone",),
}
EDIT_WORD = "andra"
SEND_WORDS = frozenset({"skicka", "skicka in", "skicka den", "skicka ivag", "ja skicka"})  # folded
FIELD_LIST = ", ".join(EDITABLE)


def _facts(draft: OrderDraft) -> list[tuple[str, str]]:
    return order_facts(draft.details(), draft.orderer(), reveal=True)


def ask(draft: OrderDraft) -> str:
    return f"{facts_text(texts.SUMMARY_TITLE, _facts(draft))}\n\n{texts.ASK_CONFIRM}"


def card(draft: OrderDraft) -> dict[str, object]:
    buttons = [(texts.BUTTON_SEND, texts.BUTTON_YES)]
    buttons += [(f"Ändra {word}", f"ändra {word}") for word in list(EDITABLE)[:6]]
    return facts_card(texts.SUMMARY_TITLE, _facts(draft), buttons)


def parse(text: str, _choices: Sequence[str] = ()) -> object:
    """True to send; an edit request for `ändra <fält>`; otherwise a hint."""
    first, _, rest = text.strip().partition(" ")
    if fold(first) == EDIT_WORD:
        return _edit(rest.strip())
    if yes_or_no(text) or fold(text) in SEND_WORDS:
        return True
    raise Rejected(texts.ERR_CONFIRM.format(fields=FIELD_LIST))


def _edit(field: str) -> object:
    chosen = match_choice(field, list(EDITABLE))
    if chosen is None:
        raise Rejected(texts.ERR_EDIT_FIELD.format(field=field, fields=FIELD_LIST))
    return edit(*EDITABLE[chosen])


def question() -> Question:
    return Question(
        "confirmed",
        ask,
        parse,
        texts.HELP_CONFIRM.format(fields=FIELD_LIST),
        choices=lambda _draft: (texts.BUTTON_YES,),
        card=card,
    )
