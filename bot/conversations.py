"""Remembers where each conversation can be reached, for messages the bot starts itself."""

from __future__ import annotations

from typing import Any

from bot.orders import Clock, utc_now
from bot.store.unit_of_work import Database


class ConversationDirectory:
    """Conversation references by conversation, kept without people's names."""

    def __init__(self, database: Database, clock: Clock = utc_now) -> None:
        self.database = database
        self.clock = clock

    async def remember(self, key: str, user_id: str, reference: dict[str, Any]) -> None:
        async with self.database.statements() as uow:
            await uow.conversations.remember(key, user_id, _without_names(reference), self.clock())

    async def reference(self, key: str) -> dict[str, Any] | None:
        async with self.database.statements() as uow:
            return await uow.conversations.reference(key)

    async def make_team_channel(self, key: str) -> None:
        """From now on the conversation `key` (already remembered) gets the team's notifications."""
        async with self.database.transaction() as uow:
            await uow.conversations.set_team_channel(key)


def _without_names(reference: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(reference)
    for party in ("user", "bot", "conversation"):  # a group chat's title may name people
        if isinstance(cleaned.get(party), dict):
            cleaned[party] = {k: v for k, v in cleaned[party].items() if k != "name"}
    return cleaned
