"""`python -m bench.fanout URL COUNT [--stock]`: COUNT proactive messages through continue_conversation."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.channel import create_adapter
from bench.echo_bot import LocalMode
from bench.processes import peak_rss_mb
from bot import texts
from bot.settings import Settings

PARALLEL = 64  # deliveries in flight at once, as an outbox worker would run them
NOTICE = texts.NOTIFY_ORDERER_RECEIVED.format(reference="VT-2026-0042", brukare="Greta Johansson", name="Ann")


def references(connector_url: str, count: int) -> list[ConversationReference]:
    return [
        ConversationReference(
            channel_id="msteams",
            service_url=connector_url,
            conversation=ConversationAccount(id=f"fanout-{number}"),
            user=ChannelAccount(id=f"staff-{number}"),
            bot=ChannelAccount(id="bot"),
        )
        for number in range(count)
    ]


async def fan_out(adapter: BotAdapter, targets: list[ConversationReference]) -> float:
    """Seconds until every target has been sent the notice (each send awaited to its HTTP answer)."""
    parallel = asyncio.Semaphore(PARALLEL)

    async def notify(context: TurnContext) -> None:
        await context.send_activity(NOTICE)

    async def deliver(reference: ConversationReference) -> None:
        async with parallel:
            await adapter.continue_conversation(reference, notify, "")

    started = time.perf_counter()
    await asyncio.gather(*(deliver(reference) for reference in targets))
    return time.perf_counter() - started


async def _main(options: argparse.Namespace) -> None:
    if options.stock:
        adapter: BotAdapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(LocalMode()))
    else:
        adapter = create_adapter(Settings(_env_file=None))
    seconds = await fan_out(adapter, references(options.connector_url, options.count))
    if not options.stock:
        await adapter.close()  # type: ignore[attr-defined]
    print(json.dumps({"seconds": seconds, "count": options.count, "peak_rss_mb": peak_rss_mb("self")}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.fanout")
    parser.add_argument("connector_url")
    parser.add_argument("count", type=int)
    parser.add_argument("--stock", action="store_true", help="the stock CloudAdapter instead of ours")
    asyncio.run(_main(parser.parse_args()))
