"""A person chatting with the running app over HTTP, as a Bot Framework channel delivers it."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from aiohttp import ClientResponse, ClientSession

from tests.support.connector import LoopbackConnector

_activity_ids = itertools.count(1)
DISPLAY_NAME = "Personal"  # the name a chat's user goes by unless the test names them


class Chat:
    """One user in one conversation; `say` returns the texts the bot answered with."""

    def __init__(
        self,
        session: ClientSession,
        app_url: str,
        connector: LoopbackConnector,
        user_id: str = "staff-1",
        conversation_id: str | None = None,
    ) -> None:
        self.session = session
        self.app_url = app_url
        self.connector = connector
        self.user_id = user_id
        self.conversation_id = conversation_id or f"conv-{uuid.uuid4().hex[:8]}"

    def activity(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "type": "message",
            "id": f"act-{next(_activity_ids)}",
            "channelId": "emulator",
            "serviceUrl": self.connector.url,
            "from": {"id": self.user_id, "name": DISPLAY_NAME},
            "recipient": {"id": "bot", "name": "Trygghetslarm-boten"},
            "conversation": {"id": self.conversation_id},
            "locale": "sv-SE",
            "text": text,
            **extra,
        }

    async def post(self, activity: dict[str, Any]) -> ClientResponse:
        async with self.session.post(f"{self.app_url}/api/messages", json=activity) as response:
            await response.read()
            return response

    async def send(self, activity: dict[str, Any]) -> list[str]:
        before = len(self.connector.received[self.conversation_id])
        response = await self.post(activity)
        assert response.status < 300, response.status
        return self.connector.texts(self.conversation_id)[before:]

    async def say(self, text: str | None, **extra: Any) -> list[str]:
        return await self.send(self.activity(text, **extra))

    async def say_all(self, *texts: str) -> list[str]:
        replies: list[str] = []
        for text in texts:
            replies = await self.say(text)
        return replies
