"""Turns pydantic models into encrypted bytes for the `payload` columns, and back."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from bot.crypto import Vault

M = TypeVar("M", bound=BaseModel)


class PayloadCodec:
    """JSON-serialises a model and encrypts it with the vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def dump(self, model: BaseModel) -> bytes:
        return self.vault.encrypt(model.model_dump_json().encode())

    def load(self, model_type: type[M], payload: bytes) -> M:
        return model_type.model_validate_json(self.vault.decrypt(payload))
