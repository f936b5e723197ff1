"""Adds the web chat to the app: the Direct Line endpoint, its connector, the page, and pruning."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from sqlalchemy.ext.asyncio import AsyncEngine
from yarl import URL

from adapters.webchat.connector import ConnectorKey, ConnectorRoutes, WebChatAuthentication
from adapters.webchat.directline import DirectLine
from adapters.webchat.origins import OriginPolicy
from adapters.webchat.page import ChatPage
from adapters.webchat.pruning import TranscriptPruner
from adapters.webchat.tokens import TokenIssuer
from adapters.webchat.transcripts import TranscriptStore
from adapters.webchat.turns import BotTurns, Logic
from adapters.webchat.visitors import Visitors
from bot.crypto import Vault
from bot.settings import Settings

log = logging.getLogger(__name__)

WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def add_webchat(
    app: web.Application,
    settings: Settings,
    adapter: CloudAdapter,
    logic: Logic,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    """Serve the web chat from `app`; turns run on `adapter`, whose connector learns the web chat's key."""
    key = reach_webchat(adapter, settings, vault)
    transcripts = TranscriptStore(engine, vault)
    tokens = TokenIssuer(vault)
    visitors = Visitors(settings.webchat_user_header, tokens)
    turns = BotTurns(adapter, logic, settings.microsoft_app_id, connector_url(settings))
    DirectLine(tokens, visitors, transcripts, turns).add_to(app)
    ConnectorRoutes(key, transcripts).add_to(app)
    ChatPage(settings).add_to(app)
    app.middlewares.append(OriginPolicy(settings.webchat_allowed_origins).middleware)
    retention = timedelta(hours=settings.webchat_retention_hours)
    app.cleanup_ctx.append(TranscriptPruner(transcripts, retention).running)
    if not settings.webchat_user_header:
        log.warning("web chat: no WEBCHAT_USER_HEADER, every browser is its own anonymous user")


def reach_webchat(adapter: CloudAdapter, settings: Settings, vault: Vault) -> ConnectorKey:
    """Let `adapter` send to web chat conversations (replies and proactive messages) with the key."""
    key = ConnectorKey(vault)
    authentication = adapter.bot_framework_authentication
    adapter.bot_framework_authentication = WebChatAuthentication(authentication, connector_url(settings), key)
    return key


def connector_url(settings: Settings) -> str:
    """Where this instance reaches its own connector routes: where it listens (loopback for a wildcard)."""
    host = "127.0.0.1" if settings.host in WILDCARD_HOSTS else settings.host
    return str(URL.build(scheme="http", host=host, port=settings.port))
