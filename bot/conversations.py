"""Remembers where each conversation can be reached, for messages the bot starts itself."""

from __future__ import annotations

from typing import Any

from bot.orders import Clock, utc_now
from bot.store.unit_of_work import Database
from bot.threads import THREAD_MARK, split_thread


class ConversationDirectory:
    """Conversation references by conversation, kept without people's names.

    A Teams channel is registered for the team under its own id, also when `registrera teamkanal` is
    written in one of its threads; a turn in any of its threads keeps the channel's reference current.
    """

    def __init__(self, database: Database, clock: Clock = utc_now) -> None:
        self.database = database
        self.clock = clock

    async def remember(self, key: str, user_id: str, reference: dict[str, Any]) -> None:
        cleaned, now = _without_names(reference), self.clock()
        base, _root = split_thread(key)
        async with self.database.statements() as uow:
            await uow.conversations.remember(key, user_id, cleaned, now)
            if base != key:
                await uow.conversations.refresh_team_channel(base, in_conversation(cleaned, base), now)

    async def reference(self, key: str) -> dict[str, Any] | None:
        async with self.database.statements() as uow:
            return await uow.conversations.reference(key)

    async def make_team_channel(self, key: str) -> None:
        """From now on the conversation `key` (already remembered) gets the team's notifications.

        When `key` is a Teams thread, its channel does: stored under the channel's id, and in place
        of any thread of that channel registered before (which would get every notice twice).
        """
        base, _root = split_thread(key)
        async with self.database.transaction() as uow:
            stored = await uow.conversations.remembered(key) if base != key else None
            if stored is not None:
                user, reference = stored
                await uow.conversations.remember(base, user, in_conversation(reference, base), self.clock())
                await uow.conversations.unset_team_channels(base + THREAD_MARK)
            await uow.conversations.set_team_channel(base)


def in_conversation(reference: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    """`reference` pointed at the conversation `conversation_id` (a thread's channel)."""
    conversation = reference.get("conversation")
    return {**reference, "conversation": {**(conversation or {}), "id": conversation_id}}


def _without_names(reference: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(reference)
    for party in ("user", "bot", "conversation"):  # a group chat's title may name people
        if isinstance(cleaned.get(party), dict):
            cleaned[party] = {k: v for k, v in cleaned[party].items() if k != "name"}
    return cleaned
