"""`python -m bench`: the app and the stock echo bot under the same load, and a proactive fan-out."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from contextlib import AsyncExitStack
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from bench.connector import BenchConnector
from bench.load import Script, play_echo, play_orders, run_load
from bench.processes import ROOT, bot_process, free_port
from bench.report import FanOut, Figures, render
from tests.support.databases import POSTGRES_ENV, fresh_database

Command = tuple[list[str], dict[str, str], int]  # python's arguments, more environment, its port


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--conversations", type=int, default=32, help="staff ordering in parallel")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    parser.add_argument("--fanout", type=int, default=1000, help="proactive notifications to send")
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (a fresh database there)")
    parser.add_argument("--instances", type=int, default=2, help="instances in the scale-out run")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON")
    return parser.parse_args()


class Bench:
    """One invocation: the connector every bot replies to, and the options."""

    def __init__(self, options: argparse.Namespace, connector: BenchConnector) -> None:
        self.options = options
        self.connector = connector

    async def app(self, label: str, database_url: str, data_dir: Path, instances: int = 1) -> Figures:
        """`instances` processes of app.py on one database; each turn goes to the next one."""
        env = {
            "HOST": "127.0.0.1",
            "DATABASE_URL": database_url,
            "DATA_DIR": str(data_dir),
            "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "LOG_LEVEL": "WARNING",
        }
        ports = [free_port() for _ in range(instances)]
        commands = [(["app.py"], {**env, "PORT": str(port)}, port) for port in ports]
        return await self._measure(label, commands, play_orders)

    async def echo(self) -> Figures:
        port = free_port()
        command = (["-m", "bench.echo_bot", str(port)], {}, port)
        return await self._measure("stock botbuilder echo bot", [command], play_echo)

    async def fan_out(self, stock: bool) -> FanOut:
        before = self.connector.received
        args = ["-m", "bench.fanout", self.connector.url, str(self.options.fanout)]
        child = await asyncio.create_subprocess_exec(
            sys.executable, *args, *(["--stock"] if stock else []), cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        output, _ = await child.communicate()
        result = json.loads(output)
        label = "proactive fan-out, stock CloudAdapter" if stock else "proactive fan-out, ChannelAdapter"
        delivered = self.connector.received - before
        return FanOut(label, result["count"], result["seconds"], delivered, result["peak_rss_mb"])

    async def _measure(self, label: str, commands: list[Command], script: Script) -> Figures:
        """Load the bots `commands` start; CPU time is summed over them, peak memory is the largest one's."""
        options = self.options
        async with AsyncExitStack() as running:
            bots = [await running.enter_async_context(bot_process(*command)) for command in commands]
            cpu_before = sum(bot.cpu_seconds() for bot in bots)
            urls = [bot.url for bot in bots]
            workers, warmup, seconds = options.conversations, options.warmup, options.seconds
            run = await run_load(urls, self.connector, script, workers, warmup, seconds)
            cpu = sum(bot.cpu_seconds() for bot in bots) - cpu_before
            return Figures.of(label, run, cpu, max(bot.peak_rss_mb() for bot in bots))


async def _run(options: argparse.Namespace) -> tuple[list[Figures], Figures, list[FanOut]]:
    connector = BenchConnector()
    await connector.start()
    bench = Bench(options, connector)
    apps: list[Figures] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            async with fresh_database("sqlite", Path(folder)) as url:
                apps.append(await bench.app("order dialog, SQLite", url, Path(folder)))
            if options.postgres:
                async with fresh_database("postgresql", Path(folder)) as url:
                    apps.append(await bench.app("order dialog, PostgreSQL", url, Path(folder)))
            if options.postgres and options.instances > 1:
                async with fresh_database("postgresql", Path(folder)) as url:
                    label = f"order dialog, PostgreSQL, {options.instances} instances"
                    apps.append(await bench.app(label, url, Path(folder), options.instances))
        echo = await bench.echo()
        fanouts = [await bench.fan_out(stock=False), await bench.fan_out(stock=True)]
    finally:
        await connector.stop()
    return apps, echo, fanouts


def main() -> None:
    options = _arguments()
    if options.postgres:
        os.environ[POSTGRES_ENV] = options.postgres  # fresh_database creates the database there
    apps, echo, fanouts = asyncio.run(_run(options))
    header = [
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        f" at the end, Python {platform.python_version()}",
        f"command: python -m bench {' '.join(sys.argv[1:])}",
        f"{options.conversations} conversations in parallel, {options.seconds:.0f} s measured after"
        f" {options.warmup:.0f} s of warm-up, {options.fanout} proactive notifications",
    ]
    print(render(apps, echo, fanouts, header))
    if options.json:
        figures = {"apps": [asdict(f) for f in apps], "echo": asdict(echo)}
        fanout = {"fanouts": [asdict(f) for f in fanouts]}
        options.json.write_text(json.dumps({"header": header, **figures, **fanout}, indent=2))


if __name__ == "__main__":
    main()
