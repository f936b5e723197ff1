"""Which Teams tenants may use the bot, and how a user of one tenant is told apart from another's."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.settings import Settings

log = logging.getLogger(__name__)

SEPARATOR = "/"  # between the tenant and the user in a user id from another tenant
TENANT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class TenantPolicy:
    """ALLOWED_TENANT_IDS as the app applies it; the first tenant listed is the home tenant.

    A user id is the channel's (the AAD object id in Teams) for users of the home tenant and of
    channels without tenants; for users of any other tenant it is `tenant-id/user-id`, so the same
    id in another tenant is another person. With no tenant listed, every tenant is "another".
    """

    allowed: tuple[str, ...] = ()  # lower case; empty: every tenant may use the bot

    @classmethod
    def from_settings(cls, settings: Settings) -> TenantPolicy:
        """ALLOWED_TENANT_IDS, else MicrosoftAppTenantId, else any tenant (said at start, with an app id)."""
        listed = settings.allowed_tenant_ids or (settings.microsoft_app_tenant_id,)
        policy = cls(tuple(dict.fromkeys(_normal(tenant) for tenant in listed if tenant.strip())))
        if not policy.allowed and not settings.local_mode:
            log.warning(
                "ALLOWED_TENANT_IDS and MicrosoftAppTenantId are empty: Teams users of any tenant may use "
                "the bot, and their user ids are written tenant-id/user-id (so in TEAM_MEMBER_IDS too)"
            )
        return policy

    @property
    def home(self) -> str | None:
        return self.allowed[0] if self.allowed else None

    def allows(self, tenant: str | None) -> bool:
        """May an activity of `tenant` (None: it names none) be processed?"""
        return not self.allowed or (tenant is not None and _normal(tenant) in self.allowed)

    def person(self, tenant: str | None, user: str) -> str:
        """The user id of `user` of `tenant` (None: a channel without tenants)."""
        if tenant is None or not user or _normal(tenant) == self.home:
            return user
        return f"{_normal(tenant)}{SEPARATOR}{user}"

    def people(self, configured: Iterable[str]) -> tuple[str, ...]:
        """User ids as configured (TEAM_MEMBER_IDS), as `person` writes them: `home-tenant-id/id` is `id`."""
        return tuple(self._configured(entry) for entry in configured)

    def _configured(self, entry: str) -> str:
        tenant, separator, user = entry.partition(SEPARATOR)
        if not separator or not TENANT_ID.fullmatch(_normal(tenant)):
            return entry
        return self.person(tenant, user)


def shown_tenant(tenant: str | None) -> str:
    """A tenant id as a log line may show it: a tenant id is no personal data, anything else is hidden."""
    if tenant is None:
        return "(none)"
    return _normal(tenant) if TENANT_ID.fullmatch(_normal(tenant)) else "(not a tenant id)"


def _normal(tenant: str) -> str:
    return tenant.strip().lower()
