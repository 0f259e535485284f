"""The nouns every stage passes to the next."""

from __future__ import annotations

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


@dataclass
class IngestResult:
    """What one source, or the whole ingest stage, produced."""

    articles: list[Article] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)


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

    def citation(self, article_id: str) -> int:
        """The 1-based number under which an article appears in the source list."""
        return self._numbers()[article_id]

    def _numbers(self) -> dict[str, int]:
        return {a.id: n for n, a in enumerate(self.articles, start=1)}

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)


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
