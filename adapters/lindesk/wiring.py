"""Wires the service desk into the app: the ticket deliverer for the outbox, and the events route."""

from __future__ import annotations

import logging

from aiohttp import web

from adapters.lindesk.email import EmailDesk
from adapters.lindesk.rest import RestDesk
from adapters.lindesk.webhook import DeskEventsEndpoint
from bot.access import AccessPolicy
from bot.desk_events import DeskEvents
from bot.handling import HandlingService
from bot.orders import Clock, utc_now
from bot.settings import Settings
from bot.store.unit_of_work import Database
from bot.ticket_delivery import TicketDelivery
from bot.tickets import TicketDesk

EVENTS_PATH = "/api/lindesk/events"
log = logging.getLogger(__name__)


def ticket_delivery(settings: Settings, database: Database, clock: Clock = utc_now) -> TicketDelivery | None:
    """The outbox's deliverer for the desk TICKET_SYSTEM names; None when the bot is the desk."""
    desk = create_desk(settings)
    return None if desk is None else TicketDelivery(database, desk, clock)


def create_desk(settings: Settings) -> TicketDesk | None:
    if settings.ticket_system == "email":
        return EmailDesk(settings)
    if settings.ticket_system == "rest":
        return RestDesk(settings)
    return None


def add_desk_events(
    app: web.Application, settings: Settings, database: Database, clock: Clock = utc_now
) -> None:
    """Serve `POST /api/lindesk/events` when LINDESK_WEBHOOK_SECRET is set."""
    secret = settings.lindesk_webhook_secret
    if not secret:
        if settings.ticket_system != "embedded":
            log.warning("LINDESK_WEBHOOK_SECRET is not set: events from Lindesk are not taken in")
        return
    events = DeskEvents(HandlingService(database, AccessPolicy.for_service_desk(), clock))
    app.router.add_post(EVENTS_PATH, DeskEventsEndpoint(secret, events).handle)
