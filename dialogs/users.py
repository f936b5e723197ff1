"""Who is talking: a stable user id per person across conversations (the AAD id in Teams), per tenant."""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.tenants import TenantPolicy

TEAMS = "msteams"  # the only channel with tenants
TENANTS = "trygghetslarm.tenants"  # turn_state: the app's TenantPolicy (adapters/messages_endpoint.py)
ANY_TENANT = TenantPolicy()  # where a turn carries none: every tenant is another one


def user_id(context: TurnContext) -> str:
    """`aadObjectId` (else `id`) of the sender; from a tenant other than the home tenant, `tenant/id`."""
    sender = context.activity.from_property
    if sender is None:
        return ""
    tenants: TenantPolicy = context.turn_state.get(TENANTS) or ANY_TENANT
    return tenants.person(tenant_of(context.activity), sender.aad_object_id or sender.id or "")


def tenant_of(activity: Activity) -> str | None:
    """The Teams tenant: `channelData.tenant.id`, else `conversation.tenantId`; None off Teams."""
    if activity.channel_id != TEAMS:
        return None
    channel_data = activity.channel_data
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    found = tenant.get("id") if isinstance(tenant, dict) else None
    if not isinstance(found, str) or not found.strip():
        found = getattr(activity.conversation, "tenant_id", None)
    return found.strip() if isinstance(found, str) and found.strip() else None
