"""The ordering unit's and the team's work on a filed order: each action checked, applied once, told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta

from bot import texts
from bot.access import AccessPolicy
from bot.audit import AuditAction, AuditEntry, current_via
from bot.domain import Order, OrderEvent, TeamMember
from bot.followup import transitions
from bot.followup.fields import DetailsChange, changed
from bot.followup.publish import answer_keys
from bot.handling import Check, Transition, applied
from bot.local_time import local
from bot.orders import Clock, utc_now
from bot.store.unit_of_work import Database, UnitOfWork
from bot.workflow import Change, NotAllowed


class Refused(NotAllowed):
    """The actor is neither of the ordering unit nor of the team; the attempt is audited."""


class FollowUpService:
    """Change, cancel, pause, message, ask, answer and show the history of filed orders."""

    def __init__(
        self, database: Database, policy: AccessPolicy, clock: Clock = utc_now, undo_seconds: float = 60
    ) -> None:
        self.database = database
        self.policy = policy
        self.clock = clock
        self.undo_seconds = undo_seconds

    async def change(self, reference: str, actor: TeamMember, change: DetailsChange) -> Order:
        """One part of the details changed; raises Rejected when the new details are incomplete."""

        def transition(order: Order, now: datetime) -> Change:
            details = changed(order.details, change)
            return transitions.change_details(order, actor, change.field.value, details, now)

        return await self._apply(reference, actor, transition, "change")

    async def cancel(self, reference: str, actor: TeamMember, reason: str) -> Order:
        return await self._apply(
            reference, actor, lambda order, now: transitions.cancel(order, actor, reason, now), "cancel"
        )

    async def pause(self, reference: str, actor: TeamMember, until: date, reason: str) -> Order:
        return await self._apply(
            reference, actor, lambda order, now: transitions.pause(order, actor, until, reason, now), "pause"
        )

    async def message(self, reference: str, actor: TeamMember, text: str) -> Order:
        return await self._apply(
            reference, actor, lambda order, now: transitions.message(order, actor, text, now), "message"
        )

    async def ask(self, reference: str, member: TeamMember, text: str) -> Order:
        """The team's question; only the team asks."""
        if not self.policy.is_team(member.user_id):
            raise NotAllowed(texts.REFUSE_NOT_TEAM)
        return await self._apply(
            reference, member, lambda order, now: transitions.ask(order, member, text, now), "ask"
        )

    async def answer(self, reference: str, actor: TeamMember, text: str, number: int | None = None) -> Order:
        """The answer reaches the team and the desk after the undo window, unless taken back."""
        return await self._apply(
            reference,
            actor,
            lambda order, now: transitions.answer(order, actor, text, number, now),
            "answer",
            undo_seconds=self.undo_seconds,
        )

    async def undo_answer(self, reference: str, actor: TeamMember) -> Order:
        """Take back `actor`'s latest answer on the order, within the undo window."""
        check = self._access(actor, "undo")

        async def undoable(uow: UnitOfWork, order: Order) -> None:
            """Allowed, and within the window: what the answer set going is withdrawn with it."""
            await check(uow, order)
            for prefix in answer_keys(await self._recent_answer(uow, order, actor)):
                await uow.outbox.withdraw(reference, prefix)

        async with self._audited(actor, reference, "undo"):
            return await applied(
                self.database,
                reference,
                lambda order, now: transitions.withdraw_answer(order, actor, now),
                self.clock(),
                undoable,
            )

    async def history(self, reference: str, actor: TeamMember) -> tuple[Order, list[OrderEvent]]:
        """The order and its events, oldest first, for its unit and the team."""
        order = await self.check(reference, actor, "history", changing=False)
        async with self.database.statements() as uow:
            return order, await uow.events.for_order(reference)

    async def check(self, reference: str, actor: TeamMember, what: str, changing: bool) -> Order:
        """The order, if `actor` may act on it now (and, `changing`, it may still change): before the bot
        asks for more, so nobody is asked for a reason only to be refused. Refusals are audited."""
        access = self._access(actor, what)
        async with self._audited(actor, reference, what), self.database.statements() as uow:
            order = await uow.orders.by_reference(reference)
            if order is None:
                raise NotAllowed(texts.ORDER_NOT_FOUND.format(reference=reference))
            await access(uow, order)
        if changing and order.state not in transitions.CHANGEABLE:
            raise NotAllowed(texts.REFUSE_CHANGE_STATE.format(reference=reference))
        return order

    async def answerable_in(self, conversation_key: str) -> list[str]:
        """The orders whose questions wait for an answer in `conversation_key`, newest first."""
        async with self.database.statements() as uow:
            return await uow.questions.in_conversation(conversation_key)

    async def actor(self, user_id: str, channel_name: str) -> TeamMember:
        """Who acts, by the name they ordered under (else as their channel names them, else the id)."""
        async with self.database.statements() as uow:
            known = await uow.staff.get(user_id)
        name = known.name if known is not None else channel_name
        return TeamMember(user_id=user_id, name=name or user_id)

    def today(self) -> date:
        return local(self.clock()).date()

    async def _apply(
        self, reference: str, actor: TeamMember, transition: Transition, what: str, undo_seconds: float = 0
    ) -> Order:
        async with self._audited(actor, reference, what):
            return await applied(
                self.database, reference, transition, self.clock(), self._access(actor, what), undo_seconds
            )

    @asynccontextmanager
    async def _audited(self, actor: TeamMember, reference: str, what: str) -> AsyncIterator[None]:
        """A refusal raised within is written to the audit log, then raised on."""
        try:
            yield
        except Refused:
            await self._audit_refusal(actor, reference, what)
            raise

    def _access(self, actor: TeamMember, what: str) -> Check:
        """The check that `actor` is of the order's unit or of the team."""

        async def check(uow: UnitOfWork, order: Order) -> None:
            if self.policy.is_team(actor.user_id) or order.orderer.user_id == actor.user_id:
                return
            known = await uow.staff.get(actor.user_id)
            if not self.policy.may_see(actor.user_id, known.unit if known else None, order):
                raise Refused(texts.REFUSE_NOT_YOURS.format(reference=order.reference))

        return check

    async def _recent_answer(self, uow: UnitOfWork, order: Order, actor: TeamMember) -> int:
        """The event id of `actor`'s answer that stands and is still within the undo window."""
        found = await uow.events.latest(order.reference, transitions.ANSWER, actor.user_id)
        question = transitions.latest_answered(order, actor)
        if found is None or question is None or question.answer is None or question.answer.at != found[1].at:
            raise NotAllowed(texts.UNDO_NOTHING)
        if self.clock() >= question.answer.at + timedelta(seconds=self.undo_seconds):
            raise NotAllowed(texts.UNDO_TOO_LATE.format(reference=order.reference))
        return found[0]

    async def _audit_refusal(self, actor: TeamMember, reference: str, what: str) -> None:
        via = current_via()
        entry = AuditEntry(
            at=self.clock(),
            actor_id=actor.user_id,
            action=AuditAction.REFUSED,
            reference=reference,
            channel=via.channel,
            conversation=via.conversation,
            detail=what,
        )
        async with self.database.transaction() as uow:
            await uow.audit.add(entry)
