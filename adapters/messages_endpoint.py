"""`POST /api/messages`: checks the request, authenticates it, checks its tenant and runs one turn."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, DeliveryModes

from adapters.activity_json import MalformedJson, from_json
from adapters.channel_auth import Unverifiable, authenticate
from bot.tenants import TenantPolicy, shown_tenant
from dialogs.users import TEAMS, TENANTS, tenant_of

log = logging.getLogger(__name__)


class MessagesEndpoint:
    """The channel's entry point; malformed requests get a 4xx and never reach the bot.

    Nor do Teams activities of a tenant ALLOWED_TENANT_IDS does not list: they get 200 and no reply,
    and each is logged (with the tenant id, nothing about the user) and counted in `refused_tenants`.
    """

    def __init__(self, adapter: CloudAdapter, bot: Bot, tenants: TenantPolicy | None = None) -> None:
        self.adapter = adapter
        self.bot = bot
        self.tenants = tenants or TenantPolicy()
        self.refused_tenants = 0  # since start; each refusal's log line gives the count so far

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
        if not self._tenant_allowed(activity):
            return web.Response(status=200)  # as delivered: the channel neither retries nor reports a fault
        response = await self.adapter.process_activity(authenticated, activity, self._turn)
        if response is None:
            return web.Response(status=201)
        return web.json_response(response.body, status=response.status)

    def _tenant_allowed(self, activity: Activity) -> bool:
        """Off Teams, always; in Teams, when the tenant is allowed, which the conversation then carries."""
        if activity.channel_id != TEAMS:
            return True
        tenant = tenant_of(activity)
        if self.tenants.allows(tenant):
            if tenant is not None:  # so that its stored reference and every reply name the tenant
                activity.conversation.tenant_id = tenant
            return True
        self.refused_tenants += 1
        log.warning(
            "refused a Teams activity of tenant %s: not in ALLOWED_TENANT_IDS (%d refused since start)",
            shown_tenant(tenant),
            self.refused_tenants,
        )
        return False

    async def _turn(self, context: TurnContext) -> None:
        context.turn_state[TENANTS] = self.tenants  # for dialogs/users.py: whose user ids carry a tenant
        await self.bot.on_turn(context)


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
        and bool(data["channelId"])  # botbuilder's conversation state fails the turn without one
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
