"""`python -m bench.state_codec`: bytes and µs of each turn's stored state, before-format vs after-format."""

# Plays one order (bench/order_script.py) through the bot in-process, keeps the state each turn
# stored, and times the state's way to the database and back: dump_state + encrypt, decrypt +
# load_state. The before-format is the same state as the version before Ask stored it: each
# prompt's rendered activity in PromptOptions.

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity, ActivityTypes
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.order_script import order_answers
from bot.crypto import Vault
from bot.store.db import create_engine
from bot.store.state_codec import dump_state, load_state
from bot.store.state_storage import bot_state
from dialogs.answer_prompt import Ask
from tests.support.bot_harness import running_bot


@dataclass
class Cost:
    """One stored state in one format: its size and the µs of each direction."""

    size: int
    save_us: float  # dump + encrypt
    read_us: float  # decrypt + load
    codec_us: float  # dump + load alone, without the encryption

    @property
    def total_us(self) -> float:
        return self.save_us + self.read_us


async def played_states(database: Path, key: str) -> list[object]:
    """The conversation's stored state after each turn of one order."""
    vault, states = Vault([key]), []
    url = f"sqlite+aiosqlite:///{database}"
    async with running_bot(url, key) as running:
        chat = running.chat()
        engine = create_engine(url)
        try:
            for text in order_answers(0):
                await chat.send(Activity(type=ActivityTypes.message, text=text))
                states.append(await _conversation_state(engine, vault))
        finally:
            await engine.dispose()
    return states


async def _conversation_state(engine: AsyncEngine, vault: Vault) -> object:
    query = select(bot_state.c.data).where(bot_state.c.key.like("%/conversations/%"))
    async with engine.connect() as conn:
        data = (await conn.execute(query)).scalar_one()
    return load_state(vault.decrypt(data))


def before_format(item: object) -> object:
    """`item` as the version before Ask kept it: every prompt's activity rendered into PromptOptions."""
    if isinstance(item, Ask):
        return PromptOptions(prompt=item.activity(), choices=item.choices, validations=item.validations)
    if isinstance(item, DialogState):
        return DialogState([before_format(instance) for instance in item.dialog_stack])
    if isinstance(item, DialogInstance):
        return DialogInstance(item.id, before_format(item.state))
    if isinstance(item, dict):
        return {name: before_format(value) for name, value in item.items()}
    return item


def cost(item: object, vault: Vault, number: int) -> Cost:
    """Best of several timings of `number` rounds, in CPU time: the machine may be shared."""
    plain = dump_state(item)
    token = vault.encrypt(plain)

    def best(run: Callable[[], object]) -> float:
        return min(timeit.repeat(run, number=number, repeat=25, timer=time.thread_time)) / number * 1e6

    return Cost(
        size=len(plain),
        save_us=best(lambda: vault.encrypt(dump_state(item))),
        read_us=best(lambda: load_state(vault.decrypt(token))),
        codec_us=best(lambda: dump_state(item)) + best(lambda: load_state(plain)),
    )


def report(texts: list[str], before: list[Cost], after: list[Cost]) -> None:
    print(f"{'turn':>4}  {'message':<16}{'bytes':>12}{'save µs':>16}{'read µs':>16}")
    print(f"{'':>4}  {'':<16}{'before after':>12}{'before after':>16}{'before after':>16}")
    for index, (text, old, new) in enumerate(zip(texts, before, after, strict=True), 1):
        print(
            f"{index:>4}  {text[:15]:<16}{old.size:>6}{new.size:>6}"
            f"{old.save_us:>8.1f}{new.save_us:>8.1f}{old.read_us:>8.1f}{new.read_us:>8.1f}"
        )
    for label, costs in (("before", before), ("after", after)):
        print(
            f"{label:>6}: {_mean(costs, 'size'):6.0f} bytes, {_mean(costs, 'save_us'):5.1f} µs save + "
            f"{_mean(costs, 'read_us'):5.1f} µs read = {_mean(costs, 'total_us'):5.1f} µs per turn, "
            f"of which pickle {_mean(costs, 'codec_us'):5.1f} µs"
        )
    print(
        f"after is {_mean(before, 'total_us') / _mean(after, 'total_us'):.1f}× cheaper per turn, "
        f"its pickling {_mean(before, 'codec_us') / _mean(after, 'codec_us'):.1f}× cheaper"
    )


def _mean(costs: list[Cost], figure: str) -> float:
    return sum(getattr(cost, figure) for cost in costs) / len(costs)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.state_codec", description=__doc__)
    parser.add_argument("--number", type=int, default=50, help="rounds per timing (best of 25)")
    options = parser.parse_args()
    key = Fernet.generate_key().decode()
    with tempfile.TemporaryDirectory() as folder:
        states = asyncio.run(played_states(Path(folder) / "state.db", key))
    vault = Vault([key])
    # Each state in both formats one right after the other: a busier moment of the machine hits both.
    pairs = [
        (cost(before_format(state), vault, options.number), cost(state, vault, options.number))
        for state in states
    ]
    report(order_answers(0), [before for before, _ in pairs], [after for _, after in pairs])


if __name__ == "__main__":
    main()
