"""A conversation marked unreachable by another instance becomes reachable again when it speaks."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.store import tables
from dialogs.recent_references import MAX_AGE_SECONDS, RecentReferences
from tests.support.bot_harness import CONVERSATION, RunningBot, running_bot


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def unreachable(running: RunningBot) -> bool:
    async with running.database.transaction() as uow:
        column = tables.conversations.c
        return bool(
            await uow.conn.scalar(select(column.unreachable).where(column.conversation_key == CONVERSATION))
        )


async def marked_unreachable_elsewhere(running: RunningBot) -> None:
    """What another instance's outbox worker does when the channel refuses a message (403)."""
    async with running.database.transaction() as uow:
        assert await uow.conversations.mark_unreachable(CONVERSATION)


async def test_a_conversation_speaking_again_is_reachable_within_the_age_limit(database_url: str) -> None:
    clock = Clock()
    async with running_bot(
        database_url, Fernet.generate_key().decode(), stored_references=RecentReferences(clock=clock)
    ) as running:
        chat = running.chat()
        await chat.say("hjälp")
        await marked_unreachable_elsewhere(running)

        await chat.say("hjälp")  # this instance stored the reference a moment ago: no write
        assert await unreachable(running)

        clock.now += MAX_AGE_SECONDS
        await chat.say("hjälp")
        assert not await unreachable(running)


def test_the_oldest_conversations_are_dropped_beyond_the_capacity() -> None:
    references = RecentReferences(capacity=2, clock=Clock())
    for key in ("a", "b", "c"):
        references.note(key, ("fingerprint", key))
    assert len(references) == 2
    assert not references.is_stored("a", ("fingerprint", "a"))
    assert references.is_stored("c", ("fingerprint", "c"))
    assert not references.is_stored("c", ("another", "reference"))
