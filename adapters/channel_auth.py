"""Who may post to /api/messages: botbuilder's Bot Framework token check, configured from the settings."""

from __future__ import annotations

import ipaddress
import logging

import requests
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
)

from bot.crypto import ConfigurationError
from bot.settings import Settings

log = logging.getLogger(__name__)

# botbuilder's names for the token services (attributes of its configuration object, and of
# AuthenticationConstants with the public cloud's values); each has a setting of that name in lower case.
TOKEN_SERVICES = (
    "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL",
    "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER",
    "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL",
    "TO_CHANNEL_FROM_BOT_LOGIN_URL",
    "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE",
    "OAUTH_URL",
)
PUBLIC_CLOUD = {name: getattr(AuthenticationConstants, name) for name in TOKEN_SERVICES}
LOOPBACK_NAMES = frozenset({"localhost"})


class BotConfiguration:
    """The configuration object botbuilder's ConfigurationBotFrameworkAuthentication reads.

    The token services are only set when a setting overrides one; then every one is set (the others
    to the public cloud's values), since botbuilder then takes all of them from here.
    """

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.microsoft_app_id
        self.APP_PASSWORD = settings.microsoft_app_password
        self.APP_TYPE = settings.microsoft_app_type
        self.APP_TENANTID = settings.microsoft_app_tenant_id
        overrides = {name: getattr(settings, name.lower()) for name in TOKEN_SERVICES}
        if any(overrides.values()):
            for name, value in overrides.items():
                setattr(self, name, value or PUBLIC_CLOUD[name])


class Unverifiable(Exception):
    """The token could not be checked now: the token service's signing keys could not be fetched."""


async def authenticate(
    authentication: BotFrameworkAuthentication, activity: Activity, header: str | None
) -> AuthenticateRequestResult | None:
    """botbuilder's verdict on the request's Authorization header: its result, or None when refused."""
    try:
        return await authentication.authenticate_request(activity, header)  # type: ignore[arg-type]
    except requests.RequestException as error:
        raise Unverifiable(type(error).__name__) from None
    except Exception as error:  # botbuilder refuses with PermissionError, and lets PyJWT's errors through
        log.warning("refused a request to /api/messages: %s", type(error).__name__)
        return None


def check_listening(settings: Settings) -> None:
    """Without an app id nothing is authenticated: say so, and listen on loopback only unless allowed."""
    if not settings.local_mode:
        return
    log.warning("local mode: MicrosoftAppId is empty, so requests to /api/messages are not authenticated")
    if is_loopback(settings.host):
        return
    if not settings.allow_unauthenticated:
        raise ConfigurationError(
            f"HOST={settings.host} would let anyone on the network post as any user, because without "
            "MicrosoftAppId requests are not authenticated. Listen on 127.0.0.1, ::1 or localhost, "
            "set MicrosoftAppId, or (on a closed test network only) set ALLOW_UNAUTHENTICATED=true."
        )
    log.warning("ALLOW_UNAUTHENTICATED=true: listening unauthenticated on %s", settings.host)


def is_loopback(host: str) -> bool:
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False
