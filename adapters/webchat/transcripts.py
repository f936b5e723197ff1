"""Web chat transcripts in the database: each conversation's activities in order, encrypted, pruned."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.crypto import Vault
from bot.orders import Clock, utc_now
from bot.store.tables import webchat_activities as activities
from bot.store.tables import webchat_conversations as conversations

Activity = dict[str, Any]


class UnknownConversation(Exception):
    """No such conversation (never started, or pruned)."""


@dataclass(frozen=True)
class Appended:
    """An activity in the transcript; `repeated` when the client had sent it before."""

    activity: Activity
    repeated: bool


class TranscriptStore:
    """Conversations and their activities; a conversation's sequence number is its Direct Line watermark.

    The sequence number is taken under the conversation row's lock, so activities become visible in
    watermark order even when several instances write to one conversation.
    """

    def __init__(self, engine: AsyncEngine, vault: Vault, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.vault = vault
        self.clock = clock

    async def start(self, conversation_id: str, user_id: str) -> bool:
        """Create the conversation unless it exists; True if it was created now."""
        row = {"id": conversation_id, "user_id": user_id, "last_seq": 0, "updated_at": self.clock()}
        try:
            async with self.engine.begin() as conn:
                if await _owner(conn, conversation_id) is not None:
                    return False
                await conn.execute(insert(conversations).values(**row))
        except IntegrityError:  # started at the same moment by another request
            return False
        return True

    async def latest(self, user_id: str) -> str | None:
        """The user's most recently active conversation, if any."""
        query = (
            select(conversations.c.id)
            .where(conversations.c.user_id == user_id)
            .order_by(conversations.c.updated_at.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            return await conn.scalar(query)

    async def owner(self, conversation_id: str) -> str | None:
        async with self.engine.connect() as conn:
            return await _owner(conn, conversation_id)

    async def append(
        self, conversation_id: str, activity: Activity, client_activity_id: str | None = None
    ) -> Appended:
        """Add `activity` with the next id; one whose client id is there already is not added twice."""
        async with self.engine.begin() as conn:
            seq = await _next_seq(conn, conversation_id)
            if client_activity_id is not None:
                earlier = await self._sent_before(conn, conversation_id, client_activity_id)
                if earlier is not None:
                    return Appended(earlier, repeated=True)
            stored = {**activity, "id": activity_id(conversation_id, seq)}
            stored.setdefault("timestamp", _iso(self.clock()))
            await conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .values(last_seq=seq, updated_at=self.clock())
            )
            row = {"conversation_id": conversation_id, "seq": seq, "payload": self._dump(stored)}
            await conn.execute(insert(activities).values(**row, client_activity_id=client_activity_id))
        return Appended(stored, repeated=False)

    async def since(
        self, conversation_id: str, watermark: int, limit: int = 100
    ) -> tuple[list[Activity], int]:
        """The activities after `watermark` (at most `limit`) and the watermark after them."""
        query = (
            select(activities.c.seq, activities.c.payload)
            .where(activities.c.conversation_id == conversation_id, activities.c.seq > watermark)
            .order_by(activities.c.seq)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        newest = rows[-1].seq if rows else watermark
        return [self._load(row.payload) for row in rows], newest

    async def prune(self, older_than: datetime) -> int:
        """Delete conversations idle since before `older_than`, with their activities; how many."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                delete(conversations).where(conversations.c.updated_at < older_than.astimezone(UTC))
            )
        return result.rowcount

    async def _sent_before(
        self, conn: AsyncConnection, conversation_id: str, client_id: str
    ) -> Activity | None:
        payload = await conn.scalar(
            select(activities.c.payload).where(
                activities.c.conversation_id == conversation_id,
                activities.c.client_activity_id == client_id,
            )
        )
        return None if payload is None else self._load(payload)

    def _dump(self, activity: Activity) -> bytes:
        return self.vault.encrypt(json.dumps(activity, ensure_ascii=False).encode())

    def _load(self, payload: bytes) -> Activity:
        loaded: Activity = json.loads(self.vault.decrypt(payload))
        return loaded


def activity_id(conversation_id: str, seq: int) -> str:
    """Direct Line's form: the conversation id, a bar, the sequence number."""
    return f"{conversation_id}|{seq:07d}"


async def _next_seq(conn: AsyncConnection, conversation_id: str) -> int:
    """The conversation's next sequence number, its row locked until the transaction ends."""
    last = await conn.scalar(
        select(conversations.c.last_seq).where(conversations.c.id == conversation_id).with_for_update()
    )
    if last is None:
        raise UnknownConversation(conversation_id)
    return int(last) + 1


async def _owner(conn: AsyncConnection, conversation_id: str) -> str | None:
    return await conn.scalar(select(conversations.c.user_id).where(conversations.c.id == conversation_id))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
