"""The Bot Framework channel: a CloudAdapter configured from settings, with safe error handling."""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from bot import texts
from bot.settings import Settings

log = logging.getLogger(__name__)


class _BotIdentity:
    """The attribute names botbuilder's configuration reader expects."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.microsoft_app_id
        self.APP_PASSWORD = settings.microsoft_app_password
        self.APP_TYPE = settings.microsoft_app_type
        self.APP_TENANTID = settings.microsoft_app_tenant_id


def create_adapter(settings: Settings) -> CloudAdapter:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_BotIdentity(settings)))
    adapter.on_turn_error = _apologise
    return adapter


async def _apologise(turn_context: TurnContext, error: Exception) -> None:
    # The exception's message may quote what the user typed: log its type and place only.
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
    log.error("turn failed: %s at %s", type(error).__name__, where)
    await turn_context.send_activity(texts.APOLOGY)
