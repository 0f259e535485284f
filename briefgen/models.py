"""The nouns every stage passes to the next."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Article:
    """One source document after ingestion: cleaned text plus what we know about it."""

    id: str
    source: str
    title: str
    text: str
    path: str | None = None
    url: str | None = None
    published: datetime | None = None
    first_seen: datetime | None = None
    author: str | None = None
    # The source's own window, when it has one: `all` keeps undated seeds in every brief.
    window: str | None = None
    # The item's identity within its source: a feed entry's id, a file's relative path.
    guid: str | None = None
    # The configured source it came from (`source` may be a display name from front matter).
    origin: str | None = None
    # Other sources that carried this same item (same URL or text), stored once.
    also_in: tuple[str, ...] = ()

    @property
    def date(self) -> datetime | None:
        """The article's date: published, else first seen."""
        return self.published or self.first_seen


@dataclass(frozen=True)
class ThemeMatch:
    """Why a passage belongs to a theme: its score and the evidence that gave it."""

    theme: str
    score: float
    matched: tuple[str, ...]


@dataclass
class Passage:
    """A sentence (or a quotation kept whole) from an article, with its paragraph."""

    id: str
    article_id: str
    text: str
    paragraph: int
    index: int
    themes: list[ThemeMatch] = field(default_factory=list)

    def match(self, theme: str) -> ThemeMatch | None:
        return next((m for m in self.themes if m.theme == theme), None)


@dataclass(frozen=True)
class SummaryPoint:
    """A verbatim sentence chosen for the brief, with the articles it cites."""

    text: str
    source_ids: tuple[str, ...]
    passage_id: str
    score: float
    themes: tuple[str, ...] = ()


@dataclass
class ThemeSection:
    key: str
    label: str
    summary: list[SummaryPoint]
    passages: list[Passage]


@dataclass(frozen=True)
class SourceNote:
    """A source or file that was skipped or degraded, and why, in words."""

    source: str
    target: str
    reason: str
    level: str = "error"


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


@dataclass(frozen=True)
class Story:
    """Articles that tell the same story (the same wire copy in several outlets)."""

    id: str
    article_ids: tuple[str, ...]
    # Distinct source names that reported it, in citation order.
    sources: tuple[str, ...]

    @property
    def reported_by(self) -> int:
        return len(self.sources)


@dataclass(frozen=True)
class Window:
    """The time span a brief covers; `start` is None for `all`."""

    label: str
    start: datetime | None
    end: datetime

    def contains(self, moment: datetime | None) -> bool:
        if moment is None:
            return False
        return (self.start is None or moment >= self.start) and moment < self.end


@dataclass(frozen=True)
class ThemeCount:
    """How much of one brief a theme took: for charts, trends and the archive."""

    key: str
    label: str
    points: int
    passages: int
    articles: int


@dataclass(frozen=True)
class BriefRecord:
    """A brief already written, as read back from its JSON: what trends and the archive need."""

    date: date
    title: str
    bottom_line: tuple[str, ...]
    themes: tuple[ThemeCount, ...]
    articles: int
    sources: int

    def theme(self, key: str) -> ThemeCount | None:
        return next((t for t in self.themes if t.key == key), None)


@dataclass
class Brief:
    date: date
    title: str
    timezone: str
    generated_at: datetime
    window: Window
    articles: list[Article]
    bottom_line: list[SummaryPoint]
    themes: list[ThemeSection]
    other: list[Passage]
    notes: list[SourceNote]
    passages: list[Passage] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    health: list[SourceHealth] = field(default_factory=list)
    # Earlier briefs (oldest first, within the trend span) read back from the output folder.
    history: list[BriefRecord] = field(default_factory=list)

    def theme_counts(self) -> list[ThemeCount]:
        """Points, passages and distinct articles per theme, in theme order."""
        return [
            ThemeCount(
                t.key, t.label, len(t.summary), len(t.passages), len({p.article_id for p in t.passages})
            )
            for t in self.themes
        ]

    def citation(self, article_id: str) -> int:
        """The 1-based number under which an article appears in the source list."""
        return self._numbers()[article_id]

    def _numbers(self) -> dict[str, int]:
        return {a.id: n for n, a in enumerate(self.articles, start=1)}

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)

    def story_of(self, article_id: str) -> Story | None:
        return next((s for s in self.stories if article_id in s.article_ids), None)

    def reported_by(self, article_ids: str | Iterable[str]) -> int:
        """How many distinct sources reported the story (or stories) these articles belong to."""
        ids = [article_ids] if isinstance(article_ids, str) else list(article_ids)
        names: set[str] = set()
        for article_id in ids:
            story = self.story_of(article_id)
            if story is not None:
                names.update(story.sources)
            else:
                known = next((a for a in self.articles if a.id == article_id), None)
                if known is not None:
                    names.update((known.source, *known.also_in))
        return len(names)


@dataclass(frozen=True)
class Run:
    """The run ledger's record of one brief date: what its last run did."""

    date: date
    status: str  # running | done | failed | interrupted
    files: tuple[str, ...] = ()
    started: datetime | None = None
    finished: datetime | None = None
    error: str | None = None
    owner: str | None = None


@dataclass
class Delivery:
    """One recipient's copy of a brief in the outbox, and what became of it."""

    date: date
    recipient: str
    message_id: str
    status: str  # pending | sending | sent | failed | refused | ambiguous
    attempts: int = 0
    error: str | None = None
    sent_at: datetime | None = None
    # True when this call tried to send it; False when it was left as it was (sent, ambiguous).
    tried: bool = False
