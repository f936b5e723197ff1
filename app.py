"""Composition root: settings -> database -> services -> bot -> aiohttp routes. `python app.py`."""

from __future__ import annotations

import gc
import logging
from datetime import timedelta

import uvloop
from aiohttp import web

from adapters.audit_download import PATH as AUDIT_PATH
from adapters.audit_download import TOKEN_PURPOSE as AUDIT_TOKEN_PURPOSE
from adapters.audit_download import AuditDownload
from adapters.channel import create_adapter
from adapters.channel_auth import check_listening
from adapters.inventory_download import PATH as INVENTORY_PATH
from adapters.inventory_download import TOKEN_PURPOSE, InventoryDownload
from adapters.lifecycle import LIFECYCLE, Lifecycle, serve
from adapters.lindesk.wiring import add_desk_events, ticket_delivery
from adapters.messages_endpoint import MessagesEndpoint
from adapters.proactive import ChatDeliverer
from adapters.reply_delivery import ReplyDeliverer
from adapters.webchat.bundle import ensure_bundle
from adapters.webchat.wiring import add_webchat
from bot import log_privacy, notifications
from bot.access import AccessPolicy
from bot.audit_log import AuditLog
from bot.categories import load_categories
from bot.conversations import ConversationDirectory
from bot.crypto import ConfigurationError, Vault, load_keys
from bot.followup.service import FollowUpService
from bot.handling import HandlingService
from bot.links import DownloadTokens
from bot.orders import Clock, OrderService, utc_now
from bot.outbox import OutboxChannel
from bot.outbox_worker import Deliverer, OnUndeliverable, OutboxWorker, RetryPolicy, each
from bot.rate_limit import RateLimiter
from bot.reply_outbox import ReplyOutbox
from bot.retention import Retention, RetentionPeriods
from bot.settings import Settings
from bot.status import StatusService
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.state_storage import OncePerTurnConversationState, SqlStorage
from bot.store.unit_of_work import Database
from bot.tenants import TenantPolicy
from bot.threads import ThreadDirectory
from bot.ticket_delivery import TicketDelivery
from dialogs.alarm_bot import AlarmBot
from dialogs.audit_command import AuditLogHandler
from dialogs.followup.handler import FollowUpHandler
from dialogs.followup.pending import PendingQuestions
from dialogs.followup.plain_answers import PlainAnswers
from dialogs.order_dialog import OrderDialog
from dialogs.status import StatusHandler
from dialogs.team.handler import DownloadLinks, TeamHandler
from dialogs.team.threads import thread_reference
from dialogs.turn_guard import TurnGuard

MAX_REQUEST_BYTES = 256 * 1024
log = logging.getLogger("trygghetslarm")


async def create_app(settings: Settings, clock: Clock = utc_now) -> web.Application:
    """Everything wired together; the database is migrated before the first request.

    `clock` is the time every service and the outbox worker go by (tests move it to make reminders due).
    """
    check_listening(settings)  # before anything starts: an unsafe setup stops here
    engine = create_engine(settings.database_url)
    await migrate(engine)
    vault = Vault(load_keys(settings.data_encryption_key, settings.data_dir, settings.local_mode))
    database = Database(engine, PayloadCodec(vault))
    tickets = ticket_delivery(settings, database, clock)  # None: TICKET_SYSTEM=embedded, nothing leaves
    orders = OrderService(database, clock, files_tickets=tickets is not None)
    storage = SqlStorage(engine, vault)
    conversation_state = OncePerTurnConversationState(storage)
    tenants = TenantPolicy.from_settings(settings)  # ALLOWED_TENANT_IDS; user ids per tenant
    policy = AccessPolicy(tenants.people(settings.team_member_ids), tenants.people(settings.audit_reader_ids))
    status = StatusService(database, policy, clock)
    directory = ConversationDirectory(database, clock)
    threads = ThreadDirectory(database)  # each order's thread in the team's Teams channels
    team, download = _team(settings, policy, vault, orders, directory, threads, clock)
    audit_handler, audit_download = _audit_log(settings, policy, vault, database, clock)
    followup, plain_answers = _followup(settings, database, policy, conversation_state, threads, clock)
    alarm_bot = AlarmBot(
        conversation_state,
        orders,
        directory,
        OrderDialog(orders, conversation_state, load_categories(), clock),
        # Tried in turn: commands first, status questions next, a plain answer to the team last.
        handlers=[audit_handler, team, followup, StatusHandler(status, conversation_state), plain_answers],
    )
    bot = TurnGuard(alarm_bot, RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst))
    lifecycle = Lifecycle(database, settings.shutdown_grace_seconds)  # /readyz, and the stop on SIGTERM
    lost = _undeliverable(tickets, alarm_bot.forget_refused)
    replies = ReplyOutbox(database, lost)  # a turn's replies the channel did not take within the budget
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[lifecycle.middleware])
    app[LIFECYCLE] = lifecycle
    adapter = create_adapter(settings, replies, lifecycle.stopping)
    app.router.add_post("/api/messages", MessagesEndpoint(adapter, bot, tenants).handle)
    add_webchat(app, settings, adapter, bot.on_turn, engine, vault)
    add_desk_events(app, settings, database, clock)
    chat = ChatDeliverer(adapter, directory, settings.microsoft_app_id, threads)
    queued_replies = ReplyDeliverer(adapter, settings.microsoft_app_id)
    worker = _outbox_worker(settings, database, chat, queued_replies, tickets, lost, clock)
    app.cleanup_ctx.append(lifecycle.background(worker, flushed=worker))
    app.cleanup_ctx.append(lifecycle.background(replies))
    app.on_startup.append(lambda _app: replies.refresh())  # before the first turn: replies left queued
    periods = RetentionPeriods.from_settings(settings)
    app.cleanup_ctx.append(lifecycle.background(Retention(database, periods, storage.prune, clock)))
    app.router.add_get(INVENTORY_PATH, download.handle)
    app.router.add_get(AUDIT_PATH, audit_download.handle)
    app.router.add_get("/healthz", _healthy)
    app.router.add_get("/readyz", lifecycle.ready)
    app.on_startup.append(_freeze_startup_objects)
    app.on_cleanup.append(lambda _app: adapter.close())
    app.on_cleanup.append(lambda _app: engine.dispose())
    return app


def _team(
    settings: Settings,
    policy: AccessPolicy,
    vault: Vault,
    orders: OrderService,
    directory: ConversationDirectory,
    threads: ThreadDirectory,
    clock: Clock,
) -> tuple[TeamHandler, InventoryDownload]:
    """The team's chat commands, and the inventory download their links point to."""
    audit = AuditLog(orders.database, clock)
    lifetime = timedelta(minutes=settings.download_link_minutes)
    tokens = DownloadTokens(vault.derived_key(TOKEN_PURPOSE), lifetime, clock)
    download = InventoryDownload(orders, policy, audit, tokens, settings.base_url)
    handling = HandlingService(orders.database, policy, clock)
    links = DownloadLinks(download.link, settings.download_link_minutes)
    return TeamHandler(orders, handling, directory, audit, links, clock, threads), download


def _followup(
    settings: Settings,
    database: Database,
    policy: AccessPolicy,
    conversation_state: OncePerTurnConversationState,
    threads: ThreadDirectory,
    clock: Clock,
) -> tuple[FollowUpHandler, PlainAnswers]:
    """Commands on filed orders, and the plain answer to the team's question."""
    service = FollowUpService(database, policy, clock, settings.answer_undo_seconds)
    followup = FollowUpHandler(
        service, PendingQuestions(conversation_state), lambda context: thread_reference(context, threads)
    )
    return followup, PlainAnswers(service, followup)


def _audit_log(
    settings: Settings, policy: AccessPolicy, vault: Vault, database: Database, clock: Clock
) -> tuple[AuditLogHandler, AuditDownload]:
    """`logg` in chat, and the download of the audit log its links point to."""
    lifetime = timedelta(minutes=settings.download_link_minutes)
    tokens = DownloadTokens(vault.derived_key(AUDIT_TOKEN_PURPOSE), lifetime, clock)
    download = AuditDownload(AuditLog(database, clock), policy, tokens, settings.base_url)
    return AuditLogHandler(policy, download.link, settings.download_link_minutes, clock), download


def _undeliverable(tickets: TicketDelivery | None, chat_refused: OnUndeliverable) -> OnUndeliverable:
    """What happens when a destination refuses for good; each channel's dead-letter hook joins here."""
    hooks: list[OnUndeliverable] = [notifications.undeliverable, chat_refused]
    if tickets is not None:
        hooks.append(tickets.undeliverable)
    return each(hooks)


def _outbox_worker(
    settings: Settings,
    database: Database,
    chat: ChatDeliverer,
    replies: ReplyDeliverer,
    tickets: TicketDelivery | None,
    undeliverable: OnUndeliverable,
    clock: Clock,
) -> OutboxWorker:
    """The one worker that delivers the outbox; each channel's deliverer joins here."""
    deliverers: dict[OutboxChannel, Deliverer] = {
        OutboxChannel.CHAT: chat,
        OutboxChannel.REMINDER: chat,
        OutboxChannel.REPLY: replies,
    }
    if tickets is not None:
        deliverers[OutboxChannel.LINDESK] = tickets
    retry = RetryPolicy(settings.outbox_retry_base_seconds, settings.outbox_retry_max_seconds)
    return OutboxWorker(
        database, deliverers, undeliverable, retry, clock, on_delivered=notifications.delivered
    )


async def _freeze_startup_objects(_app: web.Application) -> None:
    """What exists at start (modules, clients, the bot) lives as long as the process: keep it out of
    the garbage collector's full passes, which otherwise walk it all and pause turns for up to 150 ms."""
    gc.collect()
    gc.freeze()


async def _healthy(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log_privacy.install()  # on the root handlers, so every logger's lines are masked
    ensure_bundle(settings.webchat_bundle)
    log.info("listening on http://%s:%s/api/messages", settings.host, settings.port)
    try:
        uvloop.run(_serve(settings))
    except ConfigurationError as error:
        raise SystemExit(f"Cannot start: {error}") from None


async def _serve(settings: Settings) -> None:
    """Run the app until SIGTERM (or SIGINT), then stop in order (adapters/lifecycle.py): exit 0."""
    app = await create_app(settings)
    await serve(app, app[LIFECYCLE], settings.host, settings.port)


if __name__ == "__main__":
    main()
