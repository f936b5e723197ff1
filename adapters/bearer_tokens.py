"""Bearer tokens for outgoing channel calls: got from botbuilder's credentials, cached until they expire."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from dataclasses import dataclass

from botframework.connector.auth import AppCredentials, AuthenticationConstants
from msrest.authentication import Authentication

REFRESH_MARGIN = 300.0  # seconds before expiry that a token is renewed
OPAQUE_TOKEN_LIFETIME = 600.0  # for a token whose expiry cannot be read (MSAL still caches it)


@dataclass(frozen=True)
class _Token:
    header: str
    renew_at: float


class BearerTokens:
    """One token per app id and OAuth scope; the blocking MSAL call runs in a worker thread, once."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], _Token] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def authorization(self, credentials: Authentication | None) -> str | None:
        """The Authorization header value, or None in local mode (no app id)."""
        if credentials is None:
            return None
        if not isinstance(credentials, AppCredentials):  # a fixed key (msrest's BasicTokenAuthentication)
            header: str | None = credentials.signed_session().headers.get("Authorization")
            return header
        app_id = credentials.microsoft_app_id
        if not app_id or app_id == AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            return None
        return await self._app_token((app_id, str(credentials.oauth_scope)), credentials)

    async def _app_token(self, key: tuple[str, str], credentials: AppCredentials) -> str:
        token = self._tokens.get(key)
        if token is not None and time.time() < token.renew_at:
            return token.header
        async with self._locks.setdefault(key, asyncio.Lock()):  # one fetch, however many callers wait
            token = self._tokens.get(key)
            if token is None or time.time() >= token.renew_at:
                token = await _fetch(credentials)
                self._tokens[key] = token
        return token.header


async def _fetch(credentials: AppCredentials) -> _Token:
    access_token: str = await asyncio.to_thread(credentials.get_access_token)
    expires = _expiry(access_token) or time.time() + OPAQUE_TOKEN_LIFETIME + REFRESH_MARGIN
    return _Token(header=f"Bearer {access_token}", renew_at=expires - REFRESH_MARGIN)


def _expiry(access_token: str) -> float | None:
    """The `exp` claim of a JWT (read, not verified: the token is ours to send), or None."""
    parts = access_token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) else None
