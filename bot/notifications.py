"""What the team and the orderer are told when an order changes, queued in the same transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from bot import texts
from bot.domain import Order, OrderEvent
from bot.followup.team_posts import team_card
from bot.local_time import LOCAL_TIME as LOCAL_TIME  # re-exported: bot/tickets.py, bot/desk_events.py
from bot.local_time import local
from bot.outbox import Message, OutboxChannel, OutboxItem, ThreadPost
from bot.store.unit_of_work import UnitOfWork

ORDERER_SUFFIX = ":orderer"
CHATS = (OutboxChannel.CHAT, OutboxChannel.REPLY, OutboxChannel.REMINDER)  # into a conversation
log = logging.getLogger(__name__)


def team_filed(order: Order) -> Message:
    """The team's notice of a new order, the root of its thread: masked personnummer, never the portkod."""
    text = texts.NOTIFY_TEAM_FILED.format(
        reference=order.reference, brukare=order.details.brukare.name, unit=order.orderer.unit
    )
    return Message(text=text, card=team_card(order, local(order.filed_at).date()), thread=ThreadPost.ROOT)


def orderer_update(order: Order, event: OrderEvent) -> Message | None:
    """What the orderer is told about `event`, or None for events they are not told about."""
    names = {"reference": order.reference, "brukare": order.details.brukare.name}
    handling = order.handling
    if event.kind == "received" and handling.assignee is not None:
        return Message(text=texts.NOTIFY_ORDERER_RECEIVED.format(**names, name=handling.assignee.name))
    if event.kind == "booked" and handling.booking is not None:
        when = texts.when_text(local(handling.booking.at))
        return Message(text=texts.NOTIFY_ORDERER_BOOKED.format(**names, when=when))
    if event.kind == "closed":
        return Message(text=texts.NOTIFY_ORDERER_CLOSED.format(**names, feedback=handling.feedback))
    if event.kind == "cancelled":
        return Message(text=texts.NOTIFY_ORDERER_CANCELLED.format(**names, reason=handling.cancel_reason))
    return None


def team_unreachable(order: Order) -> Message:
    return Message(
        text=texts.NOTIFY_TEAM_UNREACHABLE.format(reference=order.reference, unit=order.orderer.unit)
    )


async def to_team(
    uow: UnitOfWork,
    key: str,
    message: Message,
    reference: str,
    now: datetime,
    *,
    channel: OutboxChannel = OutboxChannel.CHAT,
    due: datetime | None = None,
) -> None:
    """Queue `message` for every team conversation, once per `key`, due at `due` (None: now)."""
    team = await uow.conversations.team_channels()
    await to_conversations(uow, team, key, message, reference, now, channel=channel, due=due)


async def to_conversations(
    uow: UnitOfWork,
    conversations: list[str],
    key: str,
    message: Message,
    reference: str,
    now: datetime,
    *,
    channel: OutboxChannel = OutboxChannel.CHAT,
    due: datetime | None = None,
) -> None:
    """Queue `message` for each of `conversations` (the team's, read earlier), once per `key`."""
    for conversation in conversations:
        await uow.outbox.add(f"{key}:{conversation}", channel, conversation, message, now, reference, due)


async def tell_orderer(
    uow: UnitOfWork,
    order: Order,
    key: str,
    message: Message,
    now: datetime,
    *,
    channel: OutboxChannel = OutboxChannel.CHAT,
    due: datetime | None = None,
) -> None:
    """Queue `message` for the orderer's conversation, once per `key`, due at `due` (None: now)."""
    conversation = order.orderer_conversation
    if conversation:
        key = f"{key}{ORDERER_SUFFIX}"
        await uow.outbox.add(key, channel, conversation, message, now, order.reference, due)


async def undeliverable(uow: UnitOfWork, item: OutboxItem) -> None:
    """A chat that refused for good is marked unreachable; if the orderer's, the team is told once;
    if a team channel (also by refusing a turn's reply), the team's other conversations are told.

    Once per conversation until it is reachable again (a message delivered, or a new turn from it):
    the mark is in the database, so further refusals, also after a restart, tell nobody.
    """
    if item.channel not in CHATS:
        return
    team_channel = await uow.conversations.is_team_channel(item.destination)
    if item.channel is OutboxChannel.REPLY and not team_channel:
        return  # an orderer's chat is marked (and the team told) by the notices refused there
    newly_unreachable = await uow.conversations.mark_unreachable(item.destination)
    if newly_unreachable and team_channel:
        await _team_channel_lost(uow, item)
    if not newly_unreachable or not item.dedupe_key.endswith(ORDERER_SUFFIX) or item.reference is None:
        return
    order = await uow.orders.by_reference(item.reference)
    if order is not None:
        await to_team(
            uow, f"unreachable:{item.id}", team_unreachable(order), order.reference, item.created_at
        )


async def _team_channel_lost(uow: UnitOfWork, item: OutboxItem) -> None:
    """A team channel removed the bot: the team's other conversations are told, and the log says how many."""
    others = await uow.conversations.team_channels()  # reachable ones: not the one just lost
    message = Message(text=texts.NOTIFY_TEAM_CHANNEL_LOST)
    for conversation in others:
        key = f"team-channel-lost:{item.id}:{conversation}"
        await uow.outbox.add(key, OutboxChannel.CHAT, conversation, message, item.created_at)
    log.warning("a team channel refused the bot for good; %d other team conversations told", len(others))


async def delivered(uow: UnitOfWork, item: OutboxItem) -> None:
    """A chat that took a message is reachable again: a later refusal tells the team again."""
    if item.channel in CHATS:
        await uow.conversations.mark_reachable(item.destination)
