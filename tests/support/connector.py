"""A Bot Framework connector on loopback: receives the bot's replies as a channel service would."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


class LoopbackConnector:
    """Implements the connector's send, reply and update routes and records every activity by conversation.

    Each post is answered with a new activity id, as a channel gives it (`posted`: where each went,
    with its id); `updated` keeps each update (PUT) by the id of the activity it replaces. An update
    of an id never given is answered 404, as a channel answers for a deleted post.
    """

    def __init__(self) -> None:
        self.received: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.posted: list[tuple[str, str]] = []  # (conversation id, the id given), in the order posted
        self.updated: defaultdict[str, list[Update]] = defaultdict(list)
        self.fail_with: int | None = None  # answer every request with this status, to simulate outages
        self._ids = itertools.count(1)
        self._arrived = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._receive)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        self.server = TestServer(app, host="127.0.0.1")

    async def __aenter__(self) -> LoopbackConnector:
        await self.server.start_server()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("/")).rstrip("/")

    def texts(self, conversation: str) -> list[str]:
        return [activity.get("text") or "" for activity in self.received[conversation]]

    async def _receive(self, request: web.Request) -> web.Response:
        if self.fail_with is not None:
            return web.json_response({"error": "unavailable"}, status=self.fail_with)
        activity = await request.json()
        given = f"reply-{next(self._ids)}"
        async with self._arrived:
            self.received[request.match_info["conversation"]].append(activity)
            self.posted.append((request.match_info["conversation"], given))
            self._arrived.notify_all()
        return web.json_response({"id": given})

    async def _update(self, request: web.Request) -> web.Response:
        if self.fail_with is not None:
            return web.json_response({"error": "unavailable"}, status=self.fail_with)
        activity_id = request.match_info["activity"]
        if all(given != activity_id for _conversation, given in self.posted):
            return web.json_response({"error": {"code": "ActivityNotFound"}}, status=404)
        update = Update(request.match_info["conversation"], await request.json())
        self.updated[activity_id].append(update)
        return web.json_response({"id": activity_id})


@dataclass(frozen=True)
class Update:
    """An activity as a PUT replaced it, and the conversation the PUT named."""

    conversation: str
    activity: dict[str, Any]
