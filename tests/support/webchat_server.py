"""Runs the real app for web chat tests on a port chosen first, so its connector URL is where it listens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp.test_utils import TestServer, unused_port

from app import create_app
from bot.settings import Settings
from tests.support.app_server import app_settings


def webchat_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    """The test app's settings, on a free port of 127.0.0.1."""
    return on_free_port(app_settings(database_url, data_dir, **overrides))


def on_free_port(settings: Settings) -> Settings:
    """`settings` moved to a free port of 127.0.0.1, so the app's own connector URL is where it listens."""
    return settings.model_copy(update={"host": "127.0.0.1", "port": unused_port()})


@asynccontextmanager
async def running_webchat_app(settings: Settings) -> AsyncIterator[str]:
    """Start the app on `settings.port`; yield its base URL; stop it when the block ends."""
    server = TestServer(await create_app(settings), host=settings.host, port=settings.port)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()
