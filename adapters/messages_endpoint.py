"""`POST /api/messages`: checks the request, authenticates it and runs one turn of the bot."""

from __future__ import annotations

import json
import logging

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, DeliveryModes
from msrest.exceptions import DeserializationError

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
        try:
            response = await self.adapter.process_activity(
                request.headers.get("Authorization", ""), activity, self.bot.on_turn
            )
        except PermissionError:
            return _problem(401, "unauthorized")
        if response is None:
            return web.Response(status=201)
        return web.json_response(response.body, status=response.status)


def _parse(body: bytes) -> Activity | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        activity = Activity().deserialize(data)
    except (DeserializationError, TypeError, ValueError, AttributeError):
        return None
    return activity if _is_complete(activity) else None


def _is_complete(activity: Activity) -> bool:
    return (
        isinstance(activity.type, str)
        and activity.conversation is not None
        and isinstance(activity.conversation.id, str)
        and isinstance(activity.service_url, str)
        and activity.from_property is not None
        and isinstance(activity.from_property.id, str)
        and (activity.text is None or isinstance(activity.text, str))
    )


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)
