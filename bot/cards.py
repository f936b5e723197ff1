"""The facts of an order as label/value pairs, as Markdown text and as Adaptive Card JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import texts
from bot.domain import Access, BookingContact, ContactKind, Erasure, OrderDetails, Orderer
from bot.identity import format_phone, mask_personnummer

Facts = list[tuple[str, str]]


def order_facts(
    details: OrderDetails, orderer: Orderer, *, reveal: bool, erasure: Erasure | None = None
) -> Facts:
    """What an order says; `reveal` shows the full personnummer and the portkod (unless erased)."""
    if erasure is not None and erasure.anonymised_at is not None:
        return _anonymised_facts(details, orderer)
    brukare = details.brukare
    address = brukare.address
    digits = brukare.personnummer
    facts = [
        (texts.LABEL_BRUKARE, brukare.name),
        (texts.LABEL_PERSONNUMMER, _formatted_pnr(digits) if reveal else mask_personnummer(digits)),
        (texts.LABEL_ADDRESS, f"{address.street}, {address.postnummer} {address.ort}"),
        (texts.LABEL_PHONE, format_phone(brukare.phone)),
    ]
    return [
        *facts,
        *_access_facts(details, reveal, erased=erasure is not None and erasure.access_data_at is not None),
        (texts.LABEL_CONTACTS, contacts_text(details.contacts, orderer)),
        (texts.LABEL_CATEGORY, " > ".join(details.category.path)),
        (texts.LABEL_ORDERER, f"{orderer.name}, {orderer.unit}, {format_phone(orderer.phone)}"),
        (texts.LABEL_PREREQUISITES, texts.VALUE_PREREQUISITES),
    ]


def _access_facts(details: OrderDetails, reveal: bool, erased: bool) -> Facts:
    """Portkod (revealed only), key and outer door; after the retention period, that they are erased."""
    portkod = texts.VALUE_ERASED if erased else details.brukare.portkod or texts.VALUE_NO_PORTKOD
    facts = [(texts.LABEL_PORTKOD, portkod)] if reveal else []
    return [
        *facts,
        (texts.LABEL_KEY, texts.VALUE_ERASED if erased else texts.VALUE_KEY_COLLECTED),
        (texts.LABEL_OUTER_DOOR, texts.VALUE_ERASED if erased else outer_door(details.access)),
    ]


def _anonymised_facts(details: OrderDetails, orderer: Orderer) -> Facts:
    return [
        (texts.LABEL_BRUKARE, texts.VALUE_ANONYMISED),
        (texts.LABEL_CATEGORY, " > ".join(details.category.path)),
        (texts.LABEL_ORDERER, orderer.unit),
    ]


def outer_door(access: Access) -> str:
    if not access.outer_door_tag_needed:
        return texts.VALUE_TAG_NOT_NEEDED
    return texts.VALUE_TAG_COLLECTED if access.outer_door_tag_collected else texts.VALUE_TAG_MISSING


def contacts_text(contacts: Sequence[BookingContact], orderer: Orderer) -> str:
    return ", ".join(_contact(contact, orderer) for contact in contacts)


def _contact(contact: BookingContact, orderer: Orderer) -> str:
    if contact.kind is ContactKind.BRUKARE:
        return texts.CONTACT_BRUKARE
    if contact.kind is ContactKind.VERKSAMHET:
        return f"{texts.CONTACT_VERKSAMHET} ({orderer.unit})"
    phone = format_phone(contact.phone) if contact.phone else ""
    return texts.CONTACT_NARSTAENDE.format(name=contact.name, relation=contact.relation, phone=phone).strip()


def _formatted_pnr(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}"


def facts_text(title: str, facts: Facts) -> str:
    lines = [f"**{title}**", *(f"- {label}: {value}" for label, value in facts)]
    return "\n".join(lines)


def facts_card(title: str, facts: Facts, answers: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """An Adaptive Card; each answer (title, text) is a button that submits `{"answer": text}`."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            *(_fact_block(label, value) for label, value in facts),
        ],
        "actions": [
            {"type": "Action.Submit", "title": label, "data": {"answer": answer}} for label, answer in answers
        ],
    }


def _fact_block(label: str, value: str) -> dict[str, Any]:
    """A label on its own line above its value: long Swedish labels never break mid-word on a phone."""
    return {
        "type": "Container",
        "spacing": "Medium",
        "items": [
            {"type": "TextBlock", "text": label, "weight": "Bolder", "isSubtle": True, "wrap": True},
            {"type": "TextBlock", "text": value, "wrap": True, "spacing": "None"},
        ],
    }
