"""Teams threads: each order's root post per team conversation, and the conversation ids of threads."""

from __future__ import annotations

from datetime import datetime

from bot.store.unit_of_work import Database

THREAD_MARK = ";messageid="  # Teams: `<channel id>;messageid=<root activity id>` is a thread of the channel


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """`(channel id, root activity id)` of a thread's conversation id; `(conversation_id, None)` otherwise."""
    base, mark, root = conversation_id.partition(THREAD_MARK)
    return (base, root) if mark and root else (base, None)


def in_thread(base_id: str, root_id: str) -> str:
    """The conversation id of the thread under the post `root_id` in the channel `base_id`."""
    return f"{base_id}{THREAD_MARK}{root_id}"


class ThreadDirectory:
    """Which post is the root of each order's thread in each team conversation (kept by channel id)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def root(self, reference: str, conversation_key: str) -> str | None:
        """The activity id of the order's root post in the conversation, if one is recorded."""
        async with self.database.statements() as uow:
            return await uow.threads.root(reference, split_thread(conversation_key)[0])

    async def record_root(
        self, reference: str, conversation_key: str, activity_id: str, now: datetime
    ) -> None:
        """Record the order's root post in the conversation; a root recorded before stays (first wins)."""
        async with self.database.statements() as uow:
            await uow.threads.add_root(reference, split_thread(conversation_key)[0], activity_id, now)

    async def reference_of(self, conversation_id: str) -> str | None:
        """The order whose thread `conversation_id` is; None for a channel, a chat or another thread."""
        base, root = split_thread(conversation_id)
        if root is None:
            return None
        async with self.database.statements() as uow:
            return await uow.threads.reference_of(base, root)
