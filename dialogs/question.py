"""A question of a form: which draft field it fills, how it asks, and how it reads the answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot.language.answers import Parser


def always(_draft: BaseModel) -> bool:
    return True


def no_choices(_draft: BaseModel) -> Sequence[str]:
    return ()


def no_acknowledgement(_value: Any) -> str | None:
    return None


def same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Question:
    """One question; `name` is the draft field it fills and its stable id in saved state."""

    name: str
    ask: Callable[[Any], str]
    parse: Parser
    help: str
    applies: Callable[[Any], bool] = always
    choices: Callable[[Any], Sequence[str]] = no_choices
    dialog_id: str | None = None
    stop_unless_true: str | None = None
    acknowledge: Callable[[Any], str | None] = no_acknowledgement
    keep: Callable[[Any], Any] = same  # what of the parsed answer goes into the draft
    card: Callable[[Any], dict[str, Any]] | None = None  # an Adaptive Card shown with the question


def fixed(text: str) -> Callable[[Any], str]:
    """An `ask` that does not depend on the draft."""

    def ask(_draft: Any) -> str:
        return text

    return ask
