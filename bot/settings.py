"""Every setting of the app, read from the environment and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[tuple[str, ...], NoDecode]


class Settings(BaseSettings):
    """The app's configuration; field names are the environment variable names, case-insensitive."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    port: int = 3978
    host: str = "127.0.0.1"
    data_dir: Path = Path("./data")
    database_url: str = "sqlite+aiosqlite:///./data/trygghetslarm.db"

    microsoft_app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "microsoft_app_id"))
    microsoft_app_password: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppPassword", "microsoft_app_password")
    )
    microsoft_app_type: str = Field(
        "MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "microsoft_app_type")
    )
    microsoft_app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "microsoft_app_tenant_id")
    )
    allow_unauthenticated: bool = False

    team_member_ids: CommaList = ()
    data_encryption_key: CommaList = ()

    ticket_system: Literal["embedded", "email", "rest"] = "embedded"
    outbox_retry_base_seconds: float = 5.0
    outbox_retry_max_seconds: float = 300.0

    log_level: str = "INFO"

    @field_validator("team_member_ids", "data_encryption_key", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def local_mode(self) -> bool:
        """True when no Bot Framework identity is configured (Emulator, web chat, tests)."""
        return not self.microsoft_app_id
