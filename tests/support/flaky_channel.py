"""A channel's connector on loopback that throttles, fails, hangs or holds requests, as a test scripts it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web

from bot.settings import Settings
from tests.support.chatting import RunningApp
from tests.support.team import RefusingConnector


@dataclass(frozen=True)
class Refusal:
    """One answer with an error status, and a Retry-After header if given."""

    status: int
    retry_after: str | None = None


HANG = "hang"  # take the activity (the user sees it) but never answer: the bot's call times out
Step = Refusal | str


class FlakyConnector(RefusingConnector):
    """Shows each activity id once per conversation, as a channel that dedupes by id does.

    `script[conversation]` lists how the next requests there are answered, one step each (a
    Refusal, or HANG); after the script, `refuse` (inherited) or a normal answer. `tries` keeps the
    activity id of every request. While `gate` is clear, a request to be answered normally waits at
    it (`waiting` counts them) until it opens.
    """

    def __init__(self) -> None:
        super().__init__()
        self.script: defaultdict[str, list[Step]] = defaultdict(list)
        self.tries: defaultdict[str, list[str | None]] = defaultdict(list)
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = 0
        self._closing = asyncio.Event()

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()  # hung requests end, so the server closes at once
        await super().__aexit__(*exc)

    def shown(self, conversation: str) -> list[dict[str, Any]]:
        return self.received[conversation]

    async def _receive(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        activity = await request.json()
        self.tries[conversation].append(activity.get("id"))
        step = self.script[conversation].pop(0) if self.script[conversation] else None
        if isinstance(step, Refusal):
            self.refused[conversation] += 1
            headers = {"Retry-After": step.retry_after} if step.retry_after else {}
            return web.json_response({"error": {"code": "Throttled"}}, status=step.status, headers=headers)
        if step == HANG:
            await self._show(conversation, activity)
            await self._closing.wait()
            return web.json_response({"id": "too-late"})
        status = self.refuse.get(conversation)
        if status is not None:
            self.refused[conversation] += 1
            return web.json_response({"error": {"code": "refused"}}, status=status)
        await self._through_gate()
        await self._show(conversation, activity)
        return web.json_response({"id": f"shown-{len(self.received[conversation])}"})

    async def _through_gate(self) -> None:
        self.waiting += 1
        try:
            await self.gate.wait()
        finally:
            self.waiting -= 1

    async def _show(self, conversation: str, activity: dict[str, Any]) -> None:
        shown = self.received[conversation]
        if activity.get("id") and any(earlier.get("id") == activity["id"] for earlier in shown):
            return  # the same activity again: shown once
        async with self._arrived:
            shown.append(activity)
            self._arrived.notify_all()


@asynccontextmanager
async def chatting_through(connector: FlakyConnector, settings: Settings) -> AsyncIterator[RunningApp]:
    """As `chatting()`, with the replies going to `connector`."""
    async with ClientSession() as http:
        app = RunningApp(settings, http, connector)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
