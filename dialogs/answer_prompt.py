"""The one prompt every form question uses: asks, reads the answer, explains what was wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import (
    Prompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
)

from bot import texts
from dialogs import messages
from dialogs.question import Question, Rejected

MISSES_BEFORE_HINT = 3


class AnswerPrompt(Prompt):
    """Reads answers with the question's own parser; `options.validations` names the question."""

    def __init__(self, dialog_id: str, questions: Mapping[str, Question]) -> None:
        super().__init__(dialog_id, self._explain_rejection)
        self.questions = questions

    async def on_prompt(
        self,
        turn_context: TurnContext,
        state: dict[str, Any],
        options: PromptOptions,
        is_retry: bool,
    ) -> None:
        await turn_context.send_activity(options.prompt)

    async def on_recognize(
        self,
        turn_context: TurnContext,
        state: dict[str, Any],
        options: PromptOptions,
    ) -> PromptRecognizerResult:
        question = self.questions[options.validations]
        try:
            value = question.parse(turn_context.activity.text or "", options.choices or [])
        except Rejected as rejected:
            state["error"] = rejected.message
            return PromptRecognizerResult(succeeded=False)
        return PromptRecognizerResult(succeeded=True, value=value)

    async def _explain_rejection(self, prompt_context: PromptValidatorContext) -> bool:
        if prompt_context.recognized.succeeded:
            return True
        misses = prompt_context.state.get("misses", 0) + 1
        prompt_context.state["misses"] = misses
        lines = [prompt_context.state.pop("error"), prompt_context.options.prompt.text]
        if misses >= MISSES_BEFORE_HINT:
            lines.append(texts.MISSES_HINT)
        choices = prompt_context.options.choices or []
        await prompt_context.context.send_activity(messages.question("\n\n".join(lines), choices))
        return False
