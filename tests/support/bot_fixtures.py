"""Fixtures for dialog tests: the real bot on a fresh database (`bot`), and one user's chat with it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet

from tests.support.bot_harness import Chat, RunningBot, running_bot

KEY = Fernet.generate_key().decode()


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[RunningBot]:
    async with running_bot(database_url, KEY) as running:
        yield running


@pytest.fixture
def chat(bot: RunningBot) -> Chat:
    return bot.chat()
