"""What the bot understood from free text, field by field, as label/value pairs to show the user."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot import texts
from bot.cards import Facts
from bot.identity import InvalidAnswer, format_phone
from bot.language.extraction import Extraction


def understood_facts(values: Mapping[str, object]) -> Facts:
    """Each understood value with its label, in the order the questions are asked."""
    facts: Facts = []
    for name, (label, show) in FIELDS.items():
        if values.get(name) is not None:
            facts.append((label, show(values[name])))
    if values.get("outer_door_tag_needed") is not None:
        facts.append((texts.LABEL_OUTER_DOOR, _outer_door(values)))
    if values.get("rubrik") is not None:
        facts.append((texts.LABEL_CATEGORY, f"{values['rubrik']} > {values.get('underrubrik')}"))
    return facts


def report_lines(extraction: Extraction) -> list[str]:
    """What could not be used: invalid values, parts not placed, phones of unknown owners, notes."""
    lines = [*extraction.notes]
    lines += [_problem(problem.field, problem.message) for problem in extraction.problems]
    if extraction.unplaced:
        parts = ", ".join(f"”{part}”" for part in extraction.unplaced)
        lines.append(texts.NOT_PLACED.format(parts=parts))
    if extraction.unassigned_phones:
        phones = ", ".join(map(_phone, extraction.unassigned_phones))
        lines.append(texts.PHONES_UNASSIGNED.format(phones=phones))
    if extraction.key_mentioned:
        lines.append(texts.KEY_CONFIRMED_SEPARATELY)
    return lines


def _problem(name: str, message: str) -> str:
    return texts.UNDERSTOOD_PROBLEM.format(label=_label(name), message=message)


def _phone(value: object) -> str:
    try:
        return format_phone(str(value))
    except InvalidAnswer:
        return str(value)


def _text(value: object) -> str:
    return str(value)


def _personnummer(value: object) -> str:
    digits = str(value)
    return f"{digits[:8]}-{digits[8:]}"


def _portkod(value: object) -> str:
    return str(value) or texts.VALUE_NO_PORTKOD


def _contacts(value: object) -> str:
    contacts = value if isinstance(value, list) else []
    return ", ".join(_contact(contact) for contact in contacts if isinstance(contact, dict))


def _contact(contact: dict[str, object]) -> str:
    if contact.get("kind") == "brukare":
        return texts.CONTACT_BRUKARE
    if contact.get("kind") == "verksamhet":
        return texts.CONTACT_VERKSAMHET
    phone = _phone(contact.get("phone") or "")
    name, relation = contact.get("name"), contact.get("relation")
    return texts.CONTACT_NARSTAENDE.format(name=name, relation=relation, phone=phone)


def _outer_door(values: Mapping[str, object]) -> str:
    if not values.get("outer_door_tag_needed"):
        return texts.VALUE_TAG_NOT_NEEDED
    collected = values.get("outer_door_tag_collected")
    if collected is None:
        return texts.VALUE_TAG_NEEDED
    return texts.VALUE_TAG_COLLECTED if collected else texts.VALUE_TAG_MISSING


def _label(name: str) -> str:
    return FIELDS[name][0] if name in FIELDS else texts.LABEL_CONTACTS


FIELDS: dict[str, tuple[str, Callable[[object], str]]] = {
    "unit": (texts.LABEL_UNIT, _text),
    "orderer_name": (texts.LABEL_ORDERER_NAME, _text),
    "orderer_phone": (texts.LABEL_ORDERER_PHONE, _phone),
    "brukare_name": (texts.LABEL_BRUKARE, _text),
    "personnummer": (texts.LABEL_PERSONNUMMER, _personnummer),
    "street": (texts.LABEL_STREET, _text),
    "postnummer": (texts.LABEL_POSTNUMMER, _text),
    "ort": (texts.LABEL_ORT, _text),
    "phone": (texts.LABEL_PHONE, _phone),
    "portkod": (texts.LABEL_PORTKOD, _portkod),
    "contacts": (texts.LABEL_CONTACTS, _contacts),
}
