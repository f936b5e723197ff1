"""Booking contacts for the installation: one or more of brukare, närstående and the unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botbuilder.dialogs import Dialog, DialogContext, DialogReason, DialogTurnResult

from bot import texts
from bot.domain import ContactKind
from bot.drafts import ContactDraft
from bot.language import answers
from bot.language.lexicon import RELATIONS, fold_keep_length
from dialogs.answer_prompt import Ask
from dialogs.form import BACK, is_navigation
from dialogs.prerequisites import YES_NO, yes_no_choices
from dialogs.question import Question, fixed

CONTACTS_ID = "order.contacts"
CONTACT_FORM_ID = "order.contact"
CONTACT_PROMPT_ID = "order.contact.answer"
KIND_WORDS = {
    texts.CONTACT_BRUKARE: ContactKind.BRUKARE,
    "närstående": ContactKind.NARSTAENDE,
    texts.CONTACT_VERKSAMHET: ContactKind.VERKSAMHET,
}
MORE = Question(
    "more",
    fixed(texts.ASK_MORE_CONTACTS),
    answers.yes_no,
    texts.HELP_MORE_CONTACTS,
    choices=yes_no_choices,
)


def _kind_choices(_draft: Any) -> Sequence[str]:
    return list(KIND_WORDS)


def _kind(text: str, choices: Sequence[str]) -> ContactKind:
    """One of the choices; a relation word ('dottern', 'god man') means a närstående."""
    try:
        return KIND_WORDS[answers.choice(text, choices)]
    except answers.Rejected:
        if _names_a_relation(text):
            return ContactKind.NARSTAENDE
        raise


def _names_a_relation(text: str) -> bool:
    words = fold_keep_length(text).split()
    pairs = (" ".join(words[i : i + 2]) for i in range(len(words)))
    return any(word in RELATIONS for word in [*words, *pairs])


def _is_narstaende(draft: ContactDraft) -> bool:
    return draft.kind is ContactKind.NARSTAENDE


def contact_questions() -> list[Question]:
    return [
        Question(
            "kind",
            fixed(texts.ASK_CONTACT_KIND),
            _kind,
            texts.HELP_CONTACT_KIND,
            choices=_kind_choices,
        ),
        Question(
            "name",
            fixed(texts.ASK_CONTACT_NAME),
            answers.full_name,
            texts.HELP_CONTACT_NAME,
            applies=_is_narstaende,
        ),
        Question(
            "relation",
            fixed(texts.ASK_CONTACT_RELATION),
            answers.free_text,
            texts.HELP_CONTACT_RELATION,
            applies=_is_narstaende,
        ),
        Question(
            "phone",
            fixed(texts.ASK_CONTACT_PHONE),
            answers.phone,
            texts.HELP_PHONE,
            applies=_is_narstaende,
        ),
    ]


def question() -> Question:
    """The order form's question that this dialog answers with the list of contacts."""
    return Question(
        "contacts", fixed(texts.ASK_CONTACT_KIND), answers.free_text, texts.HELP_CONTACT_KIND,
        dialog_id=CONTACTS_ID,
    )  # fmt: skip


class ContactsDialog(Dialog):
    """Asks for one contact at a time until the user says there are no more."""

    def __init__(self) -> None:
        super().__init__(CONTACTS_ID)

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None):
        dialog_context.active_dialog.state["contacts"] = []
        return await dialog_context.begin_dialog(CONTACT_FORM_ID)

    async def resume_dialog(
        self, dialog_context: DialogContext, reason: DialogReason, result: object = None
    ) -> DialogTurnResult:
        contacts: list[dict[str, Any]] = dialog_context.active_dialog.state["contacts"]
        if is_navigation(result, "back"):
            return await self._back(dialog_context, contacts)
        if isinstance(result, bool):
            return await self._more_or_done(dialog_context, contacts, more=result)
        contacts.append(ContactDraft.model_validate(result).model_dump(mode="json"))
        return await self._ask_more(dialog_context)

    async def _more_or_done(
        self, dialog_context: DialogContext, contacts: list[dict[str, Any]], *, more: bool
    ) -> DialogTurnResult:
        if more:
            return await dialog_context.begin_dialog(CONTACT_FORM_ID)
        return await dialog_context.end_dialog(contacts)

    async def _back(self, dialog_context: DialogContext, contacts: list[dict[str, Any]]) -> DialogTurnResult:
        if not contacts:
            return await dialog_context.end_dialog(BACK)
        contacts.pop()
        return await dialog_context.begin_dialog(CONTACT_FORM_ID)

    async def _ask_more(self, dialog_context: DialogContext) -> DialogTurnResult:
        options = Ask(MORE.name, texts.ASK_MORE_CONTACTS, YES_NO)
        return await dialog_context.begin_dialog(CONTACT_PROMPT_ID, options)
