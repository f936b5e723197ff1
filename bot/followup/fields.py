"""Which parts of a filed order may change, read with the ordering's own readers, applied to its details."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import ValidationError

from bot import texts
from bot.cards import contacts_text, outer_door
from bot.domain import Access, Address, BookingContact, OrderDetails, Orderer
from bot.drafts import ContactDraft
from bot.identity import format_phone
from bot.language import answers
from bot.language.answers import Rejected
from bot.language.corrections import FIELDS as CORRECTION_FIELDS
from bot.language.corrections import parse_correction
from bot.language.words import fold

_WORDS = tomllib.loads((Path(__file__).parent / "fields.toml").read_text(encoding="utf-8"))
KEY_WORDS = frozenset(_WORDS["key"])
OUTER_DOOR_WORDS = frozenset(_WORDS["outer_door"])
NO_PORTKOD = tuple(_WORDS["no_portkod"])


class ChangeField(StrEnum):
    """What may be changed after filing, named as the bot names it to staff."""

    PHONE = "telefon"
    ADDRESS = "adress"
    PORTKOD = "portkod"
    KEY = "nyckel"
    OUTER_DOOR = "ytterdörr"
    CONTACTS = "kontakt"


# The draft fields bot.language.corrections reads, and the part of a filed order they change.
CORRECTED = {
    "phone": ChangeField.PHONE,
    "street": ChangeField.ADDRESS,
    "postnummer": ChangeField.ADDRESS,
    "ort": ChangeField.ADDRESS,
    "portkod": ChangeField.PORTKOD,
    "contacts": ChangeField.CONTACTS,
}
KEY_CHOICES = {texts.CHANGE_KEY_COLLECTED: True, texts.CHANGE_KEY_NOT_COLLECTED: False}
OUTER_DOOR_CHOICES = {
    texts.CHANGE_TAG_NOT_NEEDED: (False, None),
    texts.CHANGE_TAG_COLLECTED: (True, True),
    texts.CHANGE_TAG_MISSING: (True, False),
}


class ValueRejected(Rejected):
    """The value given for `field` does not fit; `message` says what is expected."""

    def __init__(self, field: ChangeField, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DetailsChange:
    """A new value for one part of the order, as the ordering's readers give it (draft fields)."""

    field: ChangeField
    values: dict[str, object]


def choices(field: ChangeField) -> list[str]:
    """The answers offered as buttons for `field`, where it has a fixed set."""
    if field is ChangeField.KEY:
        return list(KEY_CHOICES)
    if field is ChangeField.OUTER_DOOR:
        return list(OUTER_DOOR_CHOICES)
    return []


def field_named(text: str) -> ChangeField:
    """The part `text` names, in any of the words staff use for it ('tfn', 'koden', 'taggen'), or
    chosen among the offered names; raises Rejected with the choices."""
    folded = fold(text).strip(" .,:;!?")
    named = _own_field(folded) or _corrected_field(folded)
    return named or ChangeField(answers.choice(text, [field.value for field in ChangeField]))


def read_change(text: str, today: date) -> DetailsChange | None:
    """The change `text` names, as 'telefon 070-174 06 99'; None when it names no field; no values
    when it names the field only.

    Raises Rejected when the field cannot be changed, ValueRejected when the value does not fit.
    """
    if fold(text).strip(" .!").startswith(NO_PORTKOD):
        return DetailsChange(ChangeField.PORTKOD, {"portkod": ""})
    first, _, rest = text.strip().partition(" ")
    own = _own_field(fold(first.strip(".,:;")))
    if own is not None:
        return read_value(own, rest, today)
    correction = parse_correction(f"ändra {text}", today)
    if correction is None:
        return None
    field = _field_of(correction.fields)
    if correction.error is not None:
        raise ValueRejected(field, correction.error)
    return DetailsChange(field, correction.values)


def read_value(field: ChangeField, text: str, today: date) -> DetailsChange:
    """The new value of `field` typed on its own; raises Rejected with what is expected."""
    if not text.strip():
        return DetailsChange(field, {})
    try:
        return _read_value(field, text, today)
    except Rejected as rejected:
        raise ValueRejected(field, rejected.message) from None


def _read_value(field: ChangeField, text: str, today: date) -> DetailsChange:
    if field is ChangeField.KEY:
        return DetailsChange(field, {"key_collected": KEY_CHOICES[answers.choice(text, choices(field))]})
    if field is ChangeField.OUTER_DOOR:
        needed, collected = OUTER_DOOR_CHOICES[answers.choice(text, choices(field))]
        return DetailsChange(field, {"outer_door_tag_needed": needed, "outer_door_tag_collected": collected})
    found = read_change(f"{CORRECTION_WORDS[field]} {text}", today)
    if found is None or not found.values:
        raise Rejected(texts.CHANGE_ASK_VALUE[field])
    return found


def changed(details: OrderDetails, change: DetailsChange) -> OrderDetails:
    """`details` with the change made; raises Rejected when the change leaves the order incomplete."""
    new = _changed(details, change)
    try:
        return OrderDetails.model_validate(new.model_dump())
    except ValidationError:
        raise Rejected(texts.CHANGE_ASK_VALUE[change.field]) from None


def _changed(details: OrderDetails, change: DetailsChange) -> OrderDetails:
    values = change.values
    brukare = details.brukare
    if change.field is ChangeField.PHONE:
        brukare = brukare.model_copy(update={"phone": values["phone"]})
    elif change.field is ChangeField.PORTKOD:
        brukare = brukare.model_copy(update={"portkod": values["portkod"] or None})
    elif change.field is ChangeField.ADDRESS:
        brukare = brukare.model_copy(update={"address": _address(brukare.address, values)})
    elif change.field is ChangeField.CONTACTS:
        return details.model_copy(update={"contacts": _contacts(values)})
    else:
        return details.model_copy(update={"access": _access(details.access, values)})
    return details.model_copy(update={"brukare": brukare})


def shown(field: ChangeField, details: OrderDetails, orderer: Orderer, reveal: bool = False) -> str:
    """The value as a chat may show it: the portkod only with `reveal` (the team's chat: only `visa`)."""
    if field is ChangeField.PHONE:
        return format_phone(details.brukare.phone)
    if field is ChangeField.ADDRESS:
        address = details.brukare.address
        return f"{address.street}, {address.postnummer} {address.ort}"
    if field is ChangeField.PORTKOD:
        hidden = texts.CHANGE_PORTKOD_HIDDEN
        return (details.brukare.portkod or texts.VALUE_NO_PORTKOD) if reveal else hidden
    if field is ChangeField.CONTACTS:
        return contacts_text(details.contacts, orderer)
    if field is ChangeField.KEY:
        return texts.CHANGE_KEY_COLLECTED if details.access.key_collected else texts.CHANGE_KEY_NOT_COLLECTED
    return outer_door(details.access)


CORRECTION_WORDS = {
    ChangeField.PHONE: "telefon",
    ChangeField.ADDRESS: "adress",
    ChangeField.PORTKOD: "portkod",
    ChangeField.CONTACTS: "kontakt",
}


def _own_field(folded: str) -> ChangeField | None:
    if folded in KEY_WORDS:
        return ChangeField.KEY
    if folded in OUTER_DOOR_WORDS:
        return ChangeField.OUTER_DOOR
    return None


def _corrected_field(folded: str) -> ChangeField | None:
    """The part a field word of bot/language/corrections.toml names, if it may change after filing."""
    names = CORRECTION_FIELDS.get(folded, ())
    found = {CORRECTED.get(name) for name in names}
    return found.pop() if len(found) == 1 else None


def _field_of(fields: tuple[str, ...]) -> ChangeField:
    found = {CORRECTED.get(name) for name in fields}
    if None in found or len(found) != 1:
        raise Rejected(texts.CHANGE_FIELD_FIXED)
    return found.pop()  # type: ignore[return-value]


def _address(known: Address, values: dict[str, object]) -> Address:
    """A new street needs its postnummer and ort; a postnummer or an ort alone keeps the street."""
    if "street" in values and not {"postnummer", "ort"} <= values.keys():
        raise Rejected(texts.CHANGE_ADDRESS_WHOLE)
    return known.model_copy(
        update={name: values[name] for name in ("street", "postnummer", "ort") if name in values}
    )


def _contacts(values: dict[str, object]) -> tuple[BookingContact, ...]:
    given = values.get("contacts") or []
    try:
        return tuple(ContactDraft.model_validate(contact).build() for contact in given)  # type: ignore[union-attr]
    except ValidationError:
        raise Rejected(texts.CHANGE_ASK_VALUE[ChangeField.CONTACTS]) from None


def _access(known: Access, values: dict[str, object]) -> Access:
    return known.model_copy(update=values)
