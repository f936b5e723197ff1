"""Shared fixtures: every database test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.databases import fresh_database, postgres_url

pytest_plugins = ["tests.support.bot_fixtures"]  # `bot` and `chat` for the dialog tests

# No time limits on generated examples: speed belongs in bench/, not in tests.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

DATABASE_KINDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(postgres_url() is None, reason="TEST_DATABASE_URL is not set"),
    ),
]


@pytest.fixture(params=DATABASE_KINDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(request.param, tmp_path) as url:
        yield url
