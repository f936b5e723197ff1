"""Serving, readiness and the graceful stop: SIGTERM refuses new turns, finishes the rest, flushes."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import suppress
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy import text

from bot.store.migrate import head_revision
from bot.store.unit_of_work import Database

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5  # what a channel is told to wait when this instance is stopping
CHECK_SECONDS = 5.0  # the longest /readyz waits for the database
LAST_REQUESTS_SECONDS = 2.0  # after the drain: other requests still under way (downloads, /readyz)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Background(Protocol):
    def run_forever(self, stop: asyncio.Event) -> Awaitable[None]: ...


class Flushable(Protocol):
    async def run_once(self) -> int: ...


class Loop:
    """A worker's `run_forever` from the app's start until `stop()`; the round under way finishes first."""

    def __init__(self, worker: Background, grace_seconds: float) -> None:
        self.worker = worker
        self.grace_seconds = grace_seconds
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def running(self, _app: web.Application) -> AsyncIterator[None]:
        """For `app.cleanup_ctx`: stopped before the engine is disposed."""
        self._task = asyncio.create_task(_awaited(self.worker.run_forever(self._stop)))
        yield
        await self.stop()

    async def stop(self) -> None:
        """Let the round under way finish (a message sent but not marked sent would go out again), then
        stop; after the grace period the round is cancelled."""
        self._stop.set()
        if self._task is None or self._task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self.grace_seconds)
        except TimeoutError:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task


class Lifecycle:
    """Whether this instance takes turns, and its orderly stop.

    While stopping, `POST /api/messages` and the web chat's posts get 503 with Retry-After (the
    channel sends them again, to another instance behind the proxy), `/readyz` says 503, and
    `stopping` is set so turns stop retrying refused replies and queue them in the outbox.
    """

    def __init__(self, database: Database, grace_seconds: float) -> None:
        self.database = database
        self.grace_seconds = grace_seconds
        self.stopping = asyncio.Event()
        self._head = head_revision()
        self._turns = 0
        self._no_turns = asyncio.Event()
        self._no_turns.set()
        self._outbox: tuple[Loop, Flushable] | None = None
        self._loops: list[Loop] = []

    def background(
        self, worker: Background, flushed: Flushable | None = None
    ) -> Callable[[web.Application], AsyncIterator[None]]:
        """Run `worker` for the app's life (`app.cleanup_ctx`); `flushed`: the outbox the drain empties."""
        loop = Loop(worker, self.grace_seconds)
        self._loops.append(loop)
        if flushed is not None:
            self._outbox = (loop, flushed)
        return loop.running

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Counts the turns in flight; refuses new ones with 503 and Retry-After once stopping."""
        if not _starts_turn(request):
            return await handler(request)
        if self.stopping.is_set():
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            return web.json_response({"error": "this instance is stopping"}, status=503, headers=headers)
        self._turns += 1
        self._no_turns.clear()
        try:
            return await handler(request)
        finally:
            self._turns -= 1
            if self._turns == 0:
                self._no_turns.set()

    async def ready(self, _request: web.Request) -> web.Response:
        """`GET /readyz`: 200 when the database answers, its migrations are current and not stopping."""
        problem = await self._problem()
        if problem:
            return web.json_response({"status": "not ready", "problem": problem}, status=503)
        return web.json_response({"status": "ready"})

    async def drain(self) -> bool:
        """Stop taking turns, let those in flight finish, flush the outbox; False if the grace ran out.

        Whatever happens, the background loops then get only what is left of the grace period (at
        least LAST_REQUESTS_SECONDS) to end their rounds.
        """
        self.stopping.set()
        deadline = asyncio.get_running_loop().time() + self.grace_seconds
        log.info("stopping: %d turns in flight, %.0f s to finish", self._turns, self.grace_seconds)
        try:
            return await self._drained_before(deadline)
        finally:
            left = max(deadline - asyncio.get_running_loop().time(), LAST_REQUESTS_SECONDS)
            for loop in self._loops:
                loop.grace_seconds = min(loop.grace_seconds, left)

    async def _drained_before(self, deadline: float) -> bool:
        if not await _before(self._no_turns.wait(), deadline):
            log.warning("stopping: %d turns still in flight after the grace period", self._turns)
            return False
        if not await _before(self._flush(), deadline):
            log.warning("stopping: the outbox not flushed within the grace period; kept for the next start")
            return False
        return True

    async def _flush(self) -> None:
        """The outbox worker's loop stopped, rounds until nothing is due (what must wait stays queued)."""
        if self._outbox is None:
            return
        loop, outbox = self._outbox
        await loop.stop()
        while await outbox.run_once() > 0:
            pass

    async def _problem(self) -> str | None:
        if self.stopping.is_set():
            return "stopping"
        try:
            async with asyncio.timeout(CHECK_SECONDS), self.database.statements() as uow:
                applied = await uow.conn.scalar(text("SELECT version_num FROM alembic_version"))
        except Exception as error:  # whatever the driver raises: the database cannot be used now
            log.warning("readiness: the database cannot be reached (%s)", type(error).__name__)
            return "database unreachable"
        if applied != self._head:
            return "database migrations not current"
        return None


async def serve(app: web.Application, lifecycle: Lifecycle, host: str, port: int) -> None:
    """Serve `app` until SIGTERM or SIGINT, then drain it and stop (a second signal ends the drain)."""
    access_log = logging.getLogger("aiohttp.access")
    runner = web.AppRunner(app, access_log=access_log, shutdown_timeout=LAST_REQUESTS_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        signalled = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, signalled.set)
        await signalled.wait()
        signalled.clear()
        drained = asyncio.create_task(lifecycle.drain())
        hurried = asyncio.create_task(signalled.wait())
        await asyncio.wait({drained, hurried}, return_when=asyncio.FIRST_COMPLETED)
        hurried.cancel()
        drained.cancel()
        log.info("stopped taking turns; closing")
    finally:
        await runner.cleanup()


def _starts_turn(request: web.Request) -> bool:
    """Requests that run a turn of the bot: the channel's, and the web chat's posts."""
    path = request.path
    return request.method == "POST" and (
        path == "/api/messages" or path.startswith("/v3/directline/conversations")
    )


async def _before(work: Coroutine[Any, Any, Any], deadline: float) -> bool:
    """Await `work` until the loop's `deadline`; False (and `work` cancelled) if it did not finish."""
    try:
        await asyncio.wait_for(work, max(0.0, deadline - asyncio.get_running_loop().time()))
    except TimeoutError:
        return False
    return True


async def _awaited(work: Awaitable[None]) -> None:
    await work


LIFECYCLE = web.AppKey("lifecycle", Lifecycle)  # the app's, for app.py's main to drain it
