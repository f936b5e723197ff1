"""The order and everything it carries, its states and events: plain pydantic models, no framework."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

REFERENCE_PATTERN = re.compile(r"\bVT-?(\d{4})-?(\d{4,})\b", re.IGNORECASE)
CATEGORY_ROOT = ("Vård, Stöd och Omsorg", "Välfärdsteknik")


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class OrderState(StrEnum):
    DRAFT = "DRAFT"
    FILED = "FILED"
    RECEIVED = "RECEIVED"
    BOOKED = "BOOKED"
    INSTALLED = "INSTALLED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class ChecklistItem(StrEnum):
    """The team's duties from the routine, each ticked off before an order can be closed."""

    INSTALLED = "installerat"
    REGISTERED = "registrerat"
    INVENTORY = "inventarie"
    INFORMATION = "information"


OPEN_STATES = frozenset({OrderState.FILED, OrderState.RECEIVED, OrderState.BOOKED, OrderState.INSTALLED})


class ContactKind(StrEnum):
    BRUKARE = "brukare"
    NARSTAENDE = "närstående"
    VERKSAMHET = "verksamhet"


class Confirmation(Model):
    """One of the routine's preconditions, confirmed by a person at a time."""

    confirmed_by: str
    confirmed_at: datetime


class Prerequisites(Model):
    treserva: Confirmation
    key_receipt: Confirmation
    journal: Confirmation


class Address(Model):
    street: str
    postnummer: str
    ort: str


class Brukare(Model):
    name: str
    personnummer: str
    address: Address
    phone: str
    portkod: str | None


class Access(Model):
    key_collected: bool
    outer_door_tag_needed: bool
    outer_door_tag_collected: bool | None = None


class BookingContact(Model):
    kind: ContactKind
    name: str | None = None
    relation: str | None = None
    phone: str | None = None


class Category(Model):
    rubrik: str
    underrubrik: str

    @property
    def path(self) -> tuple[str, ...]:
        return (*CATEGORY_ROOT, self.rubrik, self.underrubrik)


class Orderer(Model):
    """The staff member who orders, and the unit (verksamhet) they order for."""

    user_id: str
    name: str
    phone: str
    unit: str


class OrderDetails(Model):
    """What the orderer filled in: everything the routine asks the order to carry."""

    prerequisites: Prerequisites
    brukare: Brukare
    access: Access
    contacts: tuple[BookingContact, ...] = Field(min_length=1)
    category: Category


class TeamMember(Model):
    """Someone who acts on an order: a team member, the service desk, or staff of the ordering unit."""

    user_id: str
    name: str


class Booking(Model):
    """The installation time the team agreed, and with whom."""

    at: datetime
    contacted: str = ""


class Devices(Model):
    """Serial numbers for the inventory list."""

    alarm_serial: str = ""
    lock_serial: str = ""


class Pause(Model):
    """The order waits (the brukare is in hospital, say) until `until`, the day it is active again."""

    until: date
    reason: str
    by: TeamMember
    at: datetime


class Reply(Model):
    """An answer to the team's question: who, when, what."""

    text: str
    by: TeamMember
    at: datetime


class Question(Model):
    """The team's question to the orderer's unit about the order; `number` counts from 1 per order."""

    number: int
    text: str
    by: TeamMember
    at: datetime
    answer: Reply | None = None


class Handling(Model):
    """What the team has done with an order."""

    assignee: TeamMember | None = None
    booking: Booking | None = None
    checklist: frozenset[ChecklistItem] = frozenset()
    devices: Devices | None = None
    feedback: str | None = None
    cancel_reason: str | None = None
    cancelled_by: TeamMember | None = None  # None: by the team (older orders); else whoever cancelled
    pause: Pause | None = None

    def remaining(self) -> list[ChecklistItem]:
        return [item for item in ChecklistItem if item not in self.checklist]


class TicketState(StrEnum):
    """Where the order's ticket in the service desk (Lindesk) stands."""

    QUEUED = "queued"
    DELAYED = "delayed"  # the desk did not answer; the app keeps trying
    SENT = "sent"
    FAILED = "failed"  # the desk refused it for good; the team was told


class DeskTicket(Model):
    """The order's ticket in the service desk, and the desk's own id for it once known."""

    state: TicketState = TicketState.QUEUED
    desk_id: str | None = None


class Erasure(Model):
    """What the retention rules have erased from an order, and when (None: not yet)."""

    access_data_at: datetime | None = None  # portkod, key and tag details
    anonymised_at: datetime | None = None  # everything that tells who the brukare and the people were


class Order(Model):
    """A filed order as the team and the orderer see it."""

    reference: str
    state: OrderState
    orderer: Orderer
    details: OrderDetails
    filed_at: datetime
    updated_at: datetime
    handling: Handling = Handling()
    orderer_conversation: str = ""
    version: int = 1
    ticket: DeskTicket | None = None  # None: no service desk, the team works the order in chat
    erasure: Erasure = Erasure()
    questions: tuple[Question, ...] = ()

    def open_questions(self) -> list[Question]:
        return [question for question in self.questions if question.answer is None]

    def paused_on(self, day: date) -> Pause | None:
        """The pause in force on `day`, if any."""
        pause = self.handling.pause
        return pause if pause is not None and day < pause.until else None


class OrderEvent(Model):
    """One thing that happened to an order: who, when, what."""

    reference: str
    at: datetime
    actor_id: str
    kind: str
    state: OrderState
    detail: str = ""
    actor_name: str = ""  # as the channel named them then: the history shows who
    source: str = ""  # the service desk's own id of what it sent (a comment), to apply it once
    field: str = ""  # the part of the order changed (never its value): in the audit log too


def format_reference(year: int, serial: int) -> str:
    return f"VT-{year}-{serial:04d}"


def find_reference(text: str) -> str | None:
    """The first order reference in `text`, normalised ('vt 2026 42' is not one; 'vt-2026-0042' is)."""
    match = REFERENCE_PATTERN.search(text)
    if match is None:
        return None
    return format_reference(int(match.group(1)), int(match.group(2)))
