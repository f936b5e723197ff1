"""Who is chatting on the web: the SSO proxy's header, or (local mode) a sealed per-browser cookie."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from adapters.webchat.tokens import TokenIssuer

COOKIE_NAME = "trygghetslarm_webchat"
COOKIE_MAX_AGE = timedelta(days=400)
COOKIE_PATH = "/v3/directline/"
MAX_USER_ID = 256  # the width of the user id columns


@dataclass(frozen=True)
class Visitor:
    user_id: str
    new_cookie: str | None = None  # set it in the response: this browser was not known yet


class Visitors:
    """Names the user of a request; the client never chooses its own id."""

    def __init__(self, user_header: str, tokens: TokenIssuer) -> None:
        self.user_header = user_header
        self.tokens = tokens

    def identify(self, request: web.Request) -> Visitor | None:
        """The visitor, or None when the SSO header is configured but missing."""
        if self.user_header:
            user = request.headers.get(self.user_header, "").strip()
            return Visitor(user) if 0 < len(user) <= MAX_USER_ID else None
        known = self.tokens.open_browser(request.cookies.get(COOKIE_NAME, ""))
        if known is not None:
            return Visitor(known)
        user = f"webchat:{secrets.token_hex(16)}"
        return Visitor(user, self.tokens.seal_browser(user))

    @staticmethod
    def remember(visitor: Visitor, request: web.Request, response: web.StreamResponse) -> None:
        if visitor.new_cookie is None:
            return
        response.set_cookie(
            COOKIE_NAME,
            visitor.new_cookie,
            max_age=int(COOKIE_MAX_AGE.total_seconds()),
            path=COOKIE_PATH,
            httponly=True,
            samesite="Lax",
            secure=request.secure,
        )
