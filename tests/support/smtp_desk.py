"""A service desk that takes tickets by e-mail: a real SMTP server (aiosmtpd) on loopback, stoppable."""

from __future__ import annotations

import asyncio
import datetime
import email
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.lindesk.email import EmailDesk
from bot.settings import Settings

HOST = "127.0.0.1"
DESK_ADDRESS = "lindesk@kommun.test"
BOT_ADDRESS = "trygghetslarm@kommun.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpDeskServer:
    """Records every message; like a real desk, it makes one ticket per Message-ID, and threads replies.

    A message with In-Reply-To is a comment on the ticket it names, again one per Message-ID.

    `refuse_with` answers RCPT with that SMTP reply (e.g. "451 4.3.0 try later", "550 5.1.1 no such box").
    With `tls` the server offers STARTTLS and requires it, and a login from `users`, before mail.
    """

    def __init__(self, tls: ssl.SSLContext | None = None, users: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.tls = tls
        self.users = users or {}
        self.received: list[EmailMessage] = []
        self.logins: list[str] = []
        self.refuse_with: str | None = None
        self._server: asyncio.Server | None = None

    async def start(self) -> SmtpDeskServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, "127.0.0.1", self.port)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> SmtpDeskServer:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    def settings(self, **overrides: object) -> Settings:
        """The app's settings for TICKET_SYSTEM=email with this server, plain SMTP unless overridden."""
        values = {
            "lindesk_email_to": DESK_ADDRESS,
            "lindesk_email_from": BOT_ADDRESS,
            "lindesk_smtp_host": "127.0.0.1",
            "lindesk_smtp_port": self.port,
            "lindesk_smtp_starttls": False,
            "lindesk_timeout_seconds": 2.0,
        }
        return Settings(_env_file=None, ticket_system="email", **(values | overrides))  # type: ignore[arg-type]

    def client(self, **overrides: object) -> EmailDesk:
        """The app's e-mail desk adapter, sending to this server."""
        return EmailDesk(self.settings(**overrides))

    @property
    def tickets(self) -> dict[str, EmailMessage]:
        """The desk's tickets: the first message of each Message-ID that replies to nothing."""
        return _first_by_message_id(mail for mail in self.received if mail["In-Reply-To"] is None)

    @property
    def comments(self) -> dict[str, EmailMessage]:
        """Comments on tickets: the first message of each Message-ID that replies to one."""
        return _first_by_message_id(mail for mail in self.received if mail["In-Reply-To"] is not None)

    def _protocol(self) -> SMTP:
        return SMTP(
            self,
            hostname="lindesk.test",
            tls_context=self.tls,
            require_starttls=self.tls is not None,
            auth_required=bool(self.users),
            authenticator=self._authenticate if self.users else None,
        )

    def _authenticate(self, *args: Any) -> AuthResult:
        data = args[-1]  # aiosmtpd passes server, session, envelope, mechanism, then the login data
        ok = isinstance(data, LoginPassword) and self.users.get(data.login.decode()) == data.password.decode()
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, _server: SMTP, _session: Session, envelope: Envelope, address: str, _options: list[str]
    ) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        self.received.append(email.message_from_bytes(content, policy=default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _first_by_message_id(messages: Iterable[EmailMessage]) -> dict[str, EmailMessage]:
    first: dict[str, EmailMessage] = {}
    for message in messages:
        first.setdefault(str(message["Message-ID"]), message)
    return first


def self_signed_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate file a client trusts it with."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "desk.crt", folder / "desk.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file
