"""A lean Bot Framework connector on loopback for the benchmark: keeps each conversation's last reply."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp import web


class BenchConnector:
    """Accepts the bot's replies and proactive messages the way the channel service does."""

    def __init__(self) -> None:
        self.last_text: dict[str, str] = {}
        self.received = 0
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def forget(self, conversation: str) -> None:
        self.last_text.pop(conversation, None)

    async def _receive(self, request: web.Request) -> web.Response:
        activity: dict[str, Any] = await request.json()
        self.received += 1
        if activity.get("type") == "message":
            self.last_text[request.match_info["conversation"]] = activity.get("text") or ""
        return web.json_response({"id": f"reply-{next(self._ids)}"})
