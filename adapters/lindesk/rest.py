"""Files tickets with a REST desk: POST JSON with a bearer token and the reference as Idempotency-Key."""

from __future__ import annotations

import logging

import aiohttp

from bot.outbox_worker import RetryLater, Undeliverable
from bot.settings import Settings
from bot.tickets import Ticket

log = logging.getLogger(__name__)

# Answers that say "not now": timeout, conflict (the same key in flight), too early, too many, server errors.
RETRY_STATUSES = frozenset({408, 409, 425, 429})


class RestDesk:
    """POSTs each ticket; a 2xx answer's JSON `id` is the desk's ticket id."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.lindesk_rest_url
        self.headers = {"Authorization": f"Bearer {settings.lindesk_rest_token}"}
        self.timeout = aiohttp.ClientTimeout(total=settings.lindesk_timeout_seconds)

    async def file(self, ticket: Ticket) -> str | None:
        headers = {**self.headers, "Idempotency-Key": ticket.reference}
        try:  # a session per ticket: a few tickets a day do not need a pool kept open
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(self.url, json=ticket.data, headers=headers, allow_redirects=False) as response,
            ):
                desk_id = await _desk_id(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(f"REST {type(error).__name__}") from error
        log.info("ticket %s filed with the desk", ticket.reference)
        return desk_id


async def _desk_id(response: aiohttp.ClientResponse) -> str | None:
    status = response.status
    if status in RETRY_STATUSES or status >= 500:
        raise RetryLater(f"REST {status}")
    if not 200 <= status < 300:
        raise Undeliverable(f"REST {status}")
    try:
        body = await response.json(content_type=None)
    except ValueError:
        body = None
    desk_id = body.get("id") if isinstance(body, dict) else None
    if desk_id is None:
        log.warning("the desk accepted a ticket without giving its id")
        return None
    return str(desk_id)
