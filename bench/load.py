"""Plays conversations against a bot over the Bot Framework protocol and times every turn."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector

from bench.connector import BenchConnector
from bench.order_script import order_answers

FILED_MARK = "VT-"
_order_numbers = itertools.count()  # unique across runs: a conversation is never played twice


@dataclass
class Run:
    """What one load run measured: turn latencies (seconds) inside the measured window, and outcomes."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # "start", "answer", "file"
    turns: int = 0  # every turn played, measured or not
    completed: int = 0  # whole orders filed (order runs) or conversations played (echo runs)
    failed: int = 0


class Player:
    """Sends activities as a channel would, each to the bot's next instance; the connector gets the replies.

    Instances are taken round robin, as a reverse proxy without sticky sessions would, so the
    conversations hop between them.
    """

    def __init__(self, session: ClientSession, bot_urls: list[str], connector: BenchConnector) -> None:
        self.session = session
        self.bot_urls = itertools.cycle(bot_urls)
        self.connector = connector
        self._ids = itertools.count(1)

    async def turn(self, conversation: str, user: str, text: str) -> float:
        """Post one message and wait for the bot to finish its turn; the turn's latency in seconds."""
        activity = self._activity(conversation, user, text)
        started = time.perf_counter()
        async with self.session.post(f"{next(self.bot_urls)}/api/messages", json=activity) as response:
            await response.read()
            if response.status >= 300:
                raise RuntimeError(f"the bot answered HTTP {response.status}")
        return time.perf_counter() - started

    def _activity(self, conversation: str, user: str, text: str) -> dict[str, Any]:
        return {
            "type": "message",
            "id": f"bench-{next(self._ids)}",
            "channelId": "emulator",
            "serviceUrl": self.connector.url,
            "from": {"id": user, "name": "Personal"},
            "recipient": {"id": "bot", "name": "Trygghetslarm-boten"},
            "conversation": {"id": conversation},
            "locale": "sv-SE",
            "text": text,
        }


Record = Callable[[float, str], None]  # a turn's latency, and its kind
Script = Callable[[Player, int, int, Record], Awaitable[bool]]


async def play_orders(player: Player, worker: int, number: int, record: Record) -> bool:
    """One member of staff places one whole order; True when the bot answered with a reference."""
    conversation = user = f"staff-{worker}-{number}"
    answers = order_answers(number)
    for index, text in enumerate(answers):
        kind = "start" if index == 0 else "file" if index == len(answers) - 1 else "answer"
        record(await player.turn(conversation, user, text), kind)
    filed = FILED_MARK in player.connector.last_text.get(conversation, "")
    player.connector.forget(conversation)
    return filed


async def play_echo(player: Player, worker: int, number: int, record: Record) -> bool:
    """The same number of turns as an order, against the echo bot; True when the echo came back."""
    conversation = user = f"echo-{worker}-{number}"
    for turn in range(len(order_answers(number))):
        record(await player.turn(conversation, user, f"hej {turn}"), "answer")
    echoed = player.connector.last_text.get(conversation, "").startswith("Echo:")
    player.connector.forget(conversation)
    return echoed


async def run_load(
    bot_urls: list[str],
    connector: BenchConnector,
    script: Script,
    workers: int,
    warmup: float,
    seconds: float,
) -> Run:
    """`workers` players run `script` back to back; turns ending inside the measured window count."""
    run = Run(seconds=seconds)
    loop = asyncio.get_running_loop()
    start = loop.time() + warmup
    stop = start + seconds

    def record(latency: float, kind: str) -> None:
        run.turns += 1
        if start <= loop.time() <= stop:
            run.latencies.append(latency)
            run.by_kind.setdefault(kind, []).append(latency)

    async def worker(index: int) -> None:
        while loop.time() < stop:
            if await script(player, index, next(_order_numbers), record):
                run.completed += 1
            else:
                run.failed += 1

    timeout = ClientTimeout(total=60)
    async with ClientSession(connector=TCPConnector(limit=0), timeout=timeout) as session:
        player = Player(session, bot_urls, connector)
        await asyncio.gather(*(worker(index) for index in range(workers)))
    return run
