"""Emailing the brief over SMTP: one message per recipient, each sent once, kept in the outbox.

What is retried, and what is not: a connection that fails, or a 4xx reply, before the
message data is sent is retried with backoff (nothing was delivered). Once the data has
gone, a lost connection leaves the message `ambiguous` (the server may have taken it), and
only `briefgen send --force` sends it again. The password is read from the environment
when needed, and scrubbed from every error that is recorded or shown.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from datetime import date
from email.utils import parseaddr
from pathlib import Path

from ..config import Config, EmailConfig
from ..errors import ConfigError, DeliveryError, UsageError
from ..models import Delivery
from ..pause import pause_at
from ..redact import register as register_secret
from ..redact import scrub
from ..store import Store
from . import message, outbox
from .files import atomic_write

log = logging.getLogger(__name__)


class _Retry(Exception):
    """Nothing was delivered, and trying again may work (connection failure, 4xx reply)."""

    def __init__(self, reason: str, connecting: bool = False):
        super().__init__(reason)
        self.connecting = connecting


class _Refused(Exception):
    """The server refused the recipient for good."""


class _Failed(Exception):
    """The server said no for good (authentication, a 5xx reply), or rejected the data."""


class _Ambiguous(Exception):
    """The connection failed after the message data was sent: it may have been delivered."""


def email_config(config: Config) -> EmailConfig:
    if config.email is None:
        raise ConfigError("email", ["not configured: add an `email:` section (see docs/email.md)"])
    return config.email


def send_brief(
    config: Config,
    day: date,
    db: Store,
    folder: Path,
    *,
    force: bool = False,
    only: Sequence[str] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send the brief in `folder` to every recipient not yet sent it (all of them with `force`);
    `only` narrows that to some recipients.

    `db` is the store that holds the outbox: the configured one (see `pipeline.outbox_store`),
    whatever folder the brief was written to, so the promise of one message per recipient
    holds for the brief date across every output folder. A deployment sends to each
    recipient in a task of its own (`only=[recipient]`)."""
    settings = email_config(config)
    wanted = _only(settings, only)
    brief = message.load(folder, day)
    rows = outbox.entries(db, day, settings.recipients, lambda _: message.new_message_id(settings, day))
    rows = [d for d in rows if wanted is None or d.recipient.lower() in wanted]
    todo = [d for d in rows if force or d.status in outbox.UNSENT]
    for delivery in rows:
        if not (force or delivery.status in outbox.UNSENT):
            log.info("%s: %s, not sent again (%s)", delivery.recipient, delivery.status, delivery.message_id)
    if not todo:
        return rows
    pause_at("send")
    if settings.cleartext:
        log.warning("%s", settings.cleartext)
    client = _Client(config, settings, _password(settings))
    try:
        for delivery in todo:
            data = message.compose(settings, brief, delivery.message_id, outbox.now()).as_bytes()
            _deliver(client, db, settings, delivery, data, sleep)
    finally:
        client.close()
    return rows


def _only(settings: EmailConfig, only: Sequence[str]) -> set[str] | None:
    """The bare addresses `--recipient` names, each checked against the config's recipients."""
    if not only:
        return None
    known = {r.lower() for r in settings.recipients}
    wanted = {parseaddr(r)[1].lower() or r.lower() for r in only}
    unknown = sorted(wanted - known)
    if unknown:
        raise UsageError(f"--recipient {unknown[0]}: not a recipient of this config (email.to, cc or bcc: "
                         f"{', '.join(settings.recipients)})")
    return wanted


def write_eml(config: Config, day: date, db: Store, folder: Path) -> list[Path]:
    """`--dry-run`: each recipient's message as an .eml file beside the brief; nothing is sent or recorded."""
    settings = email_config(config)
    brief = message.load(folder, day)
    known = {d.recipient: d.message_id for d in outbox.peek(db, day)}
    written = []
    for recipient in settings.recipients:
        message_id = known.get(recipient) or message.new_message_id(settings, day)
        msg = message.compose(settings, brief, message_id, outbox.now())
        path = message.eml_path(folder, day, recipient)
        atomic_write(path, msg.as_bytes())
        written.append(path)
    return written


def _deliver(
    client: _Client, db: Store, settings: EmailConfig, delivery: Delivery, data: bytes, sleep: Callable[[float], None]
) -> None:
    delivery.tried = True
    # A forced resend to someone who has the brief: whatever happens to it, they have it.
    had = (delivery.sent_at, delivery.error) if delivery.status == "sent" else None
    sender = parseaddr(settings.from_)[1]
    mark_sending = (lambda: None) if had else (lambda: _save(db, delivery, "sending"))
    for attempt in range(settings.retries + 1):
        if client.unreachable:
            delivery.status, delivery.error = "failed", client.unreachable
            break
        delivery.attempts += 1
        try:
            client.send(sender, delivery.recipient, data, before_data=mark_sending)
        except _Retry as exc:
            delivery.status, delivery.error = "failed", str(exc)
            if attempt < settings.retries:
                pause = settings.backoff * 2**attempt
                log.warning("%s: %s; trying again in %g s", delivery.recipient, exc, pause)
                sleep(pause)
                continue
            if exc.connecting:
                # The server cannot be reached: the other recipients need not wait it out again.
                client.unreachable = str(exc)
        except _Refused as exc:
            delivery.status, delivery.error = "refused", str(exc)
        except _Failed as exc:
            delivery.status, delivery.error = "failed", str(exc)
        except _Ambiguous as exc:
            delivery.status, delivery.error = "ambiguous", str(exc)
        else:
            delivery.status, delivery.error, delivery.sent_at = "sent", None, outbox.now()
            log.info("sent %s to %s", delivery.message_id, delivery.recipient)
        break
    if had is not None and delivery.status != "sent":
        log.warning("%s: sending again failed (%s: %s); it stays sent, as it was on %s",
                    delivery.recipient, delivery.status, delivery.error, had[0])
        delivery.resend_error = f"{delivery.status}: {delivery.error}"
        delivery.status, delivery.sent_at, delivery.error = "sent", had[0], had[1]
    elif delivery.status != "sent":
        # A warning: the caller (send, generate --email, the scheduler) reports what was not delivered.
        log.warning("%s: %s: %s", delivery.recipient, delivery.status, delivery.error)
    outbox.save(db, delivery)


def _save(db: Store, delivery: Delivery, status: str) -> None:
    delivery.status = status
    outbox.save(db, delivery)


def _password(settings: EmailConfig) -> str | None:
    if not settings.username:
        return None
    assert settings.password_env is not None
    value = os.environ.get(settings.password_env)
    if not value:
        raise DeliveryError(
            f"email.password_env: the environment variable {settings.password_env} is not set "
            "(it must hold the SMTP password)"
        )
    # From here on every log line, error and stored reason has it scrubbed.
    register_secret(value)
    return value


class _Client:
    """One SMTP connection, opened when first needed and again after it is lost."""

    def __init__(self, config: Config, settings: EmailConfig, password: str | None):
        self.settings = settings
        self.ca_file = config.resolve(settings.ca_file) if settings.ca_file else None
        self._password = password
        self.smtp: smtplib.SMTP | None = None
        self.unreachable: str | None = None

    def send(self, sender: str, recipient: str, data: bytes, before_data: Callable[[], None]) -> None:
        """One mail transaction; raises _Retry, _Refused, _Failed or _Ambiguous."""
        smtp = self.smtp
        if smtp is None:
            try:
                smtp = self._open()
            except _Failed as exc:
                # A refusal of the connection itself (login, TLS) holds for every recipient.
                self.unreachable = str(exc)
                raise
        try:
            self._expect(smtp, smtp.mail(sender), (250,), "MAIL FROM")
            self._expect(smtp, smtp.rcpt(recipient), (250, 251), f"RCPT TO {recipient}", refusal=True)
            self._expect(smtp, smtp.docmd("DATA"), (354,), "DATA")
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise _Retry(self._say(f"connection lost before the message was sent: {_describe(exc)}")) from None
        before_data()
        pause_at("data")
        try:
            smtp.send(_stuffed(data))
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise _Ambiguous(
                self._say(f"connection lost after the message data was sent ({_describe(exc)}); it may have been delivered")
            ) from None
        if code != 250:
            raise _Failed(self._say(f"the server rejected the message: {code} {_text(reply)}"))
        pause_at("sent")

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.smtp_port}"
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.smtp_port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.smtp_port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise _Failed(f"{where} does not offer STARTTLS (security: starttls)")
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, self._password or "")
        except _Failed:
            _quietly_close(smtp)
            raise
        except ssl.SSLCertVerificationError as exc:
            _quietly_close(smtp)
            raise _Failed(f"{where}: cannot verify the server's certificate ({exc.verify_message}); see email.ca_file") from None
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(smtp)
            reason = self._say(f"{where}: login as {s.username} failed: {exc.smtp_code} {_text(exc.smtp_error)}")
            if 400 <= exc.smtp_code < 500:
                raise _Retry(reason, connecting=True) from None
            raise _Failed(reason) from None
        except UnicodeEncodeError:
            # smtplib sends logins as ASCII; the error names the offending character, so say less.
            _quietly_close(smtp)
            raise _Failed(f"{where}: login as {s.username} failed: the username and password must be ASCII") from None
        except smtplib.SMTPNotSupportedError:
            _quietly_close(smtp)
            raise _Failed(f"{where} does not offer login (AUTH); check security and port") from None
        except smtplib.SMTPResponseException as exc:
            _quietly_close(smtp)
            reason = self._say(f"{where}: {exc.smtp_code} {_text(exc.smtp_error)}")
            if 400 <= exc.smtp_code < 500:
                raise _Retry(reason, connecting=True) from None
            raise _Failed(reason) from None
        except (smtplib.SMTPException, OSError) as exc:
            _quietly_close(smtp)
            raise _Retry(self._say(f"cannot connect to {where}: {_describe(exc)}"), connecting=True) from None
        self.smtp = smtp
        return smtp

    def _expect(
        self, smtp: smtplib.SMTP, answer: tuple[int, bytes], codes: tuple[int, ...], step: str, refusal: bool = False
    ) -> None:
        code, reply = answer
        if code in codes:
            return
        try:
            # Leave the connection clean for the next recipient's transaction.
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()
        reason = self._say(f"{step}: {code} {_text(reply)}")
        if 400 <= code < 500 or code == -1:
            raise _Retry(reason)
        raise _Refused(reason) if refusal else _Failed(reason)

    def _drop(self) -> None:
        _quietly_close(self.smtp)
        self.smtp = None

    def _say(self, text: str) -> str:
        """`text` with the password blotted out, in every form a server may echo it."""
        return scrub(text, self._password)


def _stuffed(data: bytes) -> bytes:
    """The message as DATA sends it: CRLF line ends, leading dots doubled, then the final dot."""
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _text(reply: bytes | str) -> str:
    """A server's reply on one line, the password scrubbed first: collapsing its lines
    could otherwise join a password split across them into one the scrub misses."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(scrub(text).split())


def _describe(exc: BaseException) -> str:
    return scrub(str(exc)) or type(exc).__name__


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass
