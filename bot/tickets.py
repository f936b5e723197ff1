"""The order as a ticket for the service desk (Lindesk): text, JSON, subject, Message-ID, updates; queuing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot import texts
from bot.cards import Facts, order_facts
from bot.domain import BookingContact, Confirmation, ContactKind, DeskTicket, Order
from bot.notifications import local
from bot.outbox import Message, OutboxChannel
from bot.store.unit_of_work import UnitOfWork

DESK_DESTINATION = "lindesk"
# An update's e-mail subject: a reply to the ticket, with the desk's ticket number once the desk gave one.
UPDATE_SUBJECT = "Re: {subject}"
UPDATE_SUBJECT_WITH_DESK_ID = "Re: {subject} [Lindesk #{desk_id}]"
# The routine's list, group by group; each label is one line of the ticket.
BODY_GROUPS = (
    (
        texts.LABEL_BRUKARE,
        texts.LABEL_PERSONNUMMER,
        texts.LABEL_ADDRESS,
        texts.LABEL_PHONE,
        texts.LABEL_PORTKOD,
    ),
    (texts.LABEL_KEY, texts.LABEL_OUTER_DOOR),
    (texts.LABEL_CONTACTS,),
    (texts.LABEL_ORDERER,),
)
CONTACT_KINDS = {
    ContactKind.BRUKARE: "care_recipient",
    ContactKind.NARSTAENDE: "relative",
    ContactKind.VERKSAMHET: "ordering_unit",
}


@dataclass(frozen=True)
class Ticket:
    """One order as the desk receives it; the same order always gives the same ticket."""

    reference: str
    subject: str
    body: str
    data: dict[str, Any]


@dataclass(frozen=True)
class TicketUpdate:
    """One event of an order (a change, a question, ...) as a comment on its ticket in the desk."""

    reference: str
    event_id: int
    desk_id: str | None  # the desk's ticket id, when the desk gave one
    subject: str
    text: str

    @property
    def idempotency_key(self) -> str:
        """The same on every try of this update, so the desk adds it once."""
        return f"{self.reference}:update:{self.event_id}"


class TicketDesk(Protocol):
    """A service desk that files tickets; raises RetryLater or Undeliverable (bot.outbox_worker)."""

    async def file(self, ticket: Ticket) -> str | None:
        """File `ticket` (again, if asked twice: the desk must recognise its reference); the desk's id."""
        ...

    async def add_update(self, update: TicketUpdate) -> None:
        """Add `update` to its ticket (again, if asked twice: the desk must recognise its key)."""
        ...


def ticket_for(order: Order) -> Ticket:
    return Ticket(order.reference, _subject(order), ticket_body(order), ticket_data(order))


def update_for(order: Order, event_id: int, text: str) -> TicketUpdate:
    """The update of `order`'s ticket for event `event_id`, with the desk's ticket id if known."""
    desk_id = order.ticket.desk_id if order.ticket else None
    template = UPDATE_SUBJECT if desk_id is None else UPDATE_SUBJECT_WITH_DESK_ID
    subject = template.format(subject=_subject(order), desk_id=desk_id)
    return TicketUpdate(order.reference, event_id, desk_id, subject, text)


def message_id(reference: str, sender: str) -> str:
    """The e-mail Message-ID of an order's ticket: the same on every try, so the desk files it once."""
    return f"<{reference}.trygghetslarm@{_domain(sender)}>"


def update_message_id(update: TicketUpdate, sender: str) -> str:
    """The e-mail Message-ID of an update: the same on every try, so the desk adds it once."""
    return f"<{update.reference}.update-{update.event_id}.trygghetslarm@{_domain(sender)}>"


def update_body(update: TicketUpdate) -> str:
    """The update's text, then the order it is about."""
    return f"{update.text.rstrip()}\n\n{texts.TICKET_UPDATE_REFERENCE.format(reference=update.reference)}\n"


def ticket_body(order: Order) -> str:
    """Plain text laid out as the routine's list: category, brukare, keys, contacts, orderer, confirmed."""
    facts = dict(order_facts(order.details, order.orderer, reveal=True))
    lines = [
        texts.TICKET_TITLE.format(reference=order.reference),
        f"{texts.TICKET_LABEL_CATEGORY}: {' > '.join(order.details.category.path)}",
    ]
    for group in BODY_GROUPS:
        lines += ["", *(f"{label}: {facts[label]}" for label in group)]
    lines += ["", f"{texts.TICKET_CONFIRMED}:"]
    lines += [f"- {what}: {texts.when_text(local(at))}" for what, at in _confirmed_at(order)]
    return "\n".join(lines) + "\n"


def ticket_data(order: Order) -> dict[str, Any]:
    """The ticket as JSON: English field names, values as typed, numbers normalised (12 digits, E.164)."""
    details = order.details
    brukare = details.brukare
    access = details.access
    return {
        "reference": order.reference,
        "filed_at": order.filed_at.isoformat(),
        "category": list(details.category.path),
        "care_recipient": {
            "name": brukare.name,
            "personal_identity_number": brukare.personnummer,
            "address": {
                "street": brukare.address.street,
                "postal_code": brukare.address.postnummer,
                "city": brukare.address.ort,
            },
            "phone": brukare.phone,
            "door_code": brukare.portkod,
        },
        "access": {
            "key_collected": access.key_collected,
            "outer_door_key_needed": access.outer_door_tag_needed,
            "outer_door_key_collected": access.outer_door_tag_collected,
        },
        "booking_contacts": [_contact(contact) for contact in details.contacts],
        "ordering_unit": order.orderer.unit,
        "orderer": {"name": order.orderer.name, "phone": order.orderer.phone},
        "confirmations": {key: _confirmation(done) for key, done in _confirmation_fields(order)},
    }


def ticket_facts(order: Order) -> Facts:
    """Where the order's ticket stands, as a fact for `visa` and status; nothing without a desk."""
    if order.ticket is None:
        return []
    state, desk_id = texts.TICKET_STATE_NAMES[order.ticket.state.value], order.ticket.desk_id
    value = state if desk_id is None else texts.TICKET_DESK_ID.format(state=state, desk_id=desk_id)
    return [(texts.LABEL_TICKET, value)]


async def queue_ticket(uow: UnitOfWork, order: Order, now: datetime) -> Order:
    """Queue the order's ticket in the filing transaction; the order, showing its ticket as queued.

    The outbox row names the order only: the ticket is built from the stored order when it is sent,
    so no second copy of the personal data waits in the outbox.
    """
    key, reference = f"ticket:{order.reference}", order.reference
    await uow.outbox.add(key, OutboxChannel.LINDESK, DESK_DESTINATION, Message(), now, reference)
    return order.model_copy(update={"ticket": DeskTicket()})


def _subject(order: Order) -> str:
    return texts.TICKET_SUBJECT.format(reference=order.reference, unit=order.orderer.unit)


def _domain(sender: str) -> str:
    return sender.rpartition("@")[2] or "trygghetslarm.invalid"


def _confirmation_fields(order: Order) -> list[tuple[str, Confirmation]]:
    done = order.details.prerequisites
    return [
        ("services_in_treserva", done.treserva),
        ("key_receipt", done.key_receipt),
        ("journal", done.journal),
    ]


def _confirmed_at(order: Order) -> list[tuple[str, datetime]]:
    names = (texts.TICKET_CONFIRM_TRESERVA, texts.TICKET_CONFIRM_KEY_RECEIPT, texts.TICKET_CONFIRM_JOURNAL)
    fields = _confirmation_fields(order)
    return [(name, done.confirmed_at) for name, (_, done) in zip(names, fields, strict=True)]


def _confirmation(done: Confirmation) -> dict[str, str]:
    return {"confirmed_by": done.confirmed_by, "confirmed_at": done.confirmed_at.isoformat()}


def _contact(contact: BookingContact) -> dict[str, str | None]:
    return {
        "kind": CONTACT_KINDS[contact.kind],
        "name": contact.name,
        "relation": contact.relation,
        "phone": contact.phone,
    }
