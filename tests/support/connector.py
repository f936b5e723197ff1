"""A Bot Framework connector on loopback: receives the bot's replies as a channel service would."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


class LoopbackConnector:
    """Implements the connector's send and reply routes and records every activity by conversation."""

    def __init__(self) -> None:
        self.received: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.fail_with: int | None = None  # answer every request with this status, to simulate outages
        self._ids = itertools.count(1)
        self._arrived = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._receive)
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
        async with self._arrived:
            self.received[request.match_info["conversation"]].append(activity)
            self._arrived.notify_all()
        return web.json_response({"id": f"reply-{next(self._ids)}"})
