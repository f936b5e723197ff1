"""The service desk's side of the events webhook: the running app, and signed (or not) posts to it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bot.domain import Order, TicketState
from bot.settings import Settings
from tests.support.app_server import app_settings, running_app
from tests.support.http_helpers import order_service
from tests.support.rest_desk import RestDeskServer
from tests.test_handling import queued_texts
from tests.test_orders import complete_draft

SECRET = "a-webhook-secret-for-the-tests-only-0123456789"
EVENTS_PATH = "/api/lindesk/events"
ORDERER_CONVERSATION = "conv-staff"


def sign(body: bytes, secret: str = SECRET) -> str:
    """The signature header as the desk computes it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class DeskSide:
    """The desk posting events to the running app, and a look into the app's database."""

    session: ClientSession
    app_url: str
    settings: Settings
    desk: RestDeskServer

    async def post(self, body: bytes, signature: str | None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Lindesk-Signature"] = signature
        async with self.session.post(f"{self.app_url}{EVENTS_PATH}", data=body, headers=headers) as response:
            text = await response.text()
            return response.status, json.loads(text) if text.startswith("{") else text

    async def send(self, **event: Any) -> tuple[int, Any]:
        """Post `event` as JSON, signed."""
        body = json.dumps(event, ensure_ascii=False).encode()
        return await self.post(body, sign(body))

    async def ticket(self, reference: str) -> dict[str, Any]:
        """The desk's ticket for `reference` once the app's outbox worker has filed it (a bounded wait).

        Filed means the app has also recorded the desk's answer: until then an event from the desk
        about the ticket is refused (409), as it would be from the real desk, which then retries.
        """
        for _ in range(600):
            if reference in self.desk.tickets and await self._recorded(reference):
                return self.desk.tickets[reference]
            await asyncio.sleep(0.05)
        raise AssertionError(f"{reference} never reached the desk")

    async def _recorded(self, reference: str) -> bool:
        ticket = (await self.order(reference)).ticket
        return ticket is not None and ticket.state is TicketState.SENT

    async def file_order(self, user_id: str = "staff-1") -> str:
        async with order_service(self.settings) as orders:
            return (await orders.file(complete_draft(user_id=user_id), ORDERER_CONVERSATION)).reference

    async def order(self, reference: str) -> Order:
        async with order_service(self.settings) as orders:
            found = await orders.get(reference)
        assert found is not None
        return found

    async def history(self, reference: str) -> list[str]:
        async with order_service(self.settings) as orders:
            return [event.kind for event in await orders.events(reference)]

    async def told_orderer(self) -> list[str]:
        async with order_service(self.settings) as orders:
            return await queued_texts(orders, ORDERER_CONVERSATION)


@asynccontextmanager
async def desk_side(database_url: str, data_dir: Path, **overrides: object) -> AsyncIterator[DeskSide]:
    """The app with TICKET_SYSTEM=rest, a REST desk for its tickets and the webhook secret set."""
    async with RestDeskServer() as desk:
        values = desk.app_values() | {"lindesk_webhook_secret": SECRET}
        settings = app_settings(database_url, data_dir, **(values | overrides))
        async with ClientSession() as session, running_app(settings) as url:
            yield DeskSide(session, url, settings, desk)
