"""Direct Line 3.0 under `/v3/directline`: the polling subset that `botframework-directlinejs` uses."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable
from typing import Any

from aiohttp import web

from adapters.webchat.tokens import Grant, IssuedToken, TokenExpired, TokenIssuer, TokenRejected
from adapters.webchat.transcripts import TranscriptStore, UnknownConversation
from adapters.webchat.turns import BotTurns
from adapters.webchat.visitors import Visitors

log = logging.getLogger(__name__)

PREFIX = "/v3/directline"
PAGE_SIZE = 100
# What a client may say about its own activity; everything else (from, ids, urls) is the server's.
CLIENT_FIELDS = ("type", "text", "textFormat", "locale", "value")
CLIENT_CHANNEL_DATA = ("clientActivityID", "clientTimestamp")
MAX_CLIENT_ID = 100
_HTTP_ERRORS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    404: web.HTTPNotFound,
}


class DirectLine:
    """Tokens, conversations and activities; a token names one conversation and one user."""

    def __init__(
        self, tokens: TokenIssuer, visitors: Visitors, transcripts: TranscriptStore, turns: BotTurns
    ) -> None:
        self.tokens = tokens
        self.visitors = visitors
        self.transcripts = transcripts
        self.turns = turns

    def add_to(self, app: web.Application) -> None:
        app.router.add_post(f"{PREFIX}/tokens/generate", self.generate)
        app.router.add_post(f"{PREFIX}/tokens/refresh", self.refresh)
        app.router.add_post(f"{PREFIX}/conversations", self.start)
        app.router.add_post(f"{PREFIX}/conversations/{{conversation}}/activities", self.post_activity)
        app.router.add_get(f"{PREFIX}/conversations/{{conversation}}/activities", self.activities)

    async def generate(self, request: web.Request) -> web.Response:
        """A token for the caller's conversation: one per user, as a Teams personal chat is."""
        visitor = self.visitors.identify(request)
        if visitor is None:
            return _error(401, "Unauthorized", "the sign-in header is missing")
        conversation_id = await self.transcripts.latest(visitor.user_id) or secrets.token_urlsafe(18)
        grant = Grant(conversation_id, visitor.user_id)
        response = _token_response(grant, self.tokens.issue(grant))
        self.visitors.remember(visitor, request, response)
        return response

    async def refresh(self, request: web.Request) -> web.Response:
        grant = self._grant(request)
        return _token_response(grant, self.tokens.issue(grant))

    async def start(self, request: web.Request) -> web.Response:
        """Start the token's conversation (the bot greets), or return it if it has started already."""
        grant = self._grant(request)
        if await self.transcripts.start(grant.conversation_id, grant.user_id):
            await self._turn(self.turns.greet(grant))
        issued = self.tokens.issue(grant)
        return web.json_response(
            {
                "conversationId": grant.conversation_id,
                "token": issued.token,
                "expires_in": issued.expires_in,
                "streamUrl": None,  # no WebSocket stream: clients poll
            },
            status=201,
        )

    async def post_activity(self, request: web.Request) -> web.Response:
        grant = await self._conversation_grant(request)
        activity = _client_activity(await _json_object(request))
        if activity is None:
            return _error(400, "BadArgument", "expected a message activity")
        client_id = activity.get("channelData", {}).get("clientActivityID")
        try:
            stored = await self.transcripts.append(
                grant.conversation_id, _as_user(activity, grant), client_id
            )
        except UnknownConversation:
            return _error(404, "BadArgument", "no such conversation")
        # A re-sent activity keeps its id, so the bot skips it if it was handled already.
        if not await self._turn(self.turns.message(grant, stored.activity)):
            return _error(502, "BotError", "the bot did not answer")
        return web.json_response({"id": stored.activity["id"]})

    async def activities(self, request: web.Request) -> web.Response:
        grant = await self._conversation_grant(request)
        watermark = request.query.get("watermark") or "0"
        if not watermark.isdigit():
            return _error(400, "BadArgument", "the watermark is not one this server gave")
        found, newest = await self.transcripts.since(grant.conversation_id, int(watermark), PAGE_SIZE)
        return web.json_response({"activities": found, "watermark": str(newest)})

    def _grant(self, request: web.Request) -> Grant:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            raise _http_error(401, "Unauthorized", "a Bearer token is required")
        try:
            return self.tokens.verify(token)
        except TokenExpired:
            raise _http_error(403, "TokenExpired", "the token has expired") from None
        except TokenRejected:
            raise _http_error(403, "Forbidden", "the token is not valid") from None

    async def _conversation_grant(self, request: web.Request) -> Grant:
        """The grant, if it is for the conversation in the path and that conversation exists."""
        grant = self._grant(request)
        conversation_id = request.match_info["conversation"]
        if conversation_id != grant.conversation_id or await self.transcripts.owner(conversation_id) is None:
            raise _http_error(404, "BadArgument", "no such conversation")
        return grant

    async def _turn(self, turn: Awaitable[None]) -> bool:
        try:
            await turn
        except Exception as error:  # the user's activity is kept; the client may retry it
            log.error("web chat turn failed: %s", type(error).__name__)
            return False
        return True


def _client_activity(body: dict[str, Any]) -> dict[str, Any] | None:
    if body.get("type") != "message":
        return None
    activity = {name: body[name] for name in CLIENT_FIELDS if name in body}
    channel_data = body.get("channelData")
    if isinstance(channel_data, dict):
        kept = {
            name: channel_data[name]
            for name in CLIENT_CHANNEL_DATA
            if isinstance(channel_data.get(name), str)
        }
        if len(kept.get("clientActivityID", "")) <= MAX_CLIENT_ID:
            activity["channelData"] = kept
    return activity


def _as_user(activity: dict[str, Any], grant: Grant) -> dict[str, Any]:
    return {
        **activity,
        "channelId": "webchat",
        "conversation": {"id": grant.conversation_id},
        "from": {"id": grant.user_id, "role": "user"},
    }


def _token_response(grant: Grant, issued: IssuedToken) -> web.Response:
    return web.json_response(
        {"conversationId": grant.conversation_id, "token": issued.token, "expires_in": issued.expires_in}
    )


async def _json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise _http_error(400, "BadArgument", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _http_error(400, "BadArgument", "the body is not a JSON object")
    return body


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _http_error(status: int, code: str, message: str) -> web.HTTPException:
    return _HTTP_ERRORS[status](text=_error(status, code, message).text, content_type="application/json")
