"""The one prompt every form question uses: asks, reads the answer, explains what was wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import (
    Prompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
)
from botbuilder.schema import Activity

from bot import texts
from bot.language.answers import Rejected
from dialogs import messages
from dialogs.question import Question

MISSES_BEFORE_HINT = 3


class Ask(PromptOptions):
    """A question as plain values: its name, text, choices and card; rendered when it is sent.

    The dialog state, saved and loaded every turn, keeps these rather than the rendered activity
    (some forty mostly empty attributes, nested objects, enum members): nearly half the pickling
    work of a turn's state (bench/state_codec.py). It pickles as the four values; botbuilder's
    attempt counter, which nothing reads, is not kept.
    """

    def __init__(
        self, name: str, text: str, choices: Sequence[str] = (), card: dict[str, Any] | None = None
    ) -> None:
        super().__init__(choices=list(choices), validations=name)
        self.text = text
        self.card = card

    def __reduce__(self) -> tuple[object, ...]:
        return (Ask, (self.validations, self.text, self.choices, self.card))

    def activity(self) -> Activity:
        """The question as sent: text, a button per choice, and the card if any."""
        activity = messages.question(self.text, self.choices)
        return activity if self.card is None else messages.with_card(activity, self.card)


def _as_ask(options: PromptOptions) -> Ask:
    """`options` as an Ask, also options holding a rendered prompt (built elsewhere, or saved before Ask)."""
    if isinstance(options, Ask):
        return options
    prompt = options.prompt
    cards = [attachment.content for attachment in prompt.attachments or []]
    return Ask(options.validations, prompt.text, options.choices or [], cards[0] if cards else None)


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
        await turn_context.send_activity(_as_ask(options).activity())

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
        lines = [prompt_context.state.pop("error"), _as_ask(prompt_context.options).text]
        if misses >= MISSES_BEFORE_HINT:
            lines.append(texts.MISSES_HINT)
        choices = prompt_context.options.choices or []
        await prompt_context.context.send_activity(messages.question("\n\n".join(lines), choices))
        return False
