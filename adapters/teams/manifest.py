"""The Teams app manifest (schema v1.17): the bot in personal and team scope, Swedish texts, commands."""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.settings import Settings

MANIFEST_VERSION = "1.17"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
ACCENT = "#00538A"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
MAX_DEVELOPER_NAME = 32


class ManifestError(ValueError):
    """The settings or the version cannot make a manifest Teams accepts."""


def build_manifest(settings: Settings, version: str) -> dict[str, Any]:
    """The manifest; the Teams app id is the bot's app id (MicrosoftAppId)."""
    _check(settings, version)
    app_id = settings.microsoft_app_id
    website = settings.municipality_url
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": settings.municipality_name,
            "websiteUrl": website,
            "privacyUrl": settings.teams_privacy_url or website,
            "termsOfUseUrl": settings.teams_terms_url or website,
        },
        "name": {"short": texts.TEAMS_NAME_SHORT, "full": texts.TEAMS_NAME_FULL},
        "description": {"short": texts.TEAMS_DESCRIPTION_SHORT, "full": texts.TEAMS_DESCRIPTION_FULL},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    _commands("personal", texts.TEAMS_STAFF_COMMANDS),
                    _commands("team", texts.TEAMS_TEAM_COMMANDS),
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
        "localizationInfo": {"defaultLanguageTag": "sv-se"},
    }


def _commands(scope: str, commands: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"scopes": [scope], "commands": [{"title": t, "description": d} for t, d in commands]}


def _check(settings: Settings, version: str) -> None:
    if not GUID.match(settings.microsoft_app_id):
        raise ManifestError("MicrosoftAppId must be the bot's app id (a GUID) from its Azure Bot resource")
    if not SEMVER.match(version):
        raise ManifestError(f"the app version must be like 1.0.0, not {version!r}")
    if len(settings.municipality_name) > MAX_DEVELOPER_NAME:
        raise ManifestError(f"MUNICIPALITY_NAME may have at most {MAX_DEVELOPER_NAME} characters in Teams")
    if not settings.municipality_url.startswith("https://"):
        raise ManifestError("MUNICIPALITY_URL must be an https:// address")
