"""Every setting of the app, read from the environment and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[tuple[str, ...], NoDecode]
# The settings each TICKET_SYSTEM cannot start without.
LINDESK_REQUIRED = {
    "embedded": (),
    "email": ("lindesk_email_to", "lindesk_email_from", "lindesk_smtp_host"),
    "rest": ("lindesk_rest_url", "lindesk_rest_token"),
}
MIN_WEBHOOK_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """The app's configuration; field names are the environment variable names, case-insensitive."""

    model_config = SettingsConfigDict(  # errors never echo the input: it holds secrets
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

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
    allowed_tenant_ids: CommaList = ()  # Teams tenants; empty: MicrosoftAppTenantId, or any (bot/tenants.py)
    data_encryption_key: CommaList = ()

    ticket_system: Literal["embedded", "email", "rest"] = "embedded"
    outbox_retry_base_seconds: float = 5.0
    outbox_retry_max_seconds: float = 300.0
    # Replies the channel refuses (429, 5xx) or does not answer: retried within the turn, then queued.
    reply_retry_budget_seconds: float = Field(60.0, ge=0)  # how long a turn keeps trying its replies
    reply_retry_base_seconds: float = Field(1.0, gt=0)  # first wait, doubling (with jitter)
    channel_timeout_seconds: float = Field(15.0, gt=0)  # one call to the channel's connector
    shutdown_grace_seconds: float = Field(20.0, ge=0)  # SIGTERM: finish turns, flush the outbox, exit

    lindesk_email_to: str = ""
    lindesk_email_from: str = ""
    lindesk_smtp_host: str = ""
    lindesk_smtp_port: int = 587
    lindesk_smtp_user: str = ""
    lindesk_smtp_password: str = ""
    lindesk_smtp_starttls: bool = True
    lindesk_smtp_ca_file: str = ""  # a CA bundle for the SMTP server's certificate; empty: the system's
    lindesk_rest_url: str = ""
    lindesk_rest_token: str = ""
    lindesk_timeout_seconds: float = 30.0
    lindesk_webhook_secret: str = ""  # empty: POST /api/lindesk/events is not served

    municipality_name: str = "Linköpings kommun"  # on the chat page and in the Teams app
    municipality_url: str = "https://www.linkoping.se/"
    teams_privacy_url: str = ""  # empty: municipality_url
    teams_terms_url: str = ""  # empty: municipality_url
    webchat_user_header: str = ""  # set by the SSO proxy: the user's id; empty: one id per browser
    webchat_allowed_origins: CommaList = ()  # other origins whose pages may use /v3/directline
    webchat_retention_hours: float = 720.0  # web chat transcripts idle this long are deleted
    webchat_bundle: Path = Path(__file__).parents[1] / "static" / "webchat.js"

    public_url: str = ""  # where users reach this app, for download links; empty: http://HOST:PORT
    download_link_minutes: int = Field(10, gt=0)  # how long a team member's CSV download link works
    answer_undo_seconds: float = Field(60.0, ge=0, le=3600)  # how long an answer to the team can be undone

    # Privacy and security (issue 6). The Bot Framework's token services, for a sovereign or private
    # cloud (and the tests' loopback stand-ins); any left empty keeps the public cloud's value.
    to_bot_from_channel_openid_metadata_url: str = ""
    to_bot_from_channel_token_issuer: str = ""
    to_bot_from_emulator_openid_metadata_url: str = ""
    to_channel_from_bot_login_url: str = ""
    to_channel_from_bot_oauth_scope: str = ""
    oauth_url: str = ""
    access_data_retention_days: int = Field(7, ge=0)  # portkod, key and tag kept after CLOSED/CANCELLED
    order_retention_days: int = Field(1825, gt=0)  # then the whole order is anonymised
    draft_retention_days: int = Field(30, gt=0)  # unfinished orders and conversation state untouched
    retention_interval_minutes: float = Field(60.0, gt=0)  # how often the app runs the retention job
    rate_limit_per_minute: int = Field(60, ge=0)  # messages one user may send; 0: no limit
    rate_limit_burst: int = Field(40, gt=0)  # messages in a quick run before the limit applies
    audit_reader_ids: CommaList = ()  # who may export the audit log; empty: the team

    log_level: str = "INFO"

    @field_validator(
        "team_member_ids",
        "allowed_tenant_ids",
        "data_encryption_key",
        "webchat_allowed_origins",
        "audit_reader_ids",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _lindesk_complete(self) -> Settings:
        missing = [name.upper() for name in LINDESK_REQUIRED[self.ticket_system] if not getattr(self, name)]
        if self.ticket_system == "email" and self.lindesk_smtp_user and not self.lindesk_smtp_password:
            missing.append("LINDESK_SMTP_PASSWORD")
        if missing:
            raise ValueError(f"TICKET_SYSTEM={self.ticket_system} needs {', '.join(missing)}")
        if 0 < len(self.lindesk_webhook_secret) < MIN_WEBHOOK_SECRET_LENGTH:
            raise ValueError(f"LINDESK_WEBHOOK_SECRET needs at least {MIN_WEBHOOK_SECRET_LENGTH} characters")
        return self

    @property
    def base_url(self) -> str:
        """The app's address as users' browsers reach it, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def local_mode(self) -> bool:
        """True when no Bot Framework identity is configured (Emulator, web chat, tests)."""
        return not self.microsoft_app_id
