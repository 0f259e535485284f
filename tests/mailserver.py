"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and can misbehave."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool = False
    authenticated: bool = False

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Inbox:
    """The handler: records messages; `refuse`, `tempfail` and `drop_after_data` make it misbehave."""

    messages: list[Received] = field(default_factory=list)
    # recipient -> reply for RCPT TO, e.g. "550 5.1.1 no such user"
    refuse: dict[str, str] = field(default_factory=dict)
    # recipient -> how many times RCPT TO answers 451 before it is accepted
    tempfail: dict[str, int] = field(default_factory=dict)
    # how many messages to take and then hang up on, before any reply to the data
    drop_after_data: int = 0
    # when given, each message is kept on arrival and the reply to its data waits until the event is set
    hold: threading.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        if self.tempfail.get(address, 0) > 0:
            self.tempfail[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(Received(
                envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content,
                tls=server.transport.get_extra_info("cipher") is not None,
                authenticated=bool(session.authenticated),
            ))
        while self.hold is not None and not self.hold.is_set():
            await asyncio.sleep(0.05)
        if self.drop_after_data > 0:
            self.drop_after_data -= 1
            server.transport.abort()
        return "250 2.0.0 queued"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


class Authenticator:
    """Accepts one login and password; remembers the attempts."""

    def __init__(self, login: str, password: str):
        self.login, self.password = login.encode(), password.encode()
        self.attempts = 0

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        self.attempts += 1
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (self.login, self.password)
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(inbox: Inbox, port: int | None = None, **smtp_options: Any) -> Iterator[int]:
    """Serve `inbox` on 127.0.0.1; yields the port."""
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **smtp_options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def tls_contexts(tmp: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a certificate for 127.0.0.1 from a CA made now, and that CA's PEM file."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    ca_file = tmp / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server, ca_file


def add_email(config: Path, port: int, **settings: Any) -> Path:
    """Give the project's config an `email:` section pointing at the test server."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["email"] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from": "Brief Bot <brief@example.org>",
        "to": ["Alice <alice@example.org>"],
        "cc": ["bob@example.org"],
        "bcc": ["carol@example.org"],
        "retries": 2,
        "backoff": 0.05,
        "timeout": 10,
        **settings,
    }
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config
