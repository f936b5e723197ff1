"""Starts the bots under test as their own processes, waits until they answer, reads their peak memory."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import ClientError, ClientSession

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mb(pid: int | str) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MB; pid "self" for this one."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


class BotProcess:
    """A running bot: its base URL and its process."""

    def __init__(self, url: str, process: asyncio.subprocess.Process) -> None:
        self.url = url
        self.process = process

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.process.pid)

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def bot_process(args: list[str], env: dict[str, str], port: int) -> AsyncIterator[BotProcess]:
    """Run `python args...` from the project folder; yield once it accepts HTTP; stop it afterwards."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=ROOT, env={**os.environ, **env}, stdout=asyncio.subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_up(url, process)
        yield BotProcess(url, process)
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def _wait_until_up(url: str, process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT
    async with ClientSession() as session:
        while loop.time() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"the bot exited with {process.returncode} before it was up")
            try:
                async with session.get(f"{url}/api/messages") as response:
                    await response.read()
                    return
            except ClientError:
                await asyncio.sleep(0.2)
    raise RuntimeError(f"the bot at {url} did not come up within {READY_TIMEOUT:.0f} s")
