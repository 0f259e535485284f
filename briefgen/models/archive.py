"""What the archive's pages and the search read from the store, and what an alert is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class SearchQuery:
    """A search of the archive: words (FTS syntax made safe by the store) and filters."""

    text: str
    start: date | None = None
    end: date | None = None
    theme: str | None = None
    source: str | None = None
    # The entity's name and aliases: a hit must name one of them.
    entity_names: tuple[str, ...] = ()
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One article or brief that matched, its title and an excerpt with the matches marked
    by MARK_START and MARK_END (the page escapes the text, then turns them into <mark>)."""

    kind: str  # "article" or "brief"
    ref: str  # article id, or the brief's date
    title: str
    excerpt: str
    source: str | None = None
    url: str | None = None
    moment: datetime | None = None
    # The briefs that carried the article (newest first), and its stories as (date, story id).
    briefs: tuple[date, ...] = ()
    stories: tuple[tuple[date, str], ...] = ()


# Control characters: feed text has them stripped on ingest, so they cannot be forged.
MARK_START = "\x02"
MARK_END = "\x03"


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int


@dataclass(frozen=True)
class StoredArticle:
    """An article as the archive shows it: no text, where and when it came from."""

    id: str
    source: str
    title: str
    url: str | None
    published: datetime | None
    first_seen: datetime | None


@dataclass(frozen=True)
class AlertRecord:
    """One alert of a rule about a story, on one channel (`email:<address>` or `webhook`)."""

    id: int
    rule: str
    story_key: str
    level: int  # 1: the first alert, 2: its one update
    channel: str
    status: str  # sending, sent, failed, unknown (a crash between send and record)
    reported_by: int
    headline: str
    article_ids: tuple[str, ...]
    attempts: int = 0
    last_error: str | None = None
    created: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class ThemeDay:
    """A theme's numbers in one brief."""

    date: date
    points: int
    passages: int
    articles: int


@dataclass
class Timeline:
    """A story across days: each brief that told it, and all its articles."""

    days: list[tuple[date, str, str, int]] = field(default_factory=list)  # date, story id, headline, rank
    article_ids: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    lead: str = ""
