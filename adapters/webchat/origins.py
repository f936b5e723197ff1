"""Which web pages may call `/v3/directline`: the app's own, and those in WEBCHAT_ALLOWED_ORIGINS (CORS)."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web
from aiohttp.typedefs import Handler

from adapters.webchat.directline import PREFIX

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, x-ms-bot-agent"
PREFLIGHT_MAX_AGE = "600"


class OriginPolicy:
    """Refuses requests from other pages' scripts, and answers CORS for the allowed ones.

    A request without `Origin` is not a cross-origin browser request and passes; its token or
    cookie decides. The app's own origin is the `Host` it was reached at (a proxy must keep it).
    """

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = {origin.rstrip("/") for origin in allowed}

    def allows(self, origin: str, request: web.Request) -> bool:
        return origin in self.allowed or origin.partition("://")[2] == request.host

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None or not request.path.startswith(f"{PREFIX}/"):
            return await handler(request)
        if not self.allows(origin, request):
            return web.json_response(
                {"error": {"code": "Forbidden", "message": "origin not allowed"}}, status=403
            )
        response = _preflight() if request.method == "OPTIONS" else await handler(request)
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
        return response


def _preflight() -> web.Response:
    headers = {
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    }
    return web.Response(status=204, headers=headers)
