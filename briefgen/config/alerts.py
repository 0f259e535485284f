"""Flash alerts between briefs: the rules under `alerts:` and how `briefgen watch` polls."""

from __future__ import annotations

import re
from datetime import time
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from .base import Model
from .delivery import _check_address, seconds

QUIET_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)$")


class AlertRule(Model):
    """One watch rule: which stories alert, and where the alert goes."""

    name: str = Field(min_length=1, pattern=r"^[\w .-]+$", description="The rule's name, shown in every alert it sends.")
    theme: str | None = Field(None, description="A theme key: the story must be filed under it.")
    entity: str | None = Field(None, description="A name (an `entities` entry, with its aliases, or any name) the story's articles must mention.")
    terms: list[str] = Field(default_factory=list, description="Words or phrases; the story's articles must contain at least one (case-insensitive, whole words).")
    min_sources: int = Field(1, ge=1, description="Distinct outlets that must report the story (its `reported_by`).")
    email: list[str] = Field(default_factory=list, description="Recipients of the alert (through the `email` section's SMTP server).")
    webhook: str | None = Field(None, description="URL the alert is POSTed to as JSON ({\"text\": ...}, what Slack and Teams incoming webhooks take).")
    quiet_hours: str | None = Field(None, description="'HH:MM-HH:MM' in `timezone` when nothing is sent; what matched then is sent after.")
    rate_limit: int = Field(10, ge=1, description="At most this many alerts per hour from the rule; the rest wait for the next poll.")
    update_after: int = Field(2, ge=1, description="A story alerted on is alerted again once (an update) when this many more outlets report it.")

    @field_validator("email")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        return [_check_address(v) for v in value]

    @field_validator("webhook")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None and not QUIET_RE.match(value.strip()):
            raise ValueError(f"{value!r} is not a span of hours like '22:00-07:00'")
        return value

    @model_validator(mode="after")
    def _complete(self) -> AlertRule:
        if self.theme is None and self.entity is None and not self.terms:
            raise ValueError(f"alert {self.name!r}: give one or more of theme, entity, terms")
        if not self.email and self.webhook is None:
            raise ValueError(f"alert {self.name!r}: give email recipients, a webhook, or both")
        return self

    def quiet(self, moment: time) -> bool:
        """Whether `moment` (local time) falls in the rule's quiet hours (which may span midnight)."""
        if self.quiet_hours is None:
            return False
        h1, m1, h2, m2 = map(int, QUIET_RE.match(self.quiet_hours.strip()).groups())  # type: ignore[union-attr]
        start, end = time(h1, m1), time(h2, m2)
        return start <= moment < end if start <= end else moment >= start or moment < end


class WatchConfig(Model):
    """How `briefgen watch` polls the feeds and retries a failed alert."""

    interval: int = Field(300, gt=0, description="Seconds between two polls; '5m' works too.",
                          json_schema_extra={"type": ["integer", "string"]})
    lookback: int = Field(86400, gt=0, description="Seconds of stored articles each poll groups into stories; '24h' works too.",
                          json_schema_extra={"type": ["integer", "string"]})
    retries: int = Field(4, ge=0, le=10, description="Further attempts at a webhook or email that failed, in the same poll.")
    backoff: float = Field(2.0, gt=0, description="Seconds before the first retry; each next waits twice as long.")
    timeout: float = Field(15.0, gt=0, description="Seconds a webhook may take to answer; after that it may have been delivered, and is not sent again.")

    _durations = field_validator("interval", "lookback", mode="before")(seconds)
