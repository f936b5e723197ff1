"""The whole app over HTTP for a test: running on its database, with a loopback channel and chats with it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import ClientSession

from bot.settings import Settings
from tests.support.app_server import running_app
from tests.support.chat import DISPLAY_NAME
from tests.support.team import Line, NamedChat, RefusingConnector

Serve = Callable[[Settings], AbstractAsyncContextManager[str]]  # starts the app; yields its base URL
Person = str | tuple[str, str]  # a user id, or (id, display name) as Teams sends it


@dataclass
class RunningApp:
    """The app as a channel sees it: its URL, the connector its replies go to, and chats with it."""

    settings: Settings
    http: ClientSession
    connector: RefusingConnector
    serve: Serve = running_app
    url: str = ""
    _running: AsyncExitStack = field(default_factory=AsyncExitStack)
    _chats: list[NamedChat] = field(default_factory=list)

    def chat(self, person: Person = "staff-1", conversation_id: str | None = None) -> NamedChat:
        """`person` writing in `conversation_id` (a new conversation if None)."""
        named = (person, DISPLAY_NAME) if isinstance(person, str) else person
        chat = Line(self.http, self.url, self.connector).chat(named, conversation_id)
        self._chats.append(chat)
        return chat

    async def start(self, settings: Settings | None = None) -> None:
        """Start the app (on `settings` from now on, if given); every chat made here talks to it."""
        self.settings = settings or self.settings
        self.url = await self._running.enter_async_context(self.serve(self.settings))
        for chat in self._chats:
            chat.app_url = self.url

    async def stop(self) -> None:
        """Stop the app, as a restart would; the connector, the session and the chats stay."""
        await self._running.aclose()

    async def restart(self) -> None:
        """A new app on the same database and data dir, where the chats go on."""
        await self.stop()
        await self.start()


@asynccontextmanager
async def chatting(settings: Settings, serve: Serve = running_app) -> AsyncIterator[RunningApp]:
    """The app on `settings`, started by `serve`, with a connector and an HTTP session; all closed after."""
    async with RefusingConnector() as connector, ClientSession() as http:
        app = RunningApp(settings, http, connector, serve)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
