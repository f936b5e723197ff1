"""`POST /api/messages`: checks the request, authenticates it and runs one turn of the bot."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, DeliveryModes

from adapters.activity_json import MalformedJson, from_json
from adapters.channel_auth import Unverifiable, authenticate

log = logging.getLogger(__name__)


class MessagesEndpoint:
    """The channel's entry point; malformed requests get a 4xx and never reach the bot."""

    def __init__(self, adapter: CloudAdapter, bot: Bot) -> None:
        self.adapter = adapter
        self.bot = bot

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return _problem(415, "expected application/json")
        activity = _parse(await request.read())
        if activity is None:
            return _problem(400, "the body is not a Bot Framework activity")
        if activity.delivery_mode == DeliveryModes.expect_replies:
            return _problem(400, "deliveryMode expectReplies is not supported")
        try:  # before the turn: a refused request never reaches the bot
            authenticated = await authenticate(
                self.adapter.bot_framework_authentication, activity, request.headers.get("Authorization")
            )
        except Unverifiable:
            log.error("cannot check tokens: the Bot Framework's signing keys cannot be fetched")
            return _problem(503, "the token cannot be checked right now")
        if authenticated is None:
            return _problem(401, "unauthorized")
        response = await self.adapter.process_activity(authenticated, activity, self.bot.on_turn)
        if response is None:
            return web.Response(status=201)
        return web.json_response(response.body, status=response.status)


def _parse(body: bytes) -> Activity | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: arrays nested 10,000 deep
        return None
    if not isinstance(data, dict) or not _is_complete(data):
        return None
    try:
        return from_json(Activity, data)
    except MalformedJson:
        return None


def _is_complete(data: dict[str, Any]) -> bool:
    """Checked on the raw JSON: the deserialiser, like the SDK's, turns any value into a string."""
    service_url = data.get("serviceUrl")
    return (
        isinstance(data.get("type"), str)
        and isinstance(data.get("channelId"), str)
        and _has_id(data.get("conversation"))
        and _has_id(data.get("from"))
        and isinstance(service_url, str)
        and service_url.startswith(("http://", "https://"))
        and isinstance(data.get("text"), str | None)
        and all(_are_parties(data.get(field)) for field in ("membersAdded", "membersRemoved"))
    )


def _are_parties(value: object) -> bool:
    """Absent, or a list of accounts each with an id (a conversation update's members)."""
    return value is None or (isinstance(value, list) and all(_has_id(party) for party in value))


def _has_id(party: object) -> bool:
    return isinstance(party, dict) and isinstance(party.get("id"), str) and bool(party["id"])


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)
