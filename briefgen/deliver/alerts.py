"""Sending a flash alert: a JSON POST to a webhook (Slack and Teams incoming webhooks take
`{"text": ...}`), or a plain-text email through the `email` section's SMTP server.

Each send says how it ended: `sent`; `failed` (nothing was delivered: retried here with
backoff, and by the next poll); or `unknown` (the request went out and no answer came:
it may have been delivered, so it is never sent again).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import httpx

from ..config import Config
from .email import _Ambiguous, _Client, _Failed, _password, _Refused, _Retry

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class AlertMessage:
    rule: str
    level: int
    headline: str
    text: str  # the whole alert in plain text: what the webhook's "text" and the email's body say
    alert_id: int


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, failed, unknown
    error: str | None = None
    attempts: int = 1


class _Again(Exception):
    """Nothing was delivered; another attempt may work."""


class _Maybe(Exception):
    """The request went out and no answer came back: it may have been delivered."""


def send_alert(config: Config, channel: str, message: AlertMessage, *, sleep: Callable[[float], None] = time.sleep,
               before_send: Callable[[], None] = lambda: None) -> Outcome:
    """Send one alert on `channel` (`webhook` or `email:<address>`), retrying what failed
    outright `watch.retries` times, `watch.backoff` seconds apart and doubling."""
    settings = config.watch
    error = ""
    for attempt in range(settings.retries + 1):
        try:
            before_send()
            if channel == "webhook":
                _post(_rule(config, message.rule).webhook or "", message, settings.timeout)
            else:
                _email(config, channel.removeprefix("email:"), message)
        except _Maybe as exc:
            return Outcome("unknown", str(exc), attempt + 1)
        except _Again as exc:
            error = str(exc)
            if attempt < settings.retries:
                pause = settings.backoff * 2**attempt
                log.warning("alert %s (%s) to %s: %s; trying again in %g s", message.rule, message.headline[:60],
                            channel, exc, pause)
                sleep(pause)
            continue
        return Outcome("sent", None, attempt + 1)
    return Outcome("failed", error, settings.retries + 1)


def _rule(config: Config, name: str):  # type: ignore[no-untyped-def]
    return next(r for r in config.alerts if r.name == name)


def _post(url: str, message: AlertMessage, timeout: float) -> None:
    try:
        answer = httpx.post(url, json={"text": message.text}, timeout=timeout, follow_redirects=False,
                            headers={"X-Briefgen-Alert": str(message.alert_id)})
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise _Again(f"cannot connect: {exc}") from None
    except httpx.HTTPError as exc:
        raise _Maybe(f"no answer after the alert was sent ({type(exc).__name__}); it may have been delivered") from None
    if not 200 <= answer.status_code < 300:
        raise _Again(f"the webhook answered {answer.status_code}")


def _email(config: Config, recipient: str, message: AlertMessage) -> None:
    settings = config.email
    if settings is None:
        raise _Again("no `email` section in the config: no SMTP server to send through")
    mail = EmailMessage()
    mail["From"] = settings.from_
    mail["To"] = recipient
    mail["Subject"] = f"[{message.rule}] {'Update: ' if message.level > 1 else ''}{message.headline}"[:180]
    mail["Date"] = format_datetime(datetime.now().astimezone())
    mail["Message-ID"] = make_msgid(domain=parseaddr(settings.from_)[1].rpartition("@")[2] or None)
    mail.set_content(message.text)
    client = _Client(config, settings, _password(settings))
    try:
        client.send(parseaddr(settings.from_)[1], recipient, mail.as_bytes(), before_data=lambda: None)
    except _Retry as exc:
        raise _Again(str(exc)) from None
    except (_Failed, _Refused) as exc:
        raise _Again(str(exc)) from None
    except _Ambiguous as exc:
        raise _Maybe(str(exc)) from None
    finally:
        client.close()
