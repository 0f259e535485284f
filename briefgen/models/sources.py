"""How the sources fared: notes, health, feed state, and what one ingest produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..redact import hide_url_secrets, shown_target
from .articles import Article


@dataclass(frozen=True)
class SourceNote:
    """A source or file that was skipped or degraded, and why, in words."""

    source: str
    target: str
    reason: str
    level: str = "error"

    def __post_init__(self) -> None:
        # Notes are shown (brief, JSON, terminal) and stored: a feed URL's token never rides along.
        object.__setattr__(self, "target", shown_target(self.target))
        object.__setattr__(self, "reason", hide_url_secrets(self.reason))


@dataclass(frozen=True)
class SourceHealth:
    """How one source fared in one run, in words a reader can act on."""

    source: str
    target: str
    # "ok", "not modified" (HTTP 304), "failed", or "offline" (only stored items used).
    status: str
    reason: str | None = None
    items: int = 0
    new_items: int = 0
    duration: float | None = None
    # Failing on every run for `feeds.stale_days` days running, since `failing_since`.
    stale: bool = False
    failing_since: datetime | None = None
    # The date of the newest item the store holds from this source: a feed that answers
    # but whose items are all older than the window is dead news, not a quiet day.
    newest: datetime | None = None

    def __post_init__(self) -> None:
        # Health is shown (brief, JSON, `fetch`, `status`) and stored in source_runs: the feed
        # URL's secrets (?token=, user:password@) are hidden here, once, whoever builds the row.
        # The fetch uses the source's own URL from the config, never this one.
        object.__setattr__(self, "target", shown_target(self.target))
        if self.reason:
            object.__setattr__(self, "reason", hide_url_secrets(self.reason))

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class FeedState:
    """What the store remembers of a feed between runs, for conditional requests."""

    source: str
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class IngestResult:
    """What one source, or the whole ingest stage, produced."""

    articles: list[Article] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    health: list[SourceHealth] = field(default_factory=list)
    # Validators of feeds fetched this run, saved once their items are stored.
    feeds: list[FeedState] = field(default_factory=list)
