"""The retention rules (gallring): erase access data, anonymise old orders, drop stale drafts and state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement

from bot import texts
from bot.audit import SYSTEM, AuditAction, AuditEntry
from bot.domain import Access, Address, BookingContact, Brukare, Order, Orderer, Question, TeamMember
from bot.followup import transitions
from bot.orders import Clock, utc_now
from bot.settings import Settings
from bot.store.db import checkpoint
from bot.store.repositories import ConcurrentUpdate
from bot.store.retention_queries import access_not_erased, not_anonymised
from bot.store.unit_of_work import Database, UnitOfWork

log = logging.getLogger(__name__)

ACTOR = "system:retention"
ACCESS_DATA = "access data"  # the audit log's detail for each kind of erasure
ANONYMISED = "anonymised"
PruneState = Callable[[datetime], Awaitable[int]]  # deletes conversation state idle since then
Erase = Callable[[Order, datetime], Order]


@dataclass(frozen=True)
class RetentionPeriods:
    access_data: timedelta = timedelta(days=7)  # after CLOSED or CANCELLED
    order: timedelta = timedelta(days=1825)  # after CLOSED or CANCELLED; an orderer's profile unused as long
    draft: timedelta = timedelta(days=30)  # since last touched; also the conversation state
    run_every: timedelta = timedelta(hours=1)  # how often the app runs the rules

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPeriods:
        return cls(
            access_data=timedelta(days=settings.access_data_retention_days),
            order=timedelta(days=settings.order_retention_days),
            draft=timedelta(days=settings.draft_retention_days),
            run_every=timedelta(minutes=settings.retention_interval_minutes),
        )


@dataclass(frozen=True)
class RetentionReport:
    """What one run erased: counts only, so it can be logged."""

    access_data_erased: int = 0
    anonymised: int = 0
    drafts_deleted: int = 0
    states_deleted: int = 0
    messages_deleted: int = 0
    profiles_deleted: int = 0


class Retention:
    """Runs the rules; each order is erased in its own transaction, and every erasure is audited."""

    def __init__(
        self, database: Database, periods: RetentionPeriods, prune_state: PruneState, clock: Clock = utc_now
    ) -> None:
        self.database = database
        self.periods = periods
        self.prune_state = prune_state
        self.clock = clock

    async def run_once(self) -> RetentionReport:
        now = self.clock()
        anonymised = await self._erase_each(now - self.periods.order, not_anonymised(), anonymise, ANONYMISED)
        erased = await self._erase_each(
            now - self.periods.access_data, access_not_erased(), without_access_data, ACCESS_DATA
        )
        async with self.database.transaction() as uow:
            drafts = await uow.retention.delete_drafts(now - self.periods.draft)
            messages = await uow.retention.delete_finished_messages(now - self.periods.access_data)
            profiles = await uow.retention.delete_staff(now - self.periods.order)
        states = await self.prune_state(now - self.periods.draft)
        await checkpoint(self.database.engine)
        report = RetentionReport(erased, anonymised, drafts, states, messages, profiles)
        log.info("retention: %s", report)
        return report

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run now, then every `run_every` until `stop` is set; a failed run is logged and tried again."""
        while True:
            try:
                await self.run_once()
            except Exception as error:  # the next run tries again; the type says enough, the text may not
                log.error("retention run failed: %s", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.periods.run_every.total_seconds())
            if stop.is_set():
                return

    async def _erase_each(
        self, cutoff: datetime, not_yet: ColumnElement[bool], erase: Erase, what: str
    ) -> int:
        async with self.database.transaction() as uow:
            references = await uow.retention.ended_before(cutoff, not_yet)
        done = 0
        for reference in references:
            try:
                async with self.database.transaction() as uow:
                    done += await self._erase(uow, reference, erase, what)
            except ConcurrentUpdate:  # changed meanwhile (another instance's run): the next run sees it
                continue
        return done

    async def _erase(self, uow: UnitOfWork, reference: str, erase: Erase, what: str) -> int:
        order = await uow.orders.by_reference(reference)
        if order is None:
            return 0
        now = self.clock()
        await uow.orders.update(erase(order, now), read_version=order.version)
        if what == ACCESS_DATA:
            await uow.retention.blank_event_details(reference, transitions.WRITTEN)
        if what == ANONYMISED:
            await uow.retention.forget_who(reference)
            await uow.retention.blank_event_details(reference)
            await uow.retention.delete_messages(reference)
        await uow.audit.add(
            AuditEntry(
                at=now,
                actor_id=ACTOR,
                action=AuditAction.ERASE,
                reference=reference,
                channel=SYSTEM.channel,
                detail=what,
            )
        )
        return 1


def without_access_data(order: Order, now: datetime) -> Order:
    """`order` without its portkod and key and tag details."""
    details = order.details.model_copy(
        update={
            "brukare": order.details.brukare.model_copy(update={"portkod": None}),
            "access": Access(key_collected=False, outer_door_tag_needed=False),
        }
    )
    erasure = order.erasure.model_copy(update={"access_data_at": order.erasure.access_data_at or now})
    return _saved(order, details=details, erasure=erasure, questions=_questions_erased(order))


def _questions_erased(order: Order) -> tuple[Question, ...]:
    """The team's questions and the answers, their words gone: they may hold a door code."""
    gone = texts.VALUE_ERASED
    return tuple(
        question.model_copy(
            update={
                "text": gone,
                "answer": question.answer.model_copy(update={"text": gone}) if question.answer else None,
            }
        )
        for question in order.questions
    )


def anonymise(order: Order, now: datetime) -> Order:
    """`order` with nothing left that tells who the brukare, the contacts or the staff were."""
    order = without_access_data(order, now)
    gone = texts.VALUE_ANONYMISED
    details = order.details
    prerequisites = details.prerequisites
    unsigned = {
        name: getattr(prerequisites, name).model_copy(update={"confirmed_by": ""})
        for name in ("treserva", "key_receipt", "journal")
    }
    details = details.model_copy(
        update={
            "brukare": Brukare(
                name=gone,
                personnummer="",
                address=Address(street=gone, postnummer="", ort=""),
                phone="",
                portkod=None,
            ),
            "contacts": tuple(BookingContact(kind=contact.kind) for contact in details.contacts),
            "prerequisites": prerequisites.model_copy(update=unsigned),
        }
    )
    handling = order.handling
    handling = handling.model_copy(
        update={
            "assignee": TeamMember(user_id="", name=gone) if handling.assignee else None,
            "booking": handling.booking.model_copy(update={"contacted": ""}) if handling.booking else None,
            "feedback": "" if handling.feedback else None,
            "cancel_reason": "" if handling.cancel_reason else None,
            "cancelled_by": TeamMember(user_id="", name=gone) if handling.cancelled_by else None,
            "pause": None,  # its reason may be about health: in hospital, in short-term care
        }
    )
    orderer = Orderer(user_id="", name=gone, phone="", unit=order.orderer.unit)
    erasure = order.erasure.model_copy(update={"anonymised_at": now})
    return _saved(
        order,
        details=details,
        handling=handling,
        orderer=orderer,
        orderer_conversation="",
        erasure=erasure,
        questions=(),  # questions and answers are free text about the brukare
    )


def _saved(order: Order, **changes: object) -> Order:
    """The changed order as the next version; `updated_at` stays when it ended: the rules count from it."""
    return order.model_copy(update={**changes, "version": order.version + 1})
