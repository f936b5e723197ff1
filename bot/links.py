"""Short-lived download tokens: who may download, encrypted and signed (Fernet: AES and HMAC-SHA256)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken


class DownloadTokens:
    """A token names its holder, cannot be forged or read without the key, and expires."""

    def __init__(self, key: str, lifetime: timedelta, clock: Callable[[], datetime]) -> None:
        self._fernet = Fernet(key.encode())
        self.lifetime = lifetime
        self.clock = clock

    def issue(self, user_id: str) -> str:
        return self._fernet.encrypt_at_time(user_id.encode(), self._now()).decode()

    def holder(self, token: str) -> str | None:
        """The user the token was issued to, or None when it is forged, altered or expired."""
        ttl = int(self.lifetime.total_seconds())
        try:
            return self._fernet.decrypt_at_time(token.encode(), ttl, self._now()).decode()
        except (InvalidToken, UnicodeError):
            return None

    def _now(self) -> int:
        return int(self.clock().timestamp())
