"""Encryption of personal data at rest (Fernet, rotating keys) and keyed hashes for lookups."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)

KEY_FILE_NAME = "encryption.key"


class ConfigurationError(RuntimeError):
    """The app cannot start with the settings it was given."""


class Vault:
    """Encrypts and decrypts personal data; the first key encrypts, every key decrypts."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ConfigurationError("DATA_ENCRYPTION_KEY is empty")
        try:
            fernets = [Fernet(key.encode()) for key in keys]
        except ValueError as error:
            raise ConfigurationError(
                "DATA_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated"
            ) from error
        self._fernet = MultiFernet(fernets)
        self._newest = fernets[0]
        self._index_keys = [_derive_index_key(key) for key in keys]

    def encrypt(self, plain: bytes) -> bytes:
        return self._fernet.encrypt(plain)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            raise ConfigurationError("data cannot be decrypted with any configured key") from error

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a token under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as error:
            raise ConfigurationError("data cannot be decrypted with any configured key") from error

    def is_current(self, token: bytes) -> bool:
        """Is `token` encrypted under the newest key already?"""
        try:
            self._newest.decrypt(token)
        except InvalidToken:
            return False
        return True

    def blind_index(self, value: str) -> str:
        """A keyed hash of `value` under the newest key, for equality lookups."""
        return _hmac(self._index_keys[0], value)

    def blind_indexes(self, value: str) -> list[str]:
        """The keyed hash of `value` under every key, so lookups work mid-rotation."""
        return [_hmac(key, value) for key in self._index_keys]

    def derived_key(self, purpose: str) -> str:
        """A Fernet key for `purpose` alone (e.g. signing download links), from the newest key."""
        digest = hmac.new(self._index_keys[0], b"purpose\x00" + purpose.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()


def _derive_index_key(fernet_key: str) -> bytes:
    return hashlib.sha256(b"trygghetslarm blind index\x00" + fernet_key.encode()).digest()


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def load_keys(configured: Sequence[str], data_dir: Path, local_mode: bool) -> list[str]:
    """The configured keys; in local mode a key generated once into the data folder."""
    if configured:
        return list(configured)
    if not local_mode:
        raise ConfigurationError(
            "DATA_ENCRYPTION_KEY is required when MicrosoftAppId is set. Create one with: "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        )
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(Fernet.generate_key().decode())
        log.warning("local mode: generated a data encryption key in %s; back it up", path)
    return [path.read_text().strip()]
