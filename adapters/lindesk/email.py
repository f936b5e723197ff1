"""Files tickets by e-mail (SMTP, STARTTLS and login when configured): a message per order and per update."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from bot.outbox_worker import RetryLater, Undeliverable
from bot.settings import Settings
from bot.tickets import Ticket, TicketUpdate, message_id, update_body, update_message_id

log = logging.getLogger(__name__)


class EmailDesk:
    """A desk that makes tickets of e-mails and threads replies to them into the ticket.

    The Message-ID, the same on every try, lets it keep one ticket, and one comment per update.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def file(self, ticket: Ticket) -> str | None:
        await self._send(self.message(ticket))
        log.info("ticket %s e-mailed to the desk", ticket.reference)
        return None

    async def add_update(self, update: TicketUpdate) -> None:
        await self._send(self.update_message(update))
        log.info("update %s of %s e-mailed to the desk", update.event_id, update.reference)

    def message(self, ticket: Ticket) -> EmailMessage:
        message = self._headed(ticket.subject, message_id(ticket.reference, self.settings.lindesk_email_from))
        message.set_content(ticket.body)
        return message

    def update_message(self, update: TicketUpdate) -> EmailMessage:
        """A reply to the ticket's e-mail: In-Reply-To and References name the ticket's Message-ID."""
        sender = self.settings.lindesk_email_from
        message = self._headed(update.subject, update_message_id(update, sender))
        message["In-Reply-To"] = message["References"] = message_id(update.reference, sender)
        message.set_content(update_body(update))
        return message

    def _headed(self, subject: str, identity: str) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.settings.lindesk_email_from
        message["To"] = self.settings.lindesk_email_to
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = identity
        return message

    async def _send(self, message: EmailMessage) -> None:
        settings = self.settings
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.lindesk_smtp_host,
                port=settings.lindesk_smtp_port,
                username=settings.lindesk_smtp_user or None,
                password=settings.lindesk_smtp_password or None,
                start_tls=settings.lindesk_smtp_starttls,
                cert_bundle=settings.lindesk_smtp_ca_file or None,
                timeout=settings.lindesk_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise _by_code(min(refused.code for refused in error.recipients)) from error
        except aiosmtplib.SMTPResponseException as error:
            raise _by_code(error.code) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise RetryLater(f"SMTP {type(error).__name__}") from error


def _by_code(code: int) -> Exception:
    """SMTP 5xx: the server refused for good; anything else (4xx, odd codes) may pass later."""
    if 500 <= code < 600:
        return Undeliverable(f"SMTP {code}")
    return RetryLater(f"SMTP {code}")
