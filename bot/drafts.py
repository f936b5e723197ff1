"""An order being filled in: every answer optional until the summary, then built into OrderDetails."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, Field

from bot.domain import (
    Access,
    Address,
    BookingContact,
    Brukare,
    Category,
    Confirmation,
    ContactKind,
    OrderDetails,
    Orderer,
    Prerequisites,
)

NO_PORTKOD = ""
T = TypeVar("T")


class ContactDraft(BaseModel):
    """One booking contact being filled in."""

    kind: ContactKind | None = None
    name: str | None = None
    relation: str | None = None
    phone: str | None = None

    def build(self) -> BookingContact:
        return BookingContact.model_validate(self.model_dump())


class OrderDraft(BaseModel):
    """The answers given so far; a field is None until it is answered."""

    key: str = Field(default_factory=lambda: uuid.uuid4().hex)
    user_id: str = ""
    treserva: datetime | None = None  # when the orderer confirmed each precondition
    key_receipt: datetime | None = None
    journal: datetime | None = None
    unit: str | None = None
    orderer_name: str | None = None
    orderer_phone: str | None = None
    brukare_name: str | None = None
    personnummer: str | None = None
    street: str | None = None
    postnummer: str | None = None
    ort: str | None = None
    phone: str | None = None
    portkod: str | None = None  # NO_PORTKOD when the brukare has none
    outer_door_tag_needed: bool | None = None
    outer_door_tag_collected: bool | None = None
    contacts: list[ContactDraft] | None = None
    rubrik: str | None = None
    underrubrik: str | None = None
    confirmed: bool | None = None
    phone_candidates: list[str] | None = None  # phones in free text whose owner was unclear: offered

    def unused_phone_candidates(self) -> list[str]:
        """The offered phones not yet given as the brukare's or the orderer's."""
        used = {self.phone, self.orderer_phone}
        return [phone for phone in self.phone_candidates or [] if phone not in used]

    def orderer(self) -> Orderer:
        return Orderer(
            user_id=self.user_id,
            name=_required(self.orderer_name),
            phone=_required(self.orderer_phone),
            unit=_required(self.unit),
        )

    def details(self) -> OrderDetails:
        """The finished order's contents; raises ValueError while anything is missing."""
        return OrderDetails(
            prerequisites=Prerequisites(
                treserva=_confirmation(self.user_id, self.treserva),
                key_receipt=_confirmation(self.user_id, self.key_receipt),
                journal=_confirmation(self.user_id, self.journal),
            ),
            brukare=self._brukare(),
            access=Access(
                key_collected=self.key_receipt is not None,
                outer_door_tag_needed=_required(self.outer_door_tag_needed),
                outer_door_tag_collected=(
                    _required(self.outer_door_tag_collected) if self.outer_door_tag_needed else None
                ),
            ),
            contacts=tuple(contact.build() for contact in _required(self.contacts)),
            category=Category(rubrik=_required(self.rubrik), underrubrik=_required(self.underrubrik)),
        )

    def _brukare(self) -> Brukare:
        portkod = _required(self.portkod)
        return Brukare(
            name=_required(self.brukare_name),
            personnummer=_required(self.personnummer),
            address=Address(
                street=_required(self.street),
                postnummer=_required(self.postnummer),
                ort=_required(self.ort),
            ),
            phone=_required(self.phone),
            portkod=portkod or None,
        )


def _confirmation(user_id: str, at: datetime | None) -> Confirmation:
    return Confirmation(confirmed_by=user_id, confirmed_at=_required(at))


def _required(value: T | None) -> T:
    if value is None:
        raise ValueError("the draft is not complete")
    return value
