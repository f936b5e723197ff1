"""A dialog that fills a draft by asking its unanswered questions in order, with back and edit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogReason, DialogTurnResult
from pydantic import BaseModel

from dialogs.answer_prompt import Ask
from dialogs.question import Question

BACK = {"navigate": "back"}
OnAnswer = Callable[[TurnContext, BaseModel], Awaitable[None]]


def stopped(text: str) -> dict[str, str]:
    """The result of a form stopped by a 'nej' to a question that requires a 'ja'."""
    return {"navigate": "stop", "text": text}


def edit(*names: str) -> dict[str, Any]:
    """An answer that asks the form to clear these fields and ask them again."""
    return {"navigate": "edit", "fields": list(names)}


def is_navigation(result: object, kind: str) -> bool:
    return isinstance(result, dict) and result.get("navigate") == kind


async def _ignore_answer(_context: TurnContext, _draft: BaseModel) -> None:
    return None


class FormDialog(Dialog):
    """Asks each applicable, unanswered question of a draft model; ends with the filled draft.

    The dialog state keeps the draft as JSON and the names answered, so saved conversations
    survive code changes that keep field names (no step indexes as in a waterfall).
    """

    def __init__(
        self,
        dialog_id: str,
        model: type[BaseModel],
        questions: Sequence[Question],
        prompt_id: str,
        on_answer: OnAnswer = _ignore_answer,
        back_at_start: str | None = None,
    ) -> None:
        super().__init__(dialog_id)
        self.model = model
        self.questions = list(questions)
        self.prompt_id = prompt_id
        self.on_answer = on_answer
        self.back_at_start = back_at_start  # said at the first question; None ends with BACK

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None):
        draft = self.model.model_validate(options or {})
        answered = [q.name for q in self.questions if getattr(draft, q.name) is not None and q.applies(draft)]
        dialog_context.active_dialog.state.update(draft=draft.model_dump(mode="json"), history=answered)
        return await self._ask_next(dialog_context)

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        return await self._ask_next(dialog_context)

    async def resume_dialog(
        self, dialog_context: DialogContext, reason: DialogReason, result: object = None
    ) -> DialogTurnResult:
        state = dialog_context.active_dialog.state
        if is_navigation(result, "back"):
            return await self._go_back(dialog_context)
        if is_navigation(result, "edit"):
            self._clear(state, result["fields"])  # type: ignore[index]
            return await self._ask_next(dialog_context)
        question = self._by_name(state["current"])
        if question.stop_unless_true and result is False:
            return await dialog_context.end_dialog(stopped(question.stop_unless_true))
        return await self._store(dialog_context, question, result)

    async def _store(
        self, dialog_context: DialogContext, question: Question, value: object
    ) -> DialogTurnResult:
        state = dialog_context.active_dialog.state
        state["draft"][question.name] = _as_json(question.keep(value))
        state["history"].append(question.name)
        await self.on_answer(dialog_context.context, self._draft(state))
        acknowledgement = question.acknowledge(value)
        if acknowledgement:
            await dialog_context.context.send_activity(acknowledgement)
        return await self._ask_next(dialog_context)

    async def _go_back(self, dialog_context: DialogContext) -> DialogTurnResult:
        state = dialog_context.active_dialog.state
        if not state["history"] and self.back_at_start is None:
            return await dialog_context.end_dialog(BACK)
        if not state["history"]:
            await dialog_context.context.send_activity(self.back_at_start)
            return await self._ask_next(dialog_context)
        self._clear(state, [state["history"][-1]])
        return await self._ask_next(dialog_context)

    async def _ask_next(self, dialog_context: DialogContext) -> DialogTurnResult:
        state = dialog_context.active_dialog.state
        draft = self._draft(state)
        question = self.next_question(draft)
        if question is None:
            return await dialog_context.end_dialog(draft)
        state["current"] = question.name
        if question.dialog_id:
            return await dialog_context.begin_dialog(question.dialog_id, state["draft"][question.name])
        card = question.card(draft) if question.card is not None else None
        ask = Ask(question.name, question.ask(draft), question.choices(draft), card)
        return await dialog_context.begin_dialog(self.prompt_id, ask)

    def next_question(self, draft: BaseModel) -> Question | None:
        for question in self.questions:
            if getattr(draft, question.name) is None and question.applies(draft):
                return question
        return None

    def current_question(self, dialog_context: DialogContext) -> Question:
        return self._by_name(dialog_context.active_dialog.state["current"])

    def _draft(self, state: dict[str, Any]) -> BaseModel:
        return self.model.model_validate(state["draft"])

    def _by_name(self, name: str) -> Question:
        return next(question for question in self.questions if question.name == name)

    @staticmethod
    def _clear(state: dict[str, Any], names: Sequence[str]) -> None:
        for name in names:
            state["draft"][name] = None
        state["history"] = [name for name in state["history"] if name not in names]


def _as_json(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value
