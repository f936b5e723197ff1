"""Files tickets with a REST desk: POST JSON, a bearer token and an Idempotency-Key; updates as comments."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.outbox_worker import RetryLater, Undeliverable
from bot.settings import Settings
from bot.tickets import Ticket, TicketUpdate

log = logging.getLogger(__name__)

# Answers that say "not now": timeout, conflict (the same key in flight), too early, too many, server errors.
RETRY_STATUSES = frozenset({408, 409, 425, 429})


def comments_url(tickets_url: str, reference: str) -> str:
    """Where an order's ticket takes comments: `<LINDESK_REST_URL>/<reference>/comments`."""
    return f"{tickets_url.rstrip('/')}/{quote(reference, safe='')}/comments"


class RestDesk:
    """POSTs each ticket (a 2xx answer's JSON `id` is the desk's ticket id) and each update."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.lindesk_rest_url
        self.headers = {"Authorization": f"Bearer {settings.lindesk_rest_token}"}
        self.timeout = aiohttp.ClientTimeout(total=settings.lindesk_timeout_seconds)

    async def file(self, ticket: Ticket) -> str | None:
        desk_id = _desk_id(await self._post(self.url, ticket.data, ticket.reference))
        log.info("ticket %s filed with the desk", ticket.reference)
        return desk_id

    async def add_update(self, update: TicketUpdate) -> None:
        body = {"reference": update.reference, "text": update.text, "event": update.event_id}
        await self._post(comments_url(self.url, update.reference), body, update.idempotency_key)
        log.info("update %s of %s added with the desk", update.event_id, update.reference)

    async def _post(self, url: str, body: dict[str, Any], key: str) -> object:
        """POST `body` under Idempotency-Key `key`; the desk's JSON answer (None if it gave none)."""
        headers = {**self.headers, "Idempotency-Key": key}
        try:  # a session per request: a few tickets a day do not need a pool kept open
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(url, json=body, headers=headers, allow_redirects=False) as response,
            ):
                return await _answer(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(f"REST {type(error).__name__}") from error


async def _answer(response: aiohttp.ClientResponse) -> object:
    status = response.status
    if status in RETRY_STATUSES or status >= 500:
        raise RetryLater(f"REST {status}")
    if not 200 <= status < 300:
        raise Undeliverable(f"REST {status}")
    try:
        return await response.json(content_type=None)
    except ValueError:
        return None


def _desk_id(answer: object) -> str | None:
    desk_id = answer.get("id") if isinstance(answer, dict) else None
    if desk_id is None:
        log.warning("the desk accepted a ticket without giving its id")
        return None
    return str(desk_id)
