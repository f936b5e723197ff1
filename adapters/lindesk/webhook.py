"""`POST /api/lindesk/events`: the desk's signed events (HMAC-SHA256 of the raw body) move the orders."""

from __future__ import annotations

import hashlib
import hmac
import logging

from aiohttp import web
from pydantic import ValidationError

from bot.audit import Via, acting_through
from bot.desk_events import DeskEvent, DeskEvents, UnknownOrder
from bot.workflow import NotAllowed

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Lindesk-Signature"
SIGNATURE_PREFIX = "sha256="
AUDIT_VIA = Via("lindesk")


def signature(secret: str, body: bytes) -> str:
    """The header value the desk sends with `body`."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(secret: str, body: bytes, header: str) -> bool:
    """Constant-time check of the signature header against the body."""
    given = header.strip().lower().encode("utf-8", "surrogateescape")
    return hmac.compare_digest(signature(secret, body).encode(), given)


class DeskEventsEndpoint:
    """401 unsigned, 400 malformed, 404 unknown order, 409 not possible now; 200 applied or unchanged."""

    def __init__(self, secret: str, events: DeskEvents) -> None:
        self.secret = secret
        self.events = events

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not is_signed(self.secret, body, request.headers.get(SIGNATURE_HEADER, "")):
            return _problem(401, "missing or wrong X-Lindesk-Signature")
        try:
            event = DeskEvent.model_validate_json(body)
        except ValidationError as error:
            return _problem(400, f"malformed event: {_fields(error)}")
        try:
            with acting_through(AUDIT_VIA):  # the desk's changes are audited as made through it
                outcome = await self.events.receive(event)
        except UnknownOrder:
            return _problem(404, f"no order {event.reference}")
        except NotAllowed as refusal:
            log.info("desk event %s %s refused", event.reference, event.status.value)
            return _problem(409, refusal.message)
        log.info("desk event %s %s: %s", event.reference, event.status.value, outcome.value)
        return web.json_response({"result": outcome.value})


def _fields(error: ValidationError) -> str:
    """Which fields were wrong, never their values (they may be personal)."""
    return ", ".join(sorted({".".join(map(str, item["loc"])) or "body" for item in error.errors()}))


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)
