"""Direct Line tokens and browser ids, sealed with the data key so only this app can read or make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ValidationError

from bot.crypto import ConfigurationError, Vault
from bot.orders import Clock, utc_now

TOKEN_LIFETIME = timedelta(minutes=30)


class TokenRejected(Exception):
    """Not a token of this app: forged, garbled, or sealed with a key that is no longer configured."""


class TokenExpired(TokenRejected):
    """A token of this app whose time is up; the client must get a new one."""


@dataclass(frozen=True)
class Grant:
    """What a token allows: one user in one conversation."""

    conversation_id: str
    user_id: str


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int  # seconds


class _Sealed(BaseModel):
    kind: Literal["token", "browser"]
    user: str
    conversation: str = ""
    expires: float = 0.0


class TokenIssuer:
    """Seals grants into opaque tokens (Fernet: encrypted, authenticated) and opens them again."""

    def __init__(self, vault: Vault, clock: Clock = utc_now) -> None:
        self.vault = vault
        self.clock = clock

    def issue(self, grant: Grant) -> IssuedToken:
        expires = (self.clock() + TOKEN_LIFETIME).timestamp()
        sealed = _Sealed(
            kind="token", user=grant.user_id, conversation=grant.conversation_id, expires=expires
        )
        return IssuedToken(self._seal(sealed), int(TOKEN_LIFETIME.total_seconds()))

    def verify(self, token: str) -> Grant:
        """The grant of a valid token; TokenExpired or TokenRejected otherwise."""
        sealed = self._open(token, "token")
        if sealed.expires <= self.clock().timestamp():
            raise TokenExpired
        return Grant(sealed.conversation, sealed.user)

    def seal_browser(self, user_id: str) -> str:
        """A cookie value naming a browser's user id (local mode)."""
        return self._seal(_Sealed(kind="browser", user=user_id))

    def open_browser(self, value: str) -> str | None:
        try:
            return self._open(value, "browser").user
        except TokenRejected:
            return None

    def _seal(self, sealed: _Sealed) -> str:
        return self.vault.encrypt(sealed.model_dump_json().encode()).decode()

    def _open(self, token: str, kind: str) -> _Sealed:
        try:
            sealed = _Sealed.model_validate_json(self.vault.decrypt(token.encode("ascii")))
        except (ConfigurationError, UnicodeEncodeError, ValidationError) as error:
            raise TokenRejected from error
        if sealed.kind != kind:
            raise TokenRejected
        return sealed
