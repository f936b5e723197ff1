"""The team's commands in chat: register a team conversation, list and show orders, and handle them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from botbuilder.core import MessageFactory, TurnContext

from bot import texts
from bot.access import AccessPolicy
from bot.audit import AuditAction
from bot.audit_log import AuditLog
from bot.cards import facts_card, facts_text
from bot.conversations import ConversationDirectory
from bot.domain import OPEN_STATES, Booking, ChecklistItem, TeamMember
from bot.handling import HandlingService
from bot.inventory import listed_orders
from bot.local_time import local
from bot.orders import Clock, OrderService
from bot.threads import ThreadDirectory
from bot.ticket_resend import TicketResend
from bot.when import BadTime, parse_when
from bot.workflow import NotAllowed
from dialogs.messages import with_card
from dialogs.team import views
from dialogs.team.commands import (
    TeamCommand,
    UnclearSerials,
    Verb,
    booking_parts,
    checklist_item,
    devices,
    parse_team_command,
)
from dialogs.team.threads import thread_reference
from dialogs.users import user_id

Action = Callable[[TurnContext, TeamCommand, TeamMember], Awaitable[None]]
NEEDS_REFERENCE = frozenset(
    {Verb.SHOW, Verb.TAKE, Verb.BOOK, Verb.TICK, Verb.CLOSE, Verb.CANCEL, Verb.RESEND}
)


class DownloadLinks:
    """Where a team member downloads the inventory CSV: a link made for them, and how long it lasts."""

    def __init__(self, link_for: Callable[[str], str], minutes: int) -> None:
        self.link_for = link_for
        self.minutes = minutes


class TeamHandler:
    """A MessageHandler for AlarmBot: answers the team's commands; refuses everyone else politely."""

    def __init__(
        self,
        orders: OrderService,
        handling: HandlingService,
        directory: ConversationDirectory,
        audit: AuditLog,
        downloads: DownloadLinks,
        clock: Clock,
        threads: ThreadDirectory,
    ) -> None:
        self.orders = orders
        self.handling = handling
        self.policy: AccessPolicy = handling.policy
        self.tickets = TicketResend(handling.database, handling.policy, clock)
        self.directory = directory
        self.audit = audit
        self.downloads = downloads
        self.clock = clock
        self.threads = threads
        self.actions: dict[Verb, Action] = {
            Verb.HELP: self._help,
            Verb.REGISTER: self._register,
            Verb.LIST: self._list,
            Verb.INVENTORY: self._inventory,
            Verb.SHOW: self._show,
            Verb.TAKE: self._take,
            Verb.BOOK: self._book,
            Verb.TICK: self._tick,
            Verb.CLOSE: self._close,
            Verb.CANCEL: self._cancel,
            Verb.RESEND: self._resend,
        }

    async def try_handle(self, context: TurnContext, text: str, in_dialog: bool) -> bool:
        command = parse_team_command(text)
        if command is None:
            return False
        if _incomplete(command):  # in an order's Teams thread, the thread is the reference
            command = replace(command, reference=await thread_reference(context, self.threads))
        member = _member(context)
        team = self.policy.is_team(member.user_id)
        if _not_ours(command, team, in_dialog):
            return False
        if not team:
            await context.send_activity(texts.REFUSE_NOT_TEAM)
        elif _incomplete(command):
            await context.send_activity(texts.TEAM_NEED_REFERENCE.format(verb=command.verb.value))
        else:
            await self._run(context, command, member)
        return True

    async def _run(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        try:
            await self.actions[command.verb](context, command, member)
        except (NotAllowed, BadTime) as refusal:
            await context.send_activity(refusal.message)

    async def _help(self, context: TurnContext, _command: TeamCommand, _member: TeamMember) -> None:
        await context.send_activity(texts.TEAM_HELP)

    async def _register(self, context: TurnContext, _command: TeamCommand, _member: TeamMember) -> None:
        await self.directory.make_team_channel(context.activity.conversation.id)
        await context.send_activity(texts.TEAM_CHANNEL_REGISTERED)

    async def _list(self, context: TurnContext, _command: TeamCommand, _member: TeamMember) -> None:
        today = local(self.clock()).date()
        await context.send_activity(views.open_orders(await self.orders.in_states(OPEN_STATES), today))

    async def _inventory(self, context: TurnContext, _command: TeamCommand, member: TeamMember) -> None:
        listed = await listed_orders(self.orders)
        if not listed:
            await context.send_activity(texts.INVENTORY_EMPTY)
            return
        link = texts.INVENTORY_LINK.format(
            minutes=self.downloads.minutes, url=self.downloads.link_for(member.user_id)
        )
        await context.send_activity(f"{views.inventory(listed)}\n\n{link}")

    async def _show(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        reference = command.reference
        if not self.policy.may_see_access_details(member.user_id):  # portkod and keys: bot/access.py decides
            raise NotAllowed(texts.REFUSE_NOT_TEAM)
        order = await self.orders.get(reference)
        if order is None:
            raise NotAllowed(texts.ORDER_NOT_FOUND.format(reference=reference))
        activity = context.activity
        await self.audit.record(
            member.user_id, AuditAction.VIEW, [reference], activity.channel_id, activity.conversation.id
        )
        title, facts = views.details_title(order), views.details(order)
        await context.send_activity(
            with_card(MessageFactory.text(facts_text(title, facts)), facts_card(title, facts))
        )

    async def _take(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        order = await self.handling.take(command.reference, member)
        await context.send_activity(texts.TAKEN.format(reference=order.reference))

    async def _book(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        when, who = booking_parts(command.argument)
        booking = Booking(at=parse_when(when, self.clock()), contacted=who)
        order = await self.handling.book(command.reference, member, booking)
        await context.send_activity(
            texts.BOOKED.format(reference=order.reference, when=views.booking_text(booking))
        )

    async def _tick(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        reference = command.reference
        item, rest = checklist_item(command.argument)
        if item is None:
            raise NotAllowed(texts.TICK_WHICH.format(reference=reference))
        try:
            serials = devices(rest) if item is ChecklistItem.INVENTORY else None
        except UnclearSerials:
            raise NotAllowed(texts.TICK_SERIALS.format(reference=reference)) from None
        order = await self.handling.tick(reference, member, item, serials)
        remaining = order.handling.remaining()
        answer = texts.TICKED if remaining else texts.TICKED_ALL
        await context.send_activity(
            answer.format(reference=reference, item=item.value, remaining=views.items_text(remaining))
        )

    async def _close(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        order = await self.handling.close(command.reference, member, command.argument)
        await context.send_activity(texts.CLOSED_REPLY.format(reference=order.reference))

    async def _cancel(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        order = await self.handling.cancel(command.reference, member, command.argument)
        await context.send_activity(texts.CANCELLED_REPLY.format(reference=order.reference))

    async def _resend(self, context: TurnContext, command: TeamCommand, member: TeamMember) -> None:
        order = await self.tickets.resend(command.reference, member)
        await context.send_activity(texts.RESENT.format(reference=order.reference))


def _incomplete(command: TeamCommand) -> bool:
    return not command.reference and command.verb in NEEDS_REFERENCE


def _not_ours(command: TeamCommand, team: bool, in_dialog: bool) -> bool:
    """Mid-order, a staff member's words are answers; 'hjälp' or a bare 'klar' is for the order, too;
    staff who write 'makulera VT-…' mean their own cancellation (dialogs/followup)."""
    generic = _incomplete(command) or command.verb is Verb.HELP
    if not team:
        return in_dialog or generic or command.verb is Verb.CANCEL
    return in_dialog and generic


def _member(context: TurnContext) -> TeamMember:
    """Who is acting, named as their channel names them (the id when it gives no name)."""
    who = user_id(context)
    sender = context.activity.from_property
    return TeamMember(user_id=who, name=(sender.name if sender and sender.name else who))
