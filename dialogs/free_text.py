"""Free text inside an order: several fields in one answer, or a correction, as one fill of the draft."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from botbuilder.dialogs import DialogContext, DialogInstance
from botbuilder.schema import Activity

from bot import texts
from bot.cards import facts_card
from bot.categories import Categories
from bot.language.category_in_text import category_in
from bot.language.corrections import Correction, parse_correction
from bot.language.extraction import Extraction, extract
from bot.language.understood import FIELDS, report_lines, understood_facts
from dialogs import messages
from dialogs.contacts import CONTACTS_ID

CONTACT_QUESTIONS = frozenset({"kind", "name", "relation", "phone", "more"})
CLEARED_TOGETHER = {"outer_door_tag_needed": ("outer_door_tag_collected",)}
RELATIVE = "närstående"
AS_ORDERER = {"brukare_name": "orderer_name", "phone": "orderer_phone"}  # a person's name and phone


@dataclass(frozen=True)
class Pending:
    """The question waiting for an answer: its draft field, and whether it is inside the contacts."""

    name: str
    in_contacts: bool

    @property
    def expecting(self) -> str | None:
        """The order field a bare value answers; inside the contacts, none (their own readers read it)."""
        return None if self.in_contacts else self.name


@dataclass(frozen=True)
class Fill:
    """Values to put into the draft (or fields to ask again), and what to tell the user about it."""

    values: dict[str, object] = field(default_factory=dict)
    clear: tuple[str, ...] = ()
    report: Activity | None = None
    refusal: str | None = None  # a correction whose value was refused: nothing changes


def pending_question(inner_dc: DialogContext) -> Pending | None:
    """The question the running order waits on, if a prompt is waiting."""
    active = inner_dc.active_dialog
    options = active.state.get("options") if active is not None else None
    name = getattr(options, "validations", None)
    if not isinstance(name, str):
        return None
    in_contacts = name in CONTACT_QUESTIONS and any(_is_contacts(i) for i in inner_dc.stack)
    return Pending(name, in_contacts)


def read_free_text(text: str, today: date, categories: Categories, pending: Pending) -> Fill | None:
    """The fill `text` asks for, or None when the pending question's own reader should read it."""
    correction = parse_correction(text, today)
    if correction is not None:
        return _correction_fill(correction)
    if pending.name == "orderer_name":
        extraction = _as_orderer(read_order_text(text, today, categories, "brukare_name"))
    else:
        extraction = read_order_text(text, today, categories, pending.expecting)
    if not _worth_filling(extraction, pending):
        return None
    return Fill(values=draft_values(extraction), report=understood_message(extraction))


def draft_values(extraction: Extraction) -> dict[str, object]:
    """What goes into the draft: the values, and the phones whose owner is asked for."""
    values = dict(extraction.values)
    if extraction.unassigned_phones:
        values["phone_candidates"] = list(extraction.unassigned_phones)
    return values


def read_order_text(
    text: str, today: date, categories: Categories, expecting: str | None = None
) -> Extraction:
    """Every order field `text` gives, with the Lindesk category when it names one in words."""
    extraction = extract(text, today, expecting=expecting)
    category = category_in(text, categories)
    return replace(extraction, values={**extraction.values, **category}) if category else extraction


def understood_message(extraction: Extraction) -> Activity | None:
    """'Det här fick jag med mig:' and each value, then what could not be used; a card of the values."""
    facts = understood_facts(extraction.values)
    lines = [f"- {label}: {value}" for label, value in facts]
    text = "\n".join([f"**{texts.UNDERSTOOD_TITLE}**", *lines]) if lines else ""
    notes = report_lines(extraction)
    if not text and not notes:
        return None
    activity = messages.question("\n\n".join(part for part in [text, *notes] if part))
    return messages.with_card(activity, facts_card(texts.UNDERSTOOD_TITLE, facts)) if facts else activity


def merged_draft(inner_dc: DialogContext, draft: dict[str, Any], fill: Fill) -> dict[str, Any]:
    """The draft with the fill applied; contacts given while contacts are asked join those given before."""
    merged = dict(draft)
    for name in fill.clear:
        merged[name] = None
        for also in CLEARED_TOGETHER.get(name, ()):
            merged[also] = None
    merged.update(fill.values)
    if "contacts" in fill.values:
        merged["contacts"] = [*_contacts_so_far(inner_dc), *fill.values["contacts"]]  # type: ignore[misc]
    if merged.get("outer_door_tag_needed") is False:
        merged["outer_door_tag_collected"] = None
    return merged


def _as_orderer(extraction: Extraction) -> Extraction:
    """At the orderer's name, 'Sara Lind 070-174 06 11' is the orderer's name and phone."""
    if not extraction.values or not set(extraction.values) <= set(AS_ORDERER):
        return extraction
    values = {AS_ORDERER[name]: value for name, value in extraction.values.items()}
    return replace(extraction, values=values)


def _correction_fill(correction: Correction) -> Fill:
    if correction.error is not None:
        return Fill(refusal=texts.CORRECTION_REJECTED.format(message=correction.error))
    unknown = tuple(name for name in correction.fields if name not in correction.values)
    if not correction.values:
        return Fill(clear=unknown)
    labels = ", ".join(dict.fromkeys(FIELDS[name][0] for name in correction.values if name in FIELDS))
    said = messages.question(texts.CORRECTED.format(label=labels))
    return Fill(values=dict(correction.values), clear=unknown, report=said)


def _worth_filling(extraction: Extraction, pending: Pending) -> bool:
    """More than the pending question's own answer: other fields, or a part the bot could not use."""
    values = extraction.values
    if not values:
        return False
    if pending.in_contacts:
        contacts = values.get("contacts") or []
        return len(values) > 1 or any(_is_relative(contact) for contact in contacts)  # type: ignore[union-attr]
    others = set(values) - {pending.expecting}
    return bool(others or extraction.problems or extraction.unplaced or extraction.unassigned_phones)


def _is_relative(contact: object) -> bool:
    return isinstance(contact, dict) and contact.get("kind") == RELATIVE


def _contacts_so_far(inner_dc: DialogContext) -> list[dict[str, Any]]:
    """The contacts finished in a running contacts dialog (not yet in the draft)."""
    running = next((i for i in inner_dc.stack if _is_contacts(i)), None)
    return list(running.state.get("contacts", [])) if running is not None else []


def _is_contacts(instance: DialogInstance) -> bool:
    return instance.id == CONTACTS_ID
