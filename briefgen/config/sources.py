"""What the brief reads: its sources, and how feeds are fetched."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .base import MAX_NUMBER, Model, check_window, shown

SOURCE_TYPES = ("wire", "newspaper", "state media", "government", "think tank", "social")
SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?\s*$")
SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


class SourceConfig(Model):
    """One input: a local `path` (file, folder or glob) or a feed `url`."""

    name: str = Field(min_length=1, description="Name shown in citations and source health.")
    path: str | None = Field(None, description="File, folder or glob, relative to the config file.")
    url: str | None = Field(None, description="RSS/Atom/JSON feed URL (http or https).")
    window: str | None = Field(
        None, description="Overrides brief.window for this source; 'all' keeps it always in scope."
    )
    enabled: bool = Field(True, description="false keeps the source in the file but skips it.")
    fetch: bool = Field(
        True, description="Feeds only: false never fetches this feed; the brief uses what is stored."
    )
    fulltext: bool = Field(
        False,
        description="Feeds only: fetch each new item's web page and use its article text instead of the feed summary.",
    )
    type: Literal["wire", "newspaper", "state media", "government", "think tank", "social"] | None = Field(
        None, description="What kind of outlet it is; shown with its citations."
    )
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = Field(
        None,
        description="Source reliability as analysts grade it: A (reliable) to E (unreliable), F (cannot be judged).",
    )
    language: Literal["en", "ko"] | None = Field(
        None,
        description="The language its articles are written in ('en', 'ko'); unset, each article's is told by its script.",
    )

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        return check_window(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            # The message is printed and logged: quoted without its query, fragment or user
            # info, where tokens live. Dropped whole, not through redact.shown_url: a string
            # that is no URL may not split where a URL would, so its secrets cannot be told.
            head = re.sub(r"^([^/]*//)[^/@]*@", r"\1", re.split(r"[?#]", value, maxsplit=1)[0])
            raise ValueError(f"{head + ('?…' if '?' in value or '#' in value else '')!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> SourceConfig:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of 'path' or 'url'")
        if self.path is not None:
            wrong = [k for k in ("fetch", "fulltext") if k in self.model_fields_set]
            if wrong:
                verb = "apply" if len(wrong) > 1 else "applies"
                raise ValueError(f"{' and '.join(repr(k) for k in wrong)} only {verb} to feed sources ('url')")
        return self


def parse_size(value: Any) -> Any:
    """'5 MB', '512KB', '5MiB' or a plain number of bytes -> bytes; anything else is left to fail."""
    if isinstance(value, str):
        match = SIZE_RE.match(value)
        if not match:
            raise ValueError(f"{shown(value)} is not a size: use bytes or e.g. '5 MB', '512 KB'")
        size = float(match.group(1)) * SIZE_UNITS[match.group(2).lower()]
        # '1e400 MB' is a float too: infinite, and int() of it would overflow.
        if not math.isfinite(size) or size > MAX_NUMBER:
            raise ValueError(f"{shown(value)} is too large to be used: at most {MAX_NUMBER:,} bytes")
        return int(size)
    return value


class FeedsConfig(Model):
    """How feeds are fetched: limits that keep a run bounded and polite."""

    connect_timeout: float = Field(10, gt=0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(20, gt=0, description="Seconds to wait for the next bytes of a response.")
    deadline: float = Field(
        60, gt=0, description=(
            "Seconds one feed may take in all, retries and waits included, counted from its first "
            "request: time queued behind other feeds of the same host does not count."
        ),
    )
    max_size: int = Field(
        5 * 1024**2, gt=0, description="Largest response accepted (after decompression): bytes, or '5 MB'."
    )
    max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed before giving up.")
    max_items: int = Field(
        500, ge=1, le=100_000, description=(
            "Most items taken from one source in one run (a feed's items, or the files of a `path` "
            "source): the newest are kept, the rest dropped and the count said in source health. "
            "Bounds what a feed of 10,000 items or a folder of 10,000 files costs every later stage."
        ),
    )
    retries: int = Field(
        2, ge=0, le=10, description="Extra attempts after a timeout, HTTP 429 or HTTP 5xx."
    )
    backoff: float = Field(
        1.0, ge=0, description="Seconds before the first retry; doubled for each further one."
    )
    retry_after_max: float = Field(
        60, ge=0, description="Longest Retry-After wait honoured; a longer one fails the feed for this run."
    )
    concurrency: int = Field(16, ge=1, le=256, description="Requests in flight at once, over all hosts.")
    per_host: int = Field(
        2, ge=1, le=16, description=(
            "Requests in flight at once to one host; never all of `concurrency` (at most one less), "
            "so a slow host cannot hold up the others."
        ),
    )
    run_deadline: float | None = Field(
        None, gt=0, description=(
            "Seconds all feeds of a run may take together. When they pass, a feed still waiting "
            "for its host is reported 'not requested', one in flight as timed out; the brief is "
            "made from the rest. null: no limit (each feed still has `deadline`)."
        ),
    )
    fulltext_timeout: float = Field(
        15, gt=0, description="Seconds to fetch and extract one page for 'fulltext: true' sources."
    )
    stale_days: int = Field(
        3, ge=1, le=36500, description="A feed failing on every run for this many days running is flagged stale."
    )

    @field_validator("max_size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        return parse_size(value)
