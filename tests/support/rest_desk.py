"""A REST service desk on loopback: JSON tickets and comments, honours Idempotency-Key, fails on demand."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.lindesk.rest import RestDesk
from bot.settings import Settings

DESK_TOKEN = "desk-token-for-tests"


class RestDeskServer:
    """One ticket per Idempotency-Key: a repeated key gets the first ticket's id and makes no new one.

    Comments (`POST <url>/<reference>/comments`) are kept the same way, one per Idempotency-Key, on
    a ticket filed before (else 404). `arrivals` lists the keys in the order they were first taken.
    `fail_next` answers that many requests with `fail_status`; `refuse_with` answers every request
    with that status; `lose_answers` files the ticket and then never answers (the answer is lost).
    """

    def __init__(self) -> None:
        self.tickets: dict[str, dict[str, Any]] = {}  # by Idempotency-Key
        self.ids: dict[str, int] = {}
        self.comments: dict[str, dict[str, Any]] = {}  # by Idempotency-Key
        self.posts: Counter[str] = Counter()  # requests per Idempotency-Key
        self.arrivals: list[str] = []
        self.fail_next = 0
        self.fail_status = 503
        self.refuse_with: int | None = None
        self.lose_answers = False
        self._ids = itertools.count(4711)
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_post("/api/tickets", self._post)
        app.router.add_post("/api/tickets/{reference}/comments", self._comment)
        self.server = TestServer(app, host="127.0.0.1")

    async def __aenter__(self) -> RestDeskServer:
        await self.server.start_server()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._closing.set()
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("/api/tickets"))

    def app_values(self) -> dict[str, object]:
        """The settings that make the app file its tickets with this desk (TICKET_SYSTEM=rest)."""
        return {"ticket_system": "rest", "lindesk_rest_url": self.url, "lindesk_rest_token": DESK_TOKEN}

    def settings(self, **overrides: object) -> Settings:
        """The app's settings for TICKET_SYSTEM=rest with this desk."""
        values = self.app_values() | {"lindesk_timeout_seconds": 2.0}
        return Settings(_env_file=None, **(values | overrides))  # type: ignore[arg-type]

    def client(self, **overrides: object) -> RestDesk:
        """The app's REST desk adapter, pointed at this desk."""
        return RestDesk(self.settings(**overrides))

    async def _post(self, request: web.Request) -> web.Response:
        key = request.headers.get("Idempotency-Key", "")
        refusal = self._refusal(request, key)
        if refusal is not None:
            return refusal
        if key not in self.tickets:
            self.tickets[key] = await request.json()
            self.ids[key] = next(self._ids)
            self.arrivals.append(key)
        return await self._answer(self.ids[key])

    async def _comment(self, request: web.Request) -> web.Response:
        key = request.headers.get("Idempotency-Key", "")
        refusal = self._refusal(request, key)
        if refusal is not None:
            return refusal
        if request.match_info["reference"] not in self.tickets:
            return web.json_response({"error": "no such ticket"}, status=404)
        if key not in self.comments:
            self.comments[key] = await request.json()
            self.ids[key] = next(self._ids)
            self.arrivals.append(key)
        return await self._answer(self.ids[key])

    def _refusal(self, request: web.Request, key: str) -> web.Response | None:
        """The answer for a request the desk does not take now (unauthorised, down, refusing), if any."""
        if request.headers.get("Authorization") != f"Bearer {DESK_TOKEN}":
            return web.json_response({"error": "unauthorized"}, status=401)
        self.posts[key] += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response({"error": "unavailable"}, status=self.fail_status)
        if self.refuse_with is not None:
            return web.json_response({"error": "invalid request"}, status=self.refuse_with)
        return None

    async def _answer(self, desk_id: int) -> web.Response:
        if self.lose_answers:
            await self._closing.wait()  # the client gives up first; what it sent stays filed
        return web.json_response({"id": desk_id}, status=201)
