"""How the brief goes out: when the scheduler makes it, and how it is emailed."""

from __future__ import annotations

import re
import string
from email.utils import parseaddr
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from .base import Model, shown
from .cron import cron_trigger

ADDRESS_RE = re.compile(r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+$")
DURATION_RE = re.compile(r"^(\d{1,12})\s*([smh]?)$")
SUBJECT_FIELDS = ("title", "date", "longdate", "headline", "first_point")
DEFAULT_SUBJECT = "{title} · {date} · {headline}"


class ScheduleConfig(Model):
    """When `briefgen schedule` makes the brief, and how long a run may take."""

    cron: str = Field(
        "0 6 * * *",
        description=(
            "Crontab fields 'minute hour day month weekday' in `timezone` (weekday 0 or 7 is "
            "Sunday); a sixth, leading field gives seconds ('30 0 6 * * *')."
        ),
    )
    deadline: int = Field(
        1800,
        gt=0,
        description="Seconds a scheduled run may take before it is stopped; '30m' and '2h' work too.",
        # The file may say "30m"; the model holds seconds.
        json_schema_extra={"type": ["integer", "string"]},
    )
    retries: int = Field(
        3, ge=0, le=24, description="Further attempts after a scheduled run fails (build or delivery), the same day."
    )
    retry_delay: int = Field(
        900,
        gt=0,
        description="Seconds between a failed scheduled run and its next attempt; '15m' works too.",
        json_schema_extra={"type": ["integer", "string"]},
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        cron_trigger(value, "UTC")
        return value

    @field_validator("deadline", "retry_delay", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return seconds(value)


def seconds(value: Any) -> Any:
    """A duration as seconds: a number as it is, or '30s', '5m', '2h'."""
    if isinstance(value, str):
        match = DURATION_RE.match(value.strip())
        if not match:
            raise ValueError(f"{shown(value)} is not a duration: use seconds, or '30s', '5m', '2h'")
        return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
    return value


def _check_address(value: str) -> str:
    name, address = parseaddr(value)
    # CR/LF would let an address add headers of its own.
    if not address or "\n" in value or "\r" in value or not ADDRESS_RE.match(address):
        raise ValueError(f"{value!r} is not an email address (user@example.org or 'Name <user@example.org>')")
    return value


class EmailConfig(Model):
    """How `--email`, `send` and the scheduler email the brief over SMTP."""

    host: str = Field(min_length=1, description="SMTP server host name or address.")
    port: int | None = Field(
        None, ge=1, le=65535, description="SMTP port; default 587 for starttls, 465 for ssl, 25 for none."
    )
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="starttls (upgrade after connecting), ssl (TLS from the start) or none."
    )
    username: str | None = Field(None, description="SMTP login; needs password_env.")
    password_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable that holds the SMTP password.",
    )
    # Only here to say where the password goes instead: it is rejected whenever given.
    password: SkipJsonSchema[Any] = Field(None, exclude=True)
    ca_file: str | None = Field(
        None, description="PEM file of CA certificates that sign the server's; default the system's."
    )
    from_: str = Field(alias="from", description="Sender address, optionally 'Name <address>'.")
    to: list[str] = Field(default_factory=list, description="Recipients shown in To.")
    cc: list[str] = Field(default_factory=list, description="Recipients shown in Cc.")
    bcc: list[str] = Field(default_factory=list, description="Recipients not shown to the others.")
    subject: str = Field(
        DEFAULT_SUBJECT,
        description="Subject template with {title}, {date} (YYYY-MM-DD), {longdate}, {headline} (the top story's "
        "headline) and {first_point} (the first bottom-line point). The subject is cut at a word to 78 characters.",
    )
    send_empty: bool = Field(
        False,
        description="Email a brief that has no article because its sources failed or are missing (it says so at "
        "the top). By default such a brief is written but not sent, and `generate` exits with code 9. "
        "A quiet day's brief, from sources that worked, is always sent.",
    )
    max_attachment_mb: float = Field(
        5, ge=0, description="A PDF larger than this is not attached; the message says where it is."
    )
    timeout: float = Field(30, gt=0, description="Seconds to wait for the server at each step.")
    retries: int = Field(
        3, ge=0, le=10, description="Retries after a connection failure or a 4xx reply before the data is sent."
    )
    backoff: float = Field(2.0, ge=0, description="Seconds before the first retry; doubled for each next one.")

    @field_validator("password")
    @classmethod
    def _no_password(cls, value: Any) -> Any:
        if value is not None:
            raise ValueError(
                "the password never goes in the config file: put it in an environment "
                "variable and set password_env to that variable's name"
            )
        return value

    @field_validator("from_")
    @classmethod
    def _from(cls, value: str) -> str:
        return _check_address(value)

    @field_validator("to", "cc", "bcc")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            _check_address(item)
        return value

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            raise ValueError(f"not a subject template: {exc}") from None
        unknown = [n for n in names if n not in SUBJECT_FIELDS]
        if unknown:
            known = ", ".join("{" + f + "}" for f in SUBJECT_FIELDS)
            raise ValueError(f"unknown field {{{unknown[0]}}}: use {known}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EmailConfig:
        if not self.recipients:
            raise ValueError("give at least one recipient in to, cc or bcc")
        lowered = [r.lower() for r in self.recipients]
        dupes = sorted({r for r in lowered if lowered.count(r) > 1})
        if dupes:
            raise ValueError(f"recipient listed twice: {', '.join(dupes)}")
        if self.username and not self.password_env:
            raise ValueError("username needs password_env (the name of the variable holding the password)")
        if self.password_env and not self.username:
            raise ValueError("password_env needs username")
        return self

    @property
    def recipients(self) -> list[str]:
        """Every envelope recipient's bare address: to, then cc, then bcc."""
        return [parseaddr(r)[1] for r in (*self.to, *self.cc, *self.bcc)]

    @property
    def cleartext(self) -> str | None:
        """What to warn about when a login goes over a connection without TLS, else None."""
        if self.security != "none" or not self.username:
            return None
        return (f"email.security is none: the password for {self.username} goes to {self.host}:{self.smtp_port} "
                "in clear, readable by anyone on the way; use starttls or ssl")

    @property
    def smtp_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]
