"""Runs the real app (app.py's create_app) on loopback, on a given database, for HTTP tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet

from app import create_app
from bot.orders import Clock, utc_now
from bot.settings import Settings

TEST_KEY = Fernet.generate_key().decode()


def app_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    """The app on this database; a reply the channel refuses is retried for a second, not a minute."""
    quick_replies: dict[str, object] = {"reply_retry_budget_seconds": 1.0, "reply_retry_base_seconds": 0.05}
    return Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=data_dir,
        data_encryption_key=(TEST_KEY,),
        **(quick_replies | overrides),
    )


@dataclass
class ShiftedClock:
    """Real time, moved ahead when a test says so: what falls due later falls due now, and time runs on."""

    ahead: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.ahead

    def move_to(self, moment: datetime) -> None:
        """From now on it is `moment` (and later); never backwards."""
        self.ahead = max(self.ahead, moment - utc_now())


@asynccontextmanager
async def running_app(settings: Settings, clock: Clock = utc_now) -> AsyncIterator[str]:
    """Start the app on `clock`; yield its base URL; stop it (as a restart would) when the block ends."""
    server = TestServer(await create_app(settings, clock), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()
