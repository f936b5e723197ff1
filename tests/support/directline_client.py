"""A Direct Line client that talks as `botframework-directlinejs` (Web Chat's) does: token, post, poll."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from aiohttp import ClientSession, CookieJar

BOT_AGENT = "DirectLine/3.0 (directlinejs 0.15.5)"
_client_ids = itertools.count(1)


def browser() -> ClientSession:
    """A session that keeps cookies as a browser does, also for a server on 127.0.0.1."""
    return ClientSession(cookie_jar=CookieJar(unsafe=True))


class DirectLineError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status


class DirectLineClient:
    """One browser tab: a token from the page's endpoint, then the conversation it names."""

    def __init__(self, session: ClientSession, app_url: str, headers: dict[str, str] | None = None) -> None:
        self.session = session
        self.domain = f"{app_url}/v3/directline"
        self.headers = headers or {}  # e.g. what an SSO proxy adds
        self.token = ""
        self.conversation_id = ""
        self.watermark = ""
        self.client_user_id = f"r_{uuid.uuid4().hex[:10]}"  # Web Chat's random id; the server ignores it

    async def generate(self) -> dict[str, Any]:
        """What the chat page does first: a token for this user's conversation."""
        grant = await self._call("POST", "/tokens/generate", None, bearer=False)
        self.token = grant["token"]
        return grant

    async def start(self) -> dict[str, Any]:
        """What directlinejs does first: POST /conversations; it adopts the token it gets back."""
        body = {"user": {"id": self.client_user_id}, "locale": "sv-SE"}
        conversation = await self._call("POST", "/conversations", body)
        self.conversation_id = conversation["conversationId"]
        self.token = conversation["token"]
        return conversation

    async def refresh(self) -> dict[str, Any]:
        grant = await self._call("POST", "/tokens/refresh", None)
        self.token = grant["token"]
        return grant

    def message(self, text: str) -> dict[str, Any]:
        """A message as Web Chat posts it."""
        return {
            "type": "message",
            "text": text,
            "textFormat": "plain",
            "locale": "sv-SE",
            "channelId": "webchat",
            "from": {"id": self.client_user_id, "name": "", "role": "user"},
            "channelData": {"clientActivityID": f"{uuid.uuid4().hex[:8]}-{next(_client_ids)}"},
            "entities": [{"type": "ClientCapabilities", "requiresBotState": True}],
        }

    async def post(self, activity: dict[str, Any]) -> str:
        answer = await self._call("POST", f"/conversations/{self.conversation_id}/activities", activity)
        return str(answer["id"])

    async def poll(self) -> list[dict[str, Any]]:
        """One GET with the current watermark, as directlinejs polls every second."""
        path = f"/conversations/{self.conversation_id}/activities?watermark={self.watermark}"
        group = await self._call("GET", path, None)
        self.watermark = group["watermark"] or self.watermark
        return list(group["activities"])

    async def say(self, text: str) -> list[str]:
        """Post `text`; the texts of the bot's activities that the next poll brings."""
        await self.post(self.message(text))
        return bot_texts(await self.poll())

    async def say_all(self, *texts: str) -> list[str]:
        replies: list[str] = []
        for text in texts:
            replies = await self.say(text)
        return replies

    async def _call(self, method: str, path: str, body: Any, bearer: bool = True) -> dict[str, Any]:
        headers = {"x-ms-bot-agent": BOT_AGENT, **self.headers}
        if bearer:
            headers["Authorization"] = f"Bearer {self.token}"
        async with self.session.request(method, self.domain + path, json=body, headers=headers) as response:
            answer = await response.json(content_type=None)
            if response.status >= 300:
                raise DirectLineError(response.status, answer)
        return dict(answer)


async def started(
    session: ClientSession, app_url: str, headers: dict[str, str] | None = None
) -> tuple[DirectLineClient, list[str]]:
    """A client whose conversation has started, and what the bot greeted it with."""
    client = DirectLineClient(session, app_url, headers)
    await client.generate()
    await client.start()
    return client, bot_texts(await client.poll())


def bot_texts(activities: list[dict[str, Any]]) -> list[str]:
    return [activity.get("text") or "" for activity in activities if activity["from"].get("role") == "bot"]
