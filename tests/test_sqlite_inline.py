"""SQLite on the event loop's thread: a lock held elsewhere is waited for without stopping the loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Vault
from bot.store.db import checkpoint, create_engine, writing
from bot.store.state_storage import SqlStorage, bot_state

LOOP_TURNS = 20  # times the loop is given to other work while the lock is held


async def an_engine(tmp_path: Path) -> tuple[AsyncEngine, Path]:
    path = tmp_path / "inline.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE counted (n INTEGER)"))
        await conn.run_sync(bot_state.create, checkfirst=True)
    return engine, path


def wal_size(path: Path) -> int:
    return Path(f"{path}-wal").stat().st_size


async def loop_keeps_turning(task: asyncio.Task[object]) -> None:
    """The loop runs other work while `task` waits; `task` does not finish meanwhile."""
    for _ in range(LOOP_TURNS):
        await asyncio.sleep(0.001)
    assert not task.done()


async def test_a_transaction_waits_for_another_process_s_writer_while_the_loop_runs(tmp_path: Path) -> None:
    engine, path = await an_engine(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")

        async def insert() -> None:
            async with writing(engine), engine.begin() as conn:
                await conn.execute(text("INSERT INTO counted VALUES (1)"))

        inserting = asyncio.create_task(insert())
        await loop_keeps_turning(inserting)
        other.execute("COMMIT")
        await inserting
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM counted"))).scalar() == 1
    finally:
        other.close()
        await engine.dispose()


async def test_bot_state_is_saved_once_another_process_s_writer_is_done(tmp_path: Path) -> None:
    engine, path = await an_engine(tmp_path)
    storage = SqlStorage(engine, Vault([Fernet.generate_key().decode()]))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        saving = asyncio.create_task(storage.write({"conversation": {"step": 1}}))
        await loop_keeps_turning(saving)
        other.execute("COMMIT")
        await saving
        assert (await storage.read(["conversation"]))["conversation"]["step"] == 1
    finally:
        other.close()
        await engine.dispose()


async def test_a_checkpoint_waits_for_a_reader_of_another_process(tmp_path: Path) -> None:
    engine, path = await an_engine(tmp_path)
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO counted VALUES (1)"))
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM counted").fetchall()  # holds a snapshot of the log
        checkpointing = asyncio.create_task(checkpoint(engine))
        await loop_keeps_turning(checkpointing)
        reader.execute("COMMIT")
        await checkpointing
        assert wal_size(path) == 0
    finally:
        reader.close()
        await engine.dispose()
