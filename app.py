"""Composition root: settings -> database -> services -> bot -> aiohttp routes. `python app.py`."""

from __future__ import annotations

import logging

from aiohttp import web
from botbuilder.core import ConversationState

from adapters.channel import create_adapter
from adapters.messages_endpoint import MessagesEndpoint
from bot.categories import load_categories
from bot.conversations import ConversationDirectory
from bot.crypto import Vault, load_keys
from bot.orders import OrderService, utc_now
from bot.settings import Settings
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.state_storage import SqlStorage
from bot.store.unit_of_work import Database
from dialogs.alarm_bot import AlarmBot
from dialogs.order_dialog import OrderDialog

MAX_REQUEST_BYTES = 256 * 1024
log = logging.getLogger("trygghetslarm")


async def create_app(settings: Settings) -> web.Application:
    """Everything wired together; the database is migrated before the first request."""
    engine = create_engine(settings.database_url)
    await migrate(engine)
    vault = Vault(load_keys(settings.data_encryption_key, settings.data_dir, settings.local_mode))
    database = Database(engine, PayloadCodec(vault))
    orders = OrderService(database, utc_now)
    bot = AlarmBot(
        ConversationState(SqlStorage(engine, vault)),
        orders,
        ConversationDirectory(database, utc_now),
        OrderDialog(orders, load_categories(), utc_now),
    )
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app.router.add_post("/api/messages", MessagesEndpoint(create_adapter(settings), bot).handle)
    app.router.add_get("/healthz", _healthy)
    app.on_cleanup.append(lambda _app: engine.dispose())
    if settings.local_mode:
        log.warning("local mode: no MicrosoftAppId, requests are not authenticated")
    return app


async def _healthy(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.info("listening on http://%s:%s/api/messages", settings.host, settings.port)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
