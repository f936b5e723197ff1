"""The whole order as one Adaptive Card form, and a submitted form read back through the answer readers."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import texts
from bot.categories import Categories
from bot.domain import ContactKind
from bot.drafts import NO_PORTKOD, ContactDraft, OrderDraft
from bot.identity import InvalidAnswer, format_phone
from bot.language import answers

CARD_VERSION = "1.5"
SUBMIT_DATA = {"form": "order"}  # the client merges the inputs into this
CANCEL_DATA = {"answer": "avbryt"}  # read as the typed command, like every card button's answer
CATEGORY_ID = "category"  # one choice of "rubrik > underrubrik"; the draft gets rubrik and underrubrik
CATEGORY_SEPARATOR = " > "
CONTACT_PARTS = ("name", "relation", "phone")
PHONE_IDS = frozenset({"orderer_phone", "phone", "contact_phone"})
RAW_LIMIT = 2 * answers.MAX_TEXT  # longer submissions are refused in full, and kept only this long
INPUT_IDS = (
    "unit", "orderer_name", "orderer_phone",
    "brukare_name", "personnummer", "street", "postnummer", "ort", "phone", "portkod",
    "outer_door_tag_needed", "outer_door_tag_collected",
    "contact_kind", "contact_name", "contact_relation", "contact_phone",
    CATEGORY_ID,
)  # fmt: skip

Reader = Callable[[str, date], object]
Condition = Callable[[Mapping[str, object]], bool | None]
Choice = tuple[str, str]  # (title, value)


@dataclass(frozen=True)
class FormReading:
    """A submitted form: validated values for the draft, errors per input, and what was typed."""

    values: dict[str, object]  # OrderDraft field -> value in the draft's JSON form; only valid ones
    errors: dict[str, str]  # input id -> Swedish message
    raw: dict[str, str]  # input id -> the submitted text ("" when missing), to fill the card again


def _always(_read: Mapping[str, object]) -> bool | None:
    return True


def _when_tag_needed(read: Mapping[str, object]) -> bool | None:
    """Required after ja, not asked after nej, read only if filled in while 'needed' is unanswered."""
    needed = read.get("outer_door_tag_needed")
    return needed if isinstance(needed, bool) else None


def _when_narstaende(read: Mapping[str, object]) -> bool | None:
    kind = read.get("contact_kind")
    return None if kind is None else kind == ContactKind.NARSTAENDE


@dataclass(frozen=True)
class Field:
    """One input of the form; `required` says, from the inputs read before it, whether it must be filled."""

    id: str
    label: str
    read: Reader
    choices: tuple[Choice, ...] = ()  # a ChoiceSet when given, else a text input
    expanded: bool = False  # radio buttons instead of a drop-down
    open_choices: bool = False  # the choices are suggestions: any text the reader takes is an answer
    required: Condition = _always

    @property
    def always_required(self) -> bool:
        return self.required is _always

    @property
    def required_message(self) -> str:
        return texts.FORM_REQUIRED_CHOICE if self.choices else texts.FORM_REQUIRED


@dataclass(frozen=True)
class Section:
    heading: str
    fields: tuple[Field, ...]
    hint: str = ""


def _plain(reader: answers.Parser) -> Reader:
    """An answer reader that needs neither choices nor today's date."""

    def read(text: str, _today: date) -> object:
        return reader(text, ())

    return read


def _personnummer(text: str, today: date) -> str:
    return answers.personnummer(lambda: today)(text).digits


def _contact_kind(text: str, _today: date) -> ContactKind:
    return ContactKind(answers.choice(text, list(ContactKind)))


def category_value(rubrik: str, underrubrik: str) -> str:
    """The category input's value for a rubrik and one of its underrubriker."""
    return f"{rubrik}{CATEGORY_SEPARATOR}{underrubrik}"


def _category_pairs(categories: Categories) -> dict[str, tuple[str, str]]:
    return {
        category_value(rubrik, underrubrik): (rubrik, underrubrik)
        for rubrik, underrubriker in categories.rubriker.items()
        for underrubrik in underrubriker
    }


def _category_reader(categories: Categories) -> Reader:
    pairs = _category_pairs(categories)

    def read(text: str, _today: date) -> tuple[str, str]:
        return pairs[answers.choice(text, list(pairs))]

    return read


def _same(values: Sequence[str]) -> tuple[Choice, ...]:
    return tuple((value, value) for value in values)


YES_NO = _same((texts.BUTTON_YES, texts.BUTTON_NO))
CONTACT_KINDS: tuple[Choice, ...] = (
    (texts.CONTACT_BRUKARE, ContactKind.BRUKARE.value),
    (texts.FORM_CONTACT_NARSTAENDE, ContactKind.NARSTAENDE.value),
    (texts.CONTACT_VERKSAMHET, ContactKind.VERKSAMHET.value),
)


def _sections(categories: Categories) -> tuple[Section, ...]:
    name, text, phone = _plain(answers.full_name), _plain(answers.free_text), _plain(answers.phone)
    yes_no = _plain(answers.yes_no)
    return (
        Section(
            texts.FORM_SECTION_ORDERER,
            (
                Field("unit", texts.ASK_UNIT, text),
                Field("orderer_name", texts.ASK_ORDERER_NAME, name),
                Field("orderer_phone", texts.ASK_ORDERER_PHONE, phone),
            ),
        ),
        Section(
            texts.FORM_SECTION_BRUKARE,
            (
                Field("brukare_name", texts.ASK_BRUKARE_NAME, name),
                Field("personnummer", texts.ASK_PERSONNUMMER, _personnummer),
                Field("street", texts.ASK_STREET, text),
                Field("postnummer", texts.ASK_POSTNUMMER, _plain(answers.postnummer)),
                Field("ort", texts.ASK_ORT, text),
                Field("phone", texts.ASK_PHONE, phone),
                Field("portkod", texts.FORM_LABEL_PORTKOD, _plain(answers.portkod)),
            ),
        ),
        Section(
            texts.FORM_SECTION_OUTER_DOOR,
            (
                Field("outer_door_tag_needed", texts.FORM_LABEL_TAG_NEEDED, yes_no, YES_NO, expanded=True),
                Field(
                    "outer_door_tag_collected",
                    texts.FORM_LABEL_TAG_COLLECTED,
                    yes_no,
                    YES_NO,
                    expanded=True,
                    required=_when_tag_needed,
                ),
            ),
        ),
        Section(
            texts.LABEL_CONTACTS,
            (
                Field(
                    "contact_kind", texts.FORM_LABEL_CONTACT_KIND, _contact_kind, CONTACT_KINDS, expanded=True
                ),
                Field("contact_name", texts.ASK_CONTACT_NAME, name, required=_when_narstaende),
                Field(
                    "contact_relation",
                    texts.FORM_LABEL_CONTACT_RELATION,
                    text,
                    _same(texts.FORM_RELATIONS),
                    open_choices=True,
                    required=_when_narstaende,
                ),
                Field("contact_phone", texts.ASK_CONTACT_PHONE, phone, required=_when_narstaende),
            ),
            hint=texts.FORM_CONTACT_HINT,
        ),
        Section(
            texts.FORM_SECTION_CATEGORY,
            (
                Field(
                    CATEGORY_ID,
                    texts.FORM_LABEL_CATEGORY,
                    _category_reader(categories),
                    _same(list(_category_pairs(categories))),
                ),
            ),
        ),
    )


def form_fields(categories: Categories) -> tuple[Field, ...]:
    """Every input of the form, in the order the card shows them."""
    return tuple(field for section in _sections(categories) for field in section.fields)


# --- The card ---------------------------------------------------------------------------------


def form_card(values: Mapping[str, str], errors: Mapping[str, str], categories: Categories) -> dict[str, Any]:
    """The form, each input filled with `values` (input id -> text) and its error in red right under it."""
    notice = [_error_block(texts.FORM_HAS_ERRORS)] if errors else []
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [
            _text_block(texts.FORM_TITLE, weight="Bolder", size="Medium"),
            _text_block(texts.FORM_INTRO),
            *notice,
            *(_section_block(section, values, errors) for section in _sections(categories)),
        ],
        "actions": [
            {"type": "Action.Submit", "title": texts.FORM_SUBMIT, "style": "positive", "data": SUBMIT_DATA},
            {  # cancelling neither checks nor sends the inputs
                "type": "Action.Submit",
                "title": texts.FORM_CANCEL,
                "data": CANCEL_DATA,
                "associatedInputs": "none",
            },
        ],
    }


def _section_block(section: Section, values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, Any]:
    hint = [_text_block(section.hint, isSubtle=True)] if section.hint else []
    items = [_text_block(section.heading, weight="Bolder"), *hint]
    for field in section.fields:
        items.append(_input(field, _text_of(values.get(field.id))))
        if isinstance(errors.get(field.id), str):
            items.append(_error_block(errors[field.id]))
    return {"type": "Container", "separator": True, "spacing": "Large", "items": items}


def _input(field: Field, value: str) -> dict[str, Any]:
    element: dict[str, Any] = {"id": field.id, "label": field.label, "value": value}
    if field.always_required:
        element |= {"isRequired": True, "errorMessage": field.required_message}
    if field.choices:
        return {"type": "Input.ChoiceSet", **element, **_choice_set(field, value)}
    return {"type": "Input.Text", **element, "maxLength": answers.MAX_TEXT, **_text_style(field)}


def _choice_set(field: Field, value: str) -> dict[str, Any]:
    offered = {choice for _title, choice in field.choices}
    kept = [(value, value)] if field.open_choices and value and value not in offered else []
    choices = [{"title": _capitalised(title), "value": choice} for title, choice in (*field.choices, *kept)]
    if field.expanded:
        return {"choices": choices, "style": "expanded", "wrap": True}
    return {"choices": choices, "style": "compact", "placeholder": texts.FORM_CHOOSE, "wrap": True}


def _text_style(field: Field) -> dict[str, str]:
    return {"style": "tel"} if field.id in PHONE_IDS else {}


def _error_block(message: str) -> dict[str, Any]:
    return _text_block(message, color="attention", spacing="Small")


def _text_block(text: str, **style: object) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _capitalised(title: str) -> str:
    return title[:1].upper() + title[1:]


# --- Reading a submitted form -----------------------------------------------------------------


def read_form(submitted: Mapping[str, object], today: date, categories: Categories) -> FormReading:
    """Each input read by its answer reader; anything that is not text counts as empty."""
    if not isinstance(submitted, Mapping):
        submitted = {}
    fields = form_fields(categories)
    typed = {field.id: _text_of(submitted.get(field.id)) for field in fields}
    read: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            value = _read_field(field, typed[field.id], read, today)
        except answers.Rejected as rejected:
            errors[field.id] = rejected.message
        else:
            if value is not None:
                read[field.id] = value
    raw = {input_id: _kept(text) for input_id, text in typed.items()}
    return FormReading(values=_draft_values(read), errors=errors, raw=raw)


def _read_field(field: Field, text: str, read: Mapping[str, object], today: date) -> object | None:
    """The value, or None when the field is not asked or optional and empty; raises Rejected."""
    required = field.required(read)
    if required is False:
        return None
    if not text.strip():
        if required:
            raise answers.Rejected(field.required_message)
        return None
    return field.read(text, today)


def _text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


def _kept(text: str) -> str:
    """The text to show again: cut short, and without lone surrogates that no encoder accepts."""
    return "".join(char for char in text[:RAW_LIMIT] if unicodedata.category(char) != "Cs")


def _draft_values(read: Mapping[str, object]) -> dict[str, object]:
    values = {field: value for field, value in read.items() if field in OrderDraft.model_fields}
    category = read.get(CATEGORY_ID)
    if isinstance(category, tuple):
        values["rubrik"], values["underrubrik"] = category
    contact = _contact(read)
    if contact is not None:
        values["contacts"] = [contact]
    return values


def _contact(read: Mapping[str, object]) -> dict[str, object] | None:
    """The booking contact in the draft's JSON form, once everything its kind needs is read."""
    kind = read.get("contact_kind")
    if kind != ContactKind.NARSTAENDE:
        return None if kind is None else _contact_json({"kind": kind})
    parts = {part: read.get(f"contact_{part}") for part in CONTACT_PARTS}
    return None if None in parts.values() else _contact_json({"kind": kind, **parts})


def _contact_json(contact: Mapping[str, object]) -> dict[str, object]:
    return ContactDraft.model_validate(contact).model_dump(mode="json")


# --- Filling the card from a draft ------------------------------------------------------------


def form_values(draft: Mapping[str, object]) -> dict[str, str]:
    """The inputs' texts for a draft in its JSON form (`model_dump(mode="json")`) or FormReading.values.

    The form holds one booking contact: the draft's first.
    """
    inputs = {**draft, **_contact_inputs(draft.get("contacts")), CATEGORY_ID: _category_input(draft)}
    shown = {input_id: _shown(input_id, inputs.get(input_id)) for input_id in INPUT_IDS}
    return {input_id: text for input_id, text in shown.items() if text}


def _contact_inputs(contacts: object) -> dict[str, object]:
    if not isinstance(contacts, list) or not contacts or not isinstance(contacts[0], Mapping):
        return {}
    first = contacts[0]
    parts = {f"contact_{part}": first.get(part) for part in CONTACT_PARTS}
    return {"contact_kind": first.get("kind"), **parts}


def _category_input(draft: Mapping[str, object]) -> str | None:
    rubrik, underrubrik = draft.get("rubrik"), draft.get("underrubrik")
    if isinstance(rubrik, str) and isinstance(underrubrik, str):
        return category_value(rubrik, underrubrik)
    return None


def _shown(input_id: str, value: object) -> str:
    if isinstance(value, bool):
        return texts.BUTTON_YES if value else texts.BUTTON_NO
    if input_id == "portkod" and value == NO_PORTKOD:
        return texts.BUTTON_NO_PORTKOD
    if input_id in PHONE_IDS and isinstance(value, str):
        return _phone_text(value)
    return value if isinstance(value, str) else ""


def _phone_text(e164: str) -> str:
    try:
        return format_phone(e164)
    except InvalidAnswer:
        return e164
