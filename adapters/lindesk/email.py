"""Files tickets by e-mail (SMTP, STARTTLS and login when configured), one message per order."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from bot.outbox_worker import RetryLater, Undeliverable
from bot.settings import Settings
from bot.tickets import Ticket, message_id

log = logging.getLogger(__name__)


class EmailDesk:
    """A desk that makes tickets of e-mails; the Message-ID, the same on every try, lets it keep one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def file(self, ticket: Ticket) -> str | None:
        settings = self.settings
        try:
            await aiosmtplib.send(
                self.message(ticket),
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
        log.info("ticket %s e-mailed to the desk", ticket.reference)
        return None

    def message(self, ticket: Ticket) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = ticket.subject
        message["From"] = self.settings.lindesk_email_from
        message["To"] = self.settings.lindesk_email_to
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id(ticket.reference, self.settings.lindesk_email_from)
        message.set_content(ticket.body)
        return message


def _by_code(code: int) -> Exception:
    """SMTP 5xx: the server refused for good; anything else (4xx, odd codes) may pass later."""
    if 500 <= code < 600:
        return Undeliverable(f"SMTP {code}")
    return RetryLater(f"SMTP {code}")
