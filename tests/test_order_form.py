"""The order form card: valid Adaptive Card 1.5, and submissions read back by the answer readers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from bot import texts
from bot.categories import load_categories
from bot.domain import ContactKind
from bot.drafts import ContactDraft, OrderDraft
from bot.order_form import (
    CATEGORY_ID,
    INPUT_IDS,
    RAW_LIMIT,
    FormReading,
    category_value,
    form_card,
    form_fields,
    form_values,
    read_form,
)
from tests.support.testdata import FICTIONAL_LANDLINES, FICTIONAL_MOBILES, TEST_PERSONNUMMER

# Personal data rule: personnummer only from Skatteverket's test numbers (or with a wrong check digit),
# phone numbers only from PTS's fictional series.

TODAY = date(2026, 11, 26)
CATEGORIES = load_categories()
PAIRS = [(rubrik, under) for rubrik, unders in CATEGORIES.rubriker.items() for under in unders]
PNR = "194605076654"
WRONG_CHECK_DIGIT = f"{PNR[:8]}-{PNR[8:11]}{(int(PNR[11]) + 1) % 10}"
BRUKARE_PHONE = FICTIONAL_LANDLINES[12]
CONTACT_PHONE = FICTIONAL_MOBILES[37]
CONTACT_IDS = ("contact_kind", "contact_name", "contact_relation", "contact_phone")
CONDITIONAL = {"outer_door_tag_collected", "contact_name", "contact_relation", "contact_phone"}

VALID: dict[str, str] = {
    "unit": "Hemtjänst Ryd",
    "orderer_name": "Anna Andersson",
    "orderer_phone": FICTIONAL_MOBILES[0],
    "brukare_name": "Greta Johansson",
    "personnummer": f"{PNR[:8]}-{PNR[8:]}",
    "street": "Storgatan 12, lgh 1102",
    "postnummer": "58223",
    "ort": "Linköping",
    "phone": BRUKARE_PHONE,
    "portkod": "1234#",
    "outer_door_tag_needed": "ja",
    "outer_door_tag_collected": "nej",
    "contact_kind": "närstående",
    "contact_name": "Lena Berg",
    "contact_relation": "dotter",
    "contact_phone": CONTACT_PHONE,
    CATEGORY_ID: category_value(*PAIRS[0]),
}


def read(submitted: Mapping[str, object]) -> FormReading:
    return read_form(submitted, TODAY, CATEGORIES)


def card(values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    return form_card(values or {}, errors or {}, CATEGORIES)


def elements(node: object) -> Iterator[dict[str, Any]]:
    """Every element of a card, depth first, in the order a reader meets them."""
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for key in ("body", "items", "columns"):
            yield from elements(node.get(key, []))
    elif isinstance(node, list):
        for item in node:
            yield from elements(item)


def inputs(card_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {element["id"]: element for element in elements(card_json) if element["type"].startswith("Input.")}


def block_after(card_json: dict[str, Any], input_id: str) -> dict[str, Any] | None:
    """The element right after an input in its container."""
    for element in elements(card_json):
        items = element.get("items", [])
        for index, item in enumerate(items):
            if item.get("id") == input_id:
                return items[index + 1] if index + 1 < len(items) else None
    raise AssertionError(f"no input {input_id}")


def error_blocks(card_json: dict[str, Any]) -> list[str]:
    return [
        e["text"] for e in elements(card_json) if e["type"] == "TextBlock" and e.get("color") == "attention"
    ]


def complete_draft(values: Mapping[str, object]) -> OrderDraft:
    confirmed = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    return OrderDraft(**values, treserva=confirmed, key_receipt=confirmed, journal=confirmed, user_id="u")


# --- The card: Adaptive Card 1.5 ---------------------------------------------------------------
# No official Adaptive Card JSON schema is published on PyPI or npm (the npm `adaptivecards`
# packages ship TypeScript, not the schema), so this is the part of the official 1.5 schema that
# the card uses: the same properties per element (additionalProperties false) and the same enums.
# Stricter on purpose: every input has an id and a label, a required one an errorMessage, and a
# ColumnSet at most 2 columns (readable in a 390 px wide Web Chat).


def _enum(*names: str) -> dict[str, str]:
    return {"type": "string", "pattern": f"(?i)^({'|'.join(names)})$"}  # the schema ignores case


SPACING = _enum("default", "none", "small", "medium", "large", "extraLarge", "padding")
ELEMENT = {
    "id": {"type": "string"},
    "spacing": SPACING,
    "separator": {"type": "boolean"},
    "isVisible": {"type": "boolean"},
    "height": _enum("auto", "stretch"),
}
INPUT = {**ELEMENT, "label": {"type": "string", "minLength": 1}, "isRequired": {"type": "boolean"}}
INPUT |= {"errorMessage": {"type": "string", "minLength": 1}}


def _element(type_name: str, properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"type": {"const": type_name}, **properties},
        "required": ["type", *required],
        "additionalProperties": False,
        "dependencies": {"isRequired": ["errorMessage"]},
    }


ITEMS = {"type": "array", "items": {"$ref": "#/definitions/Element"}}
SUBSET_1_5 = {
    "$ref": "#/definitions/AdaptiveCard",
    "definitions": {
        "AdaptiveCard": _element(
            "AdaptiveCard",
            {
                "version": {"const": "1.5"},
                "$schema": {"type": "string"},
                "body": ITEMS,
                "actions": {"type": "array", "items": {"$ref": "#/definitions/Action.Submit"}},
                "fallbackText": {"type": "string"},
                "lang": {"type": "string"},
            },
            ("version",),
        ),
        "Element": {
            "oneOf": [
                {"$ref": f"#/definitions/{name}"}
                for name in ("TextBlock", "Container", "ColumnSet", "Input.Text", "Input.ChoiceSet")
            ]
        },
        "TextBlock": _element(
            "TextBlock",
            {
                **ELEMENT,
                "text": {"type": "string", "minLength": 1},
                "color": _enum("default", "dark", "light", "accent", "good", "warning", "attention"),
                "weight": _enum("default", "lighter", "bolder"),
                "size": _enum("default", "small", "medium", "large", "extraLarge"),
                "isSubtle": {"type": "boolean"},
                "wrap": {"type": "boolean"},
                "maxLines": {"type": "number"},
                "style": _enum("default", "heading"),
            },
            ("text",),
        ),
        "Container": _element(
            "Container", {**ELEMENT, "items": ITEMS, "style": _enum("default", "emphasis")}, ("items",)
        ),
        "ColumnSet": _element(
            "ColumnSet",
            {
                **ELEMENT,
                "columns": {"type": "array", "maxItems": 2, "items": {"$ref": "#/definitions/Column"}},
            },
        ),
        "Column": _element("Column", {**ELEMENT, "items": ITEMS, "width": {"type": ["string", "number"]}}),
        "Input.Text": _element(
            "Input.Text",
            {
                **INPUT,
                "value": {"type": "string"},
                "placeholder": {"type": "string"},
                "maxLength": {"type": "number"},
                "isMultiline": {"type": "boolean"},
                "regex": {"type": "string"},
                "style": _enum("text", "tel", "url", "email", "password"),
            },
            ("id", "label"),
        ),
        "Input.ChoiceSet": _element(
            "Input.ChoiceSet",
            {
                **INPUT,
                "choices": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/Input.Choice"}},
                "isMultiSelect": {"type": "boolean"},
                "style": _enum("compact", "expanded", "filtered"),
                "value": {"type": "string"},
                "placeholder": {"type": "string"},
                "wrap": {"type": "boolean"},
            },
            ("id", "label", "choices"),
        ),
        "Input.Choice": {
            "type": "object",
            "properties": {
                "type": {"const": "Input.Choice"},
                "title": {"type": "string"},
                "value": {"type": "string"},
            },
            "required": ["title", "value"],
            "additionalProperties": False,
        },
        "Action.Submit": _element(
            "Action.Submit",
            {
                "id": {"type": "string"},
                "title": {"type": "string", "minLength": 1},
                "style": _enum("default", "positive", "destructive"),
                "data": {"type": ["string", "object"]},
                "associatedInputs": _enum("auto", "none"),
            },
            ("title",),
        ),
    },
}


def schema_errors(card_json: dict[str, Any]) -> list[str]:
    validator = Draft7Validator(SUBSET_1_5)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(card_json)]


def test_the_subset_schema_refuses_what_a_1_5_card_may_not_have() -> None:
    good = card()
    assert schema_errors(good) == []
    wrong_property = json.loads(json.dumps(good))
    wrong_property["body"][0]["colour"] = "attention"
    too_wide = {**good, "body": [{"type": "ColumnSet", "columns": [{"type": "Column", "items": []}] * 3}]}
    assert schema_errors(wrong_property)
    assert schema_errors(too_wide)


@pytest.mark.parametrize(
    ("values", "errors"),
    [({}, {}), (VALID, {}), (VALID, {input_id: texts.FORM_REQUIRED for input_id in INPUT_IDS})],
    ids=["empty", "filled", "every-error"],
)
def test_the_card_is_a_valid_adaptive_card_1_5(values: dict[str, str], errors: dict[str, str]) -> None:
    card_json = card(values, errors)

    assert card_json["type"] == "AdaptiveCard"
    assert card_json["version"] == "1.5"
    assert schema_errors(card_json) == []
    json.dumps(card_json, ensure_ascii=False).encode("utf-8")  # JSON all the way through


def test_every_input_has_an_order_field_as_id_and_a_swedish_label() -> None:
    found = inputs(card())
    contact_fields = {f"contact_{name}" for name in ContactDraft.model_fields}

    assert tuple(found) == INPUT_IDS == tuple(field.id for field in form_fields(CATEGORIES))
    assert set(CONTACT_IDS) == contact_fields
    assert set(INPUT_IDS) - contact_fields - {CATEGORY_ID} <= set(OrderDraft.model_fields)
    assert {"treserva", "key_receipt", "journal"}.isdisjoint(INPUT_IDS)
    assert all(element["label"].strip() for element in found.values())
    assert found["brukare_name"]["label"] == texts.ASK_BRUKARE_NAME


def test_required_inputs_are_marked_and_say_so() -> None:
    found = inputs(card())
    required = {input_id for input_id, element in found.items() if element.get("isRequired")}

    assert required == set(INPUT_IDS) - CONDITIONAL
    for input_id in required:
        expected = texts.FORM_REQUIRED_CHOICE if "choices" in found[input_id] else texts.FORM_REQUIRED
        assert found[input_id]["errorMessage"] == expected


def test_the_choices_are_the_answers_the_readers_take() -> None:
    found = inputs(card())

    def values(input_id: str) -> list[str]:
        return [choice["value"] for choice in found[input_id]["choices"]]

    assert values("outer_door_tag_needed") == values("outer_door_tag_collected") == ["ja", "nej"]
    assert values("contact_kind") == [kind.value for kind in ContactKind]
    assert values("contact_relation") == list(texts.FORM_RELATIONS)
    assert values(CATEGORY_ID) == [category_value(*pair) for pair in PAIRS]
    assert found["contact_kind"]["style"] == "expanded"
    assert found[CATEGORY_ID]["style"] == "compact"


@pytest.mark.parametrize(("rubrik", "underrubrik"), PAIRS)
def test_each_category_choice_gives_its_rubrik_and_underrubrik(rubrik: str, underrubrik: str) -> None:
    reading = read({**VALID, CATEGORY_ID: category_value(rubrik, underrubrik)})

    assert (reading.values["rubrik"], reading.values["underrubrik"]) == (rubrik, underrubrik)
    assert CATEGORY_ID not in reading.errors


def test_send_and_cancel_buttons() -> None:
    send, cancel = card()["actions"]

    assert (send["type"], send["title"], send["data"]) == (
        "Action.Submit",
        "Skicka formuläret",
        {"form": "order"},
    )
    assert (cancel["title"], cancel["data"]) == ("Avbryt", {"answer": "avbryt"})
    assert cancel["associatedInputs"] == "none"  # an empty form can still be cancelled


def test_values_fill_the_inputs() -> None:
    found = inputs(card(VALID))

    assert {input_id: element["value"] for input_id, element in found.items()} == VALID
    assert error_blocks(card(VALID)) == []


def test_a_relation_typed_elsewhere_is_kept_as_a_choice() -> None:
    relation = inputs(card({"contact_relation": "svärdotter"}))["contact_relation"]

    assert relation["value"] == "svärdotter"
    assert relation["choices"][-1]["value"] == "svärdotter"


# --- Reading a submitted form -----------------------------------------------------------------


def test_a_full_valid_submission_builds_a_complete_order() -> None:
    reading = read({**VALID, "form": "order"})

    assert reading.errors == {}
    assert reading.values["personnummer"] == PNR
    assert reading.values["phone"] == "+46846500412"
    assert reading.values["orderer_phone"] == "+46701740605"
    assert reading.values["postnummer"] == "582 23"
    assert reading.values["outer_door_tag_needed"] is True
    assert reading.values["contacts"] == [
        {"kind": "närstående", "name": "Lena Berg", "relation": "dotter", "phone": "+46701740642"}
    ]
    details = complete_draft(reading.values).details()
    assert details.brukare.portkod == "1234#"
    assert details.access.outer_door_tag_collected is False
    assert details.category.path[-2:] == PAIRS[0]


@pytest.mark.parametrize("kind", [ContactKind.BRUKARE, ContactKind.VERKSAMHET])
def test_brukaren_or_the_unit_as_contact_needs_nothing_more(kind: ContactKind) -> None:
    reading = read({**VALID, "contact_kind": kind.value, "contact_name": "x", "contact_phone": [1]})

    assert reading.errors == {}
    assert reading.values["contacts"] == [{"kind": kind.value, "name": None, "relation": None, "phone": None}]


def test_no_portkod_and_no_outer_door_tag() -> None:
    submitted = {**VALID, "portkod": "ingen", "outer_door_tag_needed": "nej", "outer_door_tag_collected": ""}
    reading = read(submitted)

    assert reading.errors == {}
    assert reading.values["portkod"] == ""
    assert "outer_door_tag_collected" not in reading.values
    details = complete_draft(reading.values).details()
    assert details.brukare.portkod is None
    assert details.access.outer_door_tag_collected is None


def test_two_wrong_fields_give_exactly_those_errors_and_keep_the_rest() -> None:
    submitted = {**VALID, "personnummer": WRONG_CHECK_DIGIT, "phone": "070-174 06"}
    reading = read(submitted)

    assert reading.errors == {"personnummer": texts.ERR_PNR_CHECKSUM, "phone": texts.ERR_PHONE}
    assert "personnummer" not in reading.values
    assert "phone" not in reading.values
    assert read(VALID).values == {**reading.values, "personnummer": PNR, "phone": "+46846500412"}
    assert reading.raw == submitted


def test_the_card_shown_again_keeps_what_was_written_and_shows_each_error_under_its_input() -> None:
    reading = read({**VALID, "personnummer": WRONG_CHECK_DIGIT, "phone": "070-174 06"})
    again = card(reading.raw, reading.errors)

    assert {input_id: element["value"] for input_id, element in inputs(again).items()} == reading.raw
    for input_id, message in reading.errors.items():
        below = block_after(again, input_id)
        assert below is not None
        assert (below["type"], below["text"], below["color"], below["wrap"]) == (
            "TextBlock",
            message,
            "attention",
            True,
        )
    assert error_blocks(again) == [texts.FORM_HAS_ERRORS, texts.ERR_PNR_CHECKSUM, texts.ERR_PHONE]
    assert schema_errors(again) == []


@pytest.mark.parametrize(
    ("input_id", "empty", "message"),
    [
        ("brukare_name", "", texts.FORM_REQUIRED),
        ("unit", "   ", texts.FORM_REQUIRED),
        ("portkod", None, texts.FORM_REQUIRED),
        ("outer_door_tag_needed", "", texts.FORM_REQUIRED_CHOICE),
        ("contact_kind", "", texts.FORM_REQUIRED_CHOICE),
        (CATEGORY_ID, "", texts.FORM_REQUIRED_CHOICE),
    ],
)
def test_a_required_field_left_empty_is_needed(input_id: str, empty: str | None, message: str) -> None:
    reading = read({**VALID, input_id: empty})

    assert reading.errors == {input_id: message}


def test_a_narstaende_needs_a_name_a_relation_and_a_phone() -> None:
    submitted = {**VALID, "contact_name": "", "contact_relation": "", "contact_phone": ""}
    reading = read(submitted)

    assert reading.errors == {
        "contact_name": texts.FORM_REQUIRED,
        "contact_relation": texts.FORM_REQUIRED_CHOICE,
        "contact_phone": texts.FORM_REQUIRED,
    }
    assert "contacts" not in reading.values


def test_a_narstaende_is_checked_by_the_same_readers_as_in_the_chat() -> None:
    reading = read({**VALID, "contact_name": "Lena", "contact_phone": "070-174"})

    assert reading.errors == {"contact_name": texts.ERR_FULL_NAME, "contact_phone": texts.ERR_PHONE}


def test_the_tag_collected_is_needed_only_after_ja() -> None:
    assert read({**VALID, "outer_door_tag_collected": ""}).errors == {
        "outer_door_tag_collected": texts.FORM_REQUIRED_CHOICE
    }
    assert read({**VALID, "outer_door_tag_needed": "nej", "outer_door_tag_collected": ""}).errors == {}


def test_unknown_keys_are_ignored() -> None:
    reading = read({**VALID, "form": "order", "answer": "avbryt", "treserva": "ja", "__proto__": {"x": 1}})

    assert reading.values == read(VALID).values
    assert set(reading.raw) == set(INPUT_IDS)


JUNK = [
    None,
    [],
    ["070-174 06 05"],
    {},
    {"value": "ja"},
    12,
    4.5,
    True,
    "x" * 10_000,
    "🚨" * 300,
    "\ud800",
    "\x00\x1b",
]


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: type(junk).__name__ + str(len(str(junk))))
def test_hostile_values_never_raise(junk: object) -> None:
    reading = read(dict.fromkeys([*INPUT_IDS, "form"], junk))

    assert set(reading.errors) <= set(INPUT_IDS)
    assert all(len(text) <= RAW_LIMIT for text in reading.raw.values())
    again = card(reading.raw, reading.errors)
    json.dumps(again, ensure_ascii=False).encode("utf-8")
    assert schema_errors(again) == []


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: type(junk).__name__ + str(len(str(junk))))
def test_one_hostile_value_spoils_only_its_own_field(junk: object) -> None:
    reading = read({**VALID, "street": junk})

    assert set(reading.errors) == {"street"}
    assert set(reading.values) == set(read(VALID).values) - {"street"}


def test_a_long_answer_is_refused_whole_not_cut_to_fit() -> None:
    reading = read({**VALID, "street": "Storgatan 12 " + "a" * 10_000})

    assert reading.errors == {"street": texts.ERR_TEXT.format(limit=200)}
    assert len(reading.raw["street"]) == RAW_LIMIT


def test_a_submission_that_is_not_an_object_reads_as_empty() -> None:
    reading = read(["unit", "Hemtjänst Ryd"])  # type: ignore[arg-type]  # a hostile client

    assert reading.values == {}
    assert set(reading.errors) == set(INPUT_IDS) - CONDITIONAL


# --- Filling the card from a draft --------------------------------------------------------------


def test_a_draft_fills_the_card_with_what_reads_back_the_same() -> None:
    draft = complete_draft(read({**VALID, "portkod": "Ingen"}).values)
    shown = form_values(draft.model_dump(mode="json"))

    assert set(shown) == set(INPUT_IDS)
    assert shown["portkod"] == texts.BUTTON_NO_PORTKOD
    assert shown["phone"] == BRUKARE_PHONE
    assert shown["outer_door_tag_needed"] == "ja"
    assert read(shown).values == read({**VALID, "portkod": "ingen"}).values


def test_a_draft_with_only_the_orderer_fills_only_the_orderer() -> None:
    draft = OrderDraft(unit="Hemtjänst Ryd", orderer_name="Anna Andersson", orderer_phone="+46701740605")

    assert form_values(draft.model_dump(mode="json")) == {
        "unit": "Hemtjänst Ryd",
        "orderer_name": "Anna Andersson",
        "orderer_phone": FICTIONAL_MOBILES[0],
    }


# --- Generated submissions ----------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
GOOD_ANSWERS: dict[str, list[str]] = {
    "unit": ["Hemtjänst Ryd", "Hemtjänst Skäggetorp"],
    "orderer_name": ["Anna Andersson"],
    "orderer_phone": FICTIONAL_MOBILES[:3],
    "brukare_name": ["Greta Johansson", "Sven Å. Öberg"],
    "personnummer": [
        *TEST_PERSONNUMMER[:5],
        *(f"{n[:8]}-{n[8:]}" for n in TEST_PERSONNUMMER[-5:]),
        WRONG_CHECK_DIGIT,
    ],
    "street": ["Storgatan 12, lgh 1102"],
    "postnummer": ["582 23", "58223", "SE-582 23"],
    "ort": ["Linköping"],
    "phone": [*FICTIONAL_LANDLINES[:3], "+46701740699"],
    "portkod": ["1234", "ingen", "A12#", "nej"],
    "outer_door_tag_needed": ["ja", "nej", "Ja"],
    "outer_door_tag_collected": ["ja", "nej"],
    "contact_kind": [*(kind.value for kind in ContactKind), "brukaren", "2"],
    "contact_name": ["Lena Berg"],
    "contact_relation": [*texts.FORM_RELATIONS, "svärdotter"],
    "contact_phone": FICTIONAL_MOBILES[-3:],
    CATEGORY_ID: [category_value(*pair) for pair in PAIRS],
}


BROKEN = st.one_of(st.just(""), st.text(max_size=30), st.text(min_size=150, max_size=300), JSON)


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, object]:
    """Good answers to every input, then a few inputs (and unknown keys) broken, emptied or left out."""
    submitted: dict[str, object] = {key: draw(st.sampled_from(good)) for key, good in GOOD_ANSWERS.items()}
    for key in draw(st.lists(st.sampled_from([*INPUT_IDS, "extra"]), unique=True)):
        if draw(st.booleans()):
            submitted.pop(key, None)
        else:
            submitted[key] = draw(BROKEN)
    return submitted


@given(submissions())
def test_any_submission_reads_without_raising_and_every_value_reads_back_the_same(
    submitted: dict[str, object],
) -> None:
    reading = read(submitted)

    assert set(reading.errors) <= set(INPUT_IDS)
    assert all(isinstance(message, str) and message for message in reading.errors.values())
    assert set(reading.errors).isdisjoint(reading.values)
    OrderDraft.model_validate(reading.values)
    if not reading.errors:
        complete_draft(reading.values).details()  # a form without errors is a whole order
    again = read(form_values(reading.values))
    assert {field: again.values.get(field) for field in reading.values} == reading.values
    assert schema_errors(card(reading.raw, reading.errors)) == []
