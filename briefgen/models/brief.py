"""The brief as a whole: its window, coverage, changes, the record it leaves, runs and deliveries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .articles import Article, Passage
from .findings import (
    EmergingTopic,
    Entity,
    Quote,
    Story,
    StoryRecord,
    SummaryPoint,
    ThemeSection,
    TimelineEvent,
)
from .sources import SourceHealth, SourceNote


@dataclass(frozen=True)
class ThemeChange:
    """One theme compared with the previous brief."""

    key: str
    label: str
    new: tuple[SummaryPoint, ...]
    continuing: tuple[SummaryPoint, ...]
    # Points of the previous brief in this theme that today's summary no longer carries.
    dropped: int


@dataclass(frozen=True)
class QuietTheme:
    """A theme that had points in the previous brief and has none today."""

    key: str
    label: str
    previous_points: int


@dataclass(frozen=True)
class PreviousBrief:
    """What an earlier brief said, from the store or its JSON: the baseline of 'What changed'."""

    date: date
    labels: dict[str, str]
    # Theme key -> the texts of its summary points, in order.
    points: dict[str, list[str]]


@dataclass
class Changes:
    """What is new since the previous brief in the output folder; no date when there is none."""

    previous_date: date | None
    themes: list[ThemeChange] = field(default_factory=list)
    quiet: list[QuietTheme] = field(default_factory=list)
    # Story level (ids of today's stories): new, continuing with an update, continuing
    # with nothing new; and the previous brief's stories that nothing today continues.
    new_stories: list[str] = field(default_factory=list)
    updated_stories: list[str] = field(default_factory=list)
    unchanged_stories: list[str] = field(default_factory=list)
    quiet_stories: list[StoryRecord] = field(default_factory=list)

    @property
    def first(self) -> bool:
        return self.previous_date is None


@dataclass(frozen=True)
class Window:
    """The time span a brief covers, and how it was decided; `start` is None for `all`."""

    label: str
    start: datetime | None
    end: datetime
    # How `start` was decided: "previous brief" (where it ended), "first brief" (none
    # before: one day back), "brief.window" or "--window" (a fixed length), "all".
    basis: str = "brief.window"
    # How `end` was decided: "schedule", "brief.cutoff", "current time" or "end of day".
    cutoff_basis: str = "end of day"
    # The span in words, from the brief date's point of view: "since yesterday 06:00 KST".
    description: str = ""
    # The brief this one follows on from, when `basis` is "previous brief".
    previous: date | None = None
    # Late arrivals: an article dated from `late_from` up to `start` (the previous brief's
    # window) that no other brief carried came in after that brief was made, so it is in this one.
    late_from: datetime | None = None

    def contains(self, moment: datetime | None) -> bool:
        if moment is None:
            return False
        return (self.start is None or moment >= self.start) and moment < self.end

    def arrived_late(self, moment: datetime | None) -> bool:
        """Whether a date falls in the span late arrivals may come from (before `start`)."""
        if moment is None or self.late_from is None or self.start is None:
            return False
        return self.late_from <= moment < self.start


# Why a brief has the articles it has (`Coverage.status`).
COVERAGE_OK = "ok"
# No article, and the sources were read: nothing happened in the window.
COVERAGE_QUIET = "quiet"
# No article because every source that could have given one failed or is missing.
COVERAGE_FAILED = "failed"


@dataclass(frozen=True)
class Coverage:
    """Whether the brief has articles and, when it has none, whether the day was quiet or the sources failed."""

    status: str = COVERAGE_OK
    # Sources read without a problem in this run, and those that failed or are missing.
    read: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    # What the top of the brief says when it is empty (None when it is not).
    notice: str | None = None

    @property
    def empty(self) -> bool:
        return self.status != COVERAGE_OK


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
    """A brief already written, as the store or its JSON keeps it: what trends and the archive need."""

    date: date
    title: str
    bottom_line: tuple[str, ...]
    themes: tuple[ThemeCount, ...]
    articles: int
    sources: int

    def theme(self, key: str) -> ThemeCount | None:
        return next((t for t in self.themes if t.key == key), None)


# The sections a bug can keep out of a brief (`Brief.failed_sections`), as the brief names
# them, and the parts of the page each one leaves empty.
SECTION_NAMES_QUOTES_TIMELINE = "People and organisations, Key quotes and Timeline"
SECTION_NAMES = "People and organisations"
SECTION_QUOTES = "Key quotes"
SECTION_LINKS = "Key quotes and Timeline (links to the stories)"
SECTION_CHANGES = "What changed"
SECTION_CONTINUITY = "Stories continued from earlier briefs, and What changed"
SECTION_EMERGING = "Emerging topics"
SECTION_PARTS = {
    SECTION_NAMES_QUOTES_TIMELINE: ("entities", "quotes", "timeline"),
    SECTION_NAMES: ("entities",),
    SECTION_QUOTES: ("quotes",),
    SECTION_LINKS: (),
    SECTION_CHANGES: ("changes",),
    SECTION_CONTINUITY: ("changes",),
    SECTION_EMERGING: ("emerging",),
}


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
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    changes: Changes | None = None
    emerging: list[EmergingTopic] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    # The config's scope (its label), and the articles it left out of every theme.
    scope: str | None = None
    out_of_scope: list[str] = field(default_factory=list)
    # Sections a bug kept out of this brief: the section as the brief names it -> the error.
    failed_sections: dict[str, str] = field(default_factory=dict)

    def unbuilt(self) -> frozenset[str]:
        """The parts of the page ("entities", "quotes", "timeline", "changes", "emerging")
        that a failed section left empty: their "none in this window" would not be true."""
        return frozenset(part for section in self.failed_sections for part in SECTION_PARTS.get(section, ()))

    def theme_counts(self) -> list[ThemeCount]:
        """Points, passages and distinct articles per theme, in theme order."""
        return [
            ThemeCount(
                t.key, t.label, len(t.summary), len(t.passages), len({p.article_id for p in t.passages})
            )
            for t in self.themes
        ]

    def record(self) -> BriefRecord:
        """What trends and the archive keep of this brief."""
        return BriefRecord(
            date=self.date,
            title=self.title,
            bottom_line=tuple(p.text for p in self.bottom_line),
            themes=tuple(self.theme_counts()),
            articles=len(self.articles),
            sources=len({a.source for a in self.articles}),
        )

    def citation(self, article_id: str) -> int:
        """The 1-based number under which an article appears in the source list."""
        return self._numbers()[article_id]

    def _indexed(self, name: str, build: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """A lookup built once from the list field `name`: templates ask per citation, and
        a scan per question made a brief of thousands of items quadratic. Rebuilt when
        the list is replaced or changes length (stages fill a brief before rendering)."""
        cache: dict[str, tuple[tuple[int, int], dict[str, Any]]] = self.__dict__.setdefault("_indexes", {})
        items = getattr(self, name)
        key = (id(items), len(items))
        hit = cache.get(name)
        if hit is None or hit[0] != key:
            hit = cache[name] = (key, build(items))
        return hit[1]

    def _numbers(self) -> dict[str, int]:
        return self._indexed("articles", lambda articles: {a.id: n for n, a in enumerate(articles, start=1)})

    def article(self, article_id: str) -> Article:
        found = self._numbers().get(article_id)
        if found is None:
            raise StopIteration(article_id)
        return self.articles[found - 1]

    def story_of(self, article_id: str) -> Story | None:
        stories = self._indexed("stories", lambda stories: {
            i: s for s in reversed(stories) for i in s.article_ids})
        return stories.get(article_id)

    def reported_by(self, article_ids: str | Iterable[str]) -> int:
        """How many distinct sources reported the story (or stories) these articles belong to."""
        ids = [article_ids] if isinstance(article_ids, str) else list(article_ids)
        names: set[str] = set()
        for article_id in ids:
            story = self.story_of(article_id)
            if story is not None:
                names.update(story.sources)
            else:
                number = self._numbers().get(article_id)
                known = self.articles[number - 1] if number is not None else None
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
    # A forced resend to someone who already had it, that failed: why (the row stays `sent`).
    resend_error: str | None = None
