"""Helpers for the team's tests over HTTP: named chats, a connector refusing chosen conversations, waits."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from sqlalchemy import func, select

from bot.notifications import LOCAL_TIME
from bot.settings import Settings
from bot.store import tables
from tests.support.app_server import app_settings
from tests.support.chat import DISPLAY_NAME, Chat
from tests.support.connector import LoopbackConnector
from tests.support.http_helpers import answers_with, app_database, reference_in

STAFF = ("staff-1", "Karin Andersson")
ANNA = ("team-anna", "Anna Lind")
BO = ("team-bo", "Bo Ek")
BRUKARE = "Greta Johansson"  # as the whole order in http_helpers names her
PORTKOD = "7Q39X"  # distinctive, so its absence from a post can be checked
ORDER_WITH_PORTKOD = [*answers_with("portkod", PORTKOD), "ja"]
WAIT_ROUNDS = 1200  # × POLL_SECONDS: the longest a test waits for a proactive message
POLL_SECONDS = 0.025


def team_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    """The app with Anna and Bo in the team, and outbox retries a few hundredths of a second apart."""
    values: dict[str, object] = {
        "team_member_ids": (ANNA[0], BO[0]),
        "outbox_retry_base_seconds": 0.02,
        "outbox_retry_max_seconds": 0.1,
    }
    return app_settings(database_url, data_dir, **(values | overrides))


class NamedChat(Chat):
    """A chat whose user has a display name, as Teams sends it."""

    def __init__(self, *args: Any, name: str = DISPLAY_NAME, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    def activity(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        return super().activity(text, **{"from": {"id": self.user_id, "name": self.name}, **extra})

    def texts(self) -> list[str]:
        """Everything the bot has posted in this conversation, replies and proactive messages."""
        return self.connector.texts(self.conversation_id)

    def posted(self) -> str:
        """Every activity posted in this conversation, as JSON: to look for what must not be there."""
        return json.dumps(self.connector.received[self.conversation_id], ensure_ascii=False)

    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards posted in this conversation."""
        activities = self.connector.received[self.conversation_id]
        return [a["content"] for activity in activities for a in activity.get("attachments") or []]

    async def file_order(self, answers: list[str] = ORDER_WITH_PORTKOD) -> str:
        """File a whole order; its reference."""
        return reference_in((await self.say_all(*answers))[-1])

    async def wait_for(self, fragment: str, count: int = 1) -> list[str]:
        """The conversation's texts, once `count` of them contain `fragment` (bounded wait)."""
        return await wait_until(lambda: _containing(self.texts(), fragment) >= count, self.texts)


@dataclass
class Line:
    """Where every chat of a test connects: the HTTP session, the running app and the connector."""

    session: ClientSession
    app_url: str
    connector: LoopbackConnector

    def chat(self, person: tuple[str, str] = STAFF, conversation_id: str | None = None) -> NamedChat:
        """`person` ((id, name)) writing in `conversation_id`."""
        user, name = person
        return NamedChat(
            self.session, self.app_url, self.connector, user, conversation_id=conversation_id, name=name
        )


async def wait_until(ready: Callable[[], bool], show: Callable[[], object]) -> Any:
    """Poll until `ready()`; then `show()`. Fails, showing what was there, after WAIT_ROUNDS polls."""
    for _ in range(WAIT_ROUNDS):
        if ready():
            return show()
        await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"still waiting; have: {show()}")


def _containing(texts: list[str], fragment: str) -> int:
    return sum(fragment in text for text in texts)


class RefusingConnector(LoopbackConnector):
    """A connector that answers chosen conversations with an error status, and counts the refusals."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: dict[str, int] = {}  # conversation id -> HTTP status to answer with
        self.refused: Counter[str] = Counter()

    async def _receive(self, request: web.Request) -> web.Response:
        refusal = self._refusal(request)  # (not `or`: an aiohttp response is a mapping, empty is falsy)
        return refusal if refusal is not None else await super()._receive(request)

    async def _update(self, request: web.Request) -> web.Response:
        refusal = self._refusal(request)
        return refusal if refusal is not None else await super()._update(request)

    def _refusal(self, request: web.Request) -> web.Response | None:
        conversation = request.match_info["conversation"]
        status = self.refuse.get(conversation)
        if status is None:
            return None
        self.refused[conversation] += 1
        return web.json_response({"error": {"code": "refused", "message": "refused"}}, status=status)


async def queued_for(settings: Settings, conversation: str) -> int:
    """How many messages were ever queued for `conversation`, sent or not."""
    outbox = tables.outbox
    query = select(func.count()).select_from(outbox).where(outbox.c.destination == conversation)
    async with app_database(settings) as database, database.transaction() as uow:
        return int(await uow.conn.scalar(query) or 0)


def told(template: str, reference: str, **values: str) -> str:
    """What the orderer is told, by the template the bot uses."""
    return template.format(reference=reference, brukare=BRUKARE, **values)


def next_week() -> datetime:
    """10.00 a week from now, Swedish time: always ahead, never more than a year away."""
    day = datetime.now(LOCAL_TIME).date() + timedelta(days=7)
    return datetime.combine(day, time(10, 0), tzinfo=LOCAL_TIME)
