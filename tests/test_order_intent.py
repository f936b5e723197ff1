"""order_intent: the openers staff write, status questions, the command words, codes and hostile text."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.language.order_intent import OrderIntent, asks_about_other_matters, order_intent
from bot.language.status_questions import recognise
from dialogs.commands import WORDS as COMMAND_WORDS
from dialogs.commands import Command
from tests.support.testdata import FICTIONAL_LANDLINES, FICTIONAL_MOBILES, TEST_PERSONNUMMER

DATA = Path(__file__).parent / "data"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


OPENERS: list[dict[str, str]] = _json(DATA / "openers.json")  # text, intent, note
STATUS_PHRASES: list[dict[str, Any]] = _json(DATA / "status_phrases.json")["phrases"]
CATEGORIES: dict[str, list[str]] = _json(Path(__file__).parents[1] / "bot" / "lindesk_categories.json")[
    "rubriker"
]
ORDERS = [opener["text"] for opener in OPENERS if opener["intent"] == "order"]
TODAY = date(2026, 11, 26)
PERSONNUMMER = re.compile(r"(?<![\d-])(\d{6}|\d{8})[-+]?(\d{4})(?![\d-])")
PHONE = re.compile(r"(?<![\d-])0\d{1,2}-[\d ]*\d")


@pytest.mark.parametrize(
    ("text", "intent"), [(opener["text"], opener["intent"]) for opener in OPENERS], ids=lambda v: v[:50]
)
def test_each_opener_is_read_as_its_intent(text: str, intent: str) -> None:
    assert order_intent(text) is OrderIntent(intent)


def test_the_corpus_is_varied_and_uses_only_test_numbers() -> None:
    counts = {intent: sum(opener["intent"] == intent for opener in OPENERS) for intent in OrderIntent}
    assert counts[OrderIntent.ORDER] >= 55 and counts[OrderIntent.NONE] >= 45
    assert counts[OrderIntent.MAYBE] >= 10
    assert len({opener["text"] for opener in OPENERS}) == len(OPENERS)
    assert all(opener["note"] for opener in OPENERS)
    phones = set(FICTIONAL_MOBILES) | set(FICTIONAL_LANDLINES)
    for text in (opener["text"] for opener in OPENERS):
        for number in PERSONNUMMER.finditer(text):
            digits = number.group(1) + number.group(2)
            assert any(known.endswith(digits) for known in TEST_PERSONNUMMER), text
        assert all(phone.group(0) in phones for phone in PHONE.finditer(text)), text


@pytest.mark.parametrize(
    "phrase", [phrase for phrase in STATUS_PHRASES if phrase["intent"] is not None], ids=lambda p: p["text"]
)
def test_a_status_question_is_never_an_order(phrase: dict[str, Any]) -> None:
    assert order_intent(phrase["text"]) is OrderIntent.NONE


@pytest.mark.parametrize("text", ORDERS, ids=lambda text: text[:50])
def test_an_order_request_is_never_a_status_question(text: str) -> None:
    assert recognise(text, in_dialog=False, today=TODAY) is None
    assert recognise(text, in_dialog=True, today=TODAY) is None


def test_the_command_words_that_start_an_order_stay_orders() -> None:
    ordering = [word for word, command in COMMAND_WORDS.items() if command is Command.ORDER]
    written = ["beställ", "ny beställning", "beställa larm", "Beställ", "BESTÄLL", "bestäl", "ny bestallning"]
    assert {"bestall", "bestalla larm", "ny bestallning"} <= set(ordering)
    assert all(order_intent(text) is OrderIntent.ORDER for text in [*ordering, *written])


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Jag vill beställa ett larm", OrderIntent.ORDER),
        ("Jag vill beställa", OrderIntent.ORDER),
        ("Jag vill beställa till Greta", OrderIntent.ORDER),
        ("Jag vill beställa ett mobilt trygghetslarm", OrderIntent.ORDER),
        ("Jag vill beställa något", OrderIntent.MAYBE),
        ("Jag vill beställa ett armband till larmet", OrderIntent.MAYBE),
        ("Jag vill beställa en rullator", OrderIntent.NONE),
        ("Jag vill beställa färdtjänst", OrderIntent.NONE),
        ("Beställning av rullator", OrderIntent.NONE),
        ("Beställning Greta Johansson", OrderIntent.ORDER),
    ],
)
def test_what_the_order_verb_has_for_its_object_decides(text: str, intent: OrderIntent) -> None:
    assert order_intent(text) is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Vi beställer inte larm", OrderIntent.NONE),
        ("Jag kan inte beställa larm", OrderIntent.ORDER),
        ("Det går inte att beställa larm", OrderIntent.ORDER),
        ("Jag kan inte beställa larm förrän beslutet finns", OrderIntent.NONE),
        ("Anhöriga vill beställa larm", OrderIntent.MAYBE),
    ],
)
def test_not_ordering_is_told_from_not_managing_to_order(text: str, intent: OrderIntent) -> None:
    assert order_intent(text) is intent


@pytest.mark.parametrize(
    "text",
    [
        "Jag vill beställa hämtning av ett trygghetslarm",
        "jag vill beställa larmhämtning",
        "Brukaren har tappat sin larmknapp, vad gör vi?",
        "larmet är trasigt",
    ],
)
def test_a_pick_up_or_a_fault_is_another_matter_not_an_order(text: str) -> None:
    assert order_intent(text) is OrderIntent.NONE
    assert asks_about_other_matters(text)


def test_the_other_command_words_are_not_orders() -> None:
    others = [word for word, command in COMMAND_WORDS.items() if command is not Command.ORDER]
    assert others and all(order_intent(word) is OrderIntent.NONE for word in others)


def test_a_lindesk_category_answered_inside_an_order_does_not_start_another() -> None:
    names = [*CATEGORIES, *(name for underrubriker in CATEGORIES.values() for name in underrubriker)]
    assert all(order_intent(name) is not OrderIntent.ORDER for name in names)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02\x1b[31m\x7f",
        "beställ larm " + "\u200f\u202e\ufeff" * 50,
        "🚨" * 4000,
        "x" * 4000,
        "beställ " * 500,
        ("hej " + "trygghetslarm, " * 300)[:4000],
        "\n".join(["?"] * 2000),
        "e\u0301" * 2000,
        "\ud800 beställ larm",
        "VT-" * 1000,
    ],
    ids=lambda text: repr(text[:20]),
)
def test_hostile_input_gets_an_intent_without_an_exception(text: str) -> None:
    assert isinstance(order_intent(text), OrderIntent)


def test_a_long_message_is_read_from_its_start() -> None:
    note = "Beställ larm till Greta Johansson. " + "Dottern har nyckel och ringer innan. " * 110
    assert len(note) > 4000
    late = "Hej. " + "Greta Johansson, Storgatan 12. " * 130 + "Beställ larm."
    assert order_intent(note) is OrderIntent.ORDER
    assert order_intent(late) is OrderIntent.NONE  # details first, the request far down: not read


@given(st.text())
def test_any_text_gets_an_intent(text: str) -> None:
    assert isinstance(order_intent(text), OrderIntent)


WORDS = st.sampled_from([
    "hej", "beställ", "beställa", "beställde", "larm", "larmet", "trygghetslarm", "låsenhet", "behöver",
    "vill", "ha", "inte", "tack", "när", "hur", "går", "det", "kostar", "avbeställ", "piper", "Greta",
    "19460507-6654", "070-174 06 05", ",", ".", "?", "!", "kanske", "något", "ny", "brukare", "status",
])  # fmt: skip


@given(st.lists(WORDS, max_size=30).map(" ".join))
def test_any_mix_of_cue_words_gets_an_intent_and_a_reference_makes_it_about_an_existing_order(
    text: str,
) -> None:
    assert isinstance(order_intent(text), OrderIntent)
    assert order_intent(f"{text} VT-2026-0042") is OrderIntent.NONE
