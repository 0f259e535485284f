"""The nouns every stage passes to the next."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

# How an article's date was had (`Article.date_basis`), in the words the brief shows.
DATE_FEED = "feed"
DATE_FRONT_MATTER = "front matter"
DATE_HTML_METADATA = "html metadata"
# No publication date: only the file's modification time is known (`Article.modified`).
DATE_FILE_MODIFIED = "file modified"


@dataclass(frozen=True)
class EmbeddedPost:
    """A post quoted in an article (a tweet), with the date its signature line gave."""

    text: str
    posted: date
    by: str


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
    # Labels the config gives the article's source, shown beside its citations.
    source_type: str | None = None
    reliability: str | None = None
    # Embedded posts keep the date their (removed) signature line carried: a dated anchor.
    embeds: tuple[EmbeddedPost, ...] = ()
    # Where `published` came from (DATE_FEED, DATE_FRONT_MATTER, DATE_HTML_METADATA), or
    # DATE_FILE_MODIFIED when a file gives no date; None when nothing dates the article.
    date_basis: str | None = None
    # A local file's modification time. Kept apart from `published` on purpose: touching a
    # file does not date its story, so the timeline never anchors on it; the sources list
    # shows it, marked as such.
    modified: datetime | None = None

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
    # Themes argued for and then refused, with the evidence: one the rules gave that the
    # analyst's feedback took away, or one feedback asked for that an `exclude` vetoed.
    overruled: list[ThemeMatch] = field(default_factory=list)

    def match(self, theme: str) -> ThemeMatch | None:
        return next((m for m in self.themes if m.theme == theme), None)


@dataclass(frozen=True)
class Feedback:
    """An analyst's verdict that a passage is, or is not, in a theme (`briefgen feedback`)."""

    theme: str
    text: str
    belongs: bool
    # The store's number for it (what `feedback --list` shows and `--remove` takes), and
    # where it came from: the passage id as the brief printed it, the brief's date, when.
    number: int | None = None
    passage_id: str | None = None
    brief_date: date | None = None
    recorded: datetime | None = None

    @property
    def verdict(self) -> str:
        return "is" if self.belongs else "not"


@dataclass(frozen=True)
class SummaryPoint:
    """A verbatim sentence chosen for the brief, with the articles it cites."""

    text: str
    source_ids: tuple[str, ...]
    passage_id: str
    score: float
    themes: tuple[str, ...] = ()
    # The story the point tells (its id), and the passages shown before this one so that
    # it stands alone ("It fired..." comes with the sentence that names "it").
    story: str | None = None
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeStory:
    """A story as a theme section shows it: its lead, or only its headline when the bottom
    line already tells it, then what else it says on the theme."""

    story: str
    # The bottom-line line (1-based) that tells it, or None when the section gives its lead.
    bottom_line: int | None
    lead: SummaryPoint | None
    points: tuple[SummaryPoint, ...] = ()


@dataclass
class ThemeSection:
    key: str
    label: str
    summary: list[SummaryPoint]
    passages: list[Passage]
    # True when every summary point cites state media only: the brief says so.
    state_media_only: bool = False
    stories: list[ThemeStory] = field(default_factory=list)


@dataclass(frozen=True)
class Quote:
    """Words inside quotation marks, verbatim, and who said them when the text says."""

    text: str
    speaker: str | None
    speaker_kind: str | None
    role: str | None
    # The verbatim words that name the speaker ("Lavrov said", "wrote Barry"); None if none.
    attribution: str | None
    passage_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    # The story whose sentence holds it, and whether the body already prints that sentence
    # (then the brief links to it instead of printing the words again).
    story: str | None = None
    printed: bool = False


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place or country, with every alias merged into one name."""

    name: str
    kind: str
    mentions: int
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    themes: tuple[str, ...]
    passage_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    # From the config's gazetteer (True) or found as a capitalised name (False).
    known: bool = False


@dataclass(frozen=True)
class PartialDate:
    """A calendar date some of whose parts the text may not give (no year: '--09-30')."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        year = f"{self.year:04d}" if self.year is not None else "-"
        if self.month is None:
            return year
        month = f"{year}-{self.month:02d}"
        return month if self.day is None else f"{month}-{self.day:02d}"

    def as_date(self) -> date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


@dataclass(frozen=True)
class TimelineEvent:
    """A dated passage: when, how the date was worked out, and the words that gave it."""

    start: PartialDate | None
    end: PartialDate | None
    # explicit (the text gives the full date), inferred (year or weekday worked out from an
    # anchor), year-unknown (day and month only, no anchor), unresolved (no date can be given).
    status: str
    expression: str
    basis: str | None
    text: str
    passage_id: str
    source_ids: tuple[str, ...]
    # As for Quote: the story, and whether its sentence is printed already (in the body, or
    # by an earlier event of the timeline).
    story: str | None = None
    printed: bool = False


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
class EmergingTopic:
    """A cluster of passages no theme claimed, labelled by its top terms."""

    terms: tuple[str, ...]
    passage_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    # The most central passages of the cluster, verbatim and cited.
    points: tuple[SummaryPoint, ...]


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
    # The date of the newest item the store holds from this source: a feed that answers
    # but whose items are all older than the window is dead news, not a quiet day.
    newest: datetime | None = None

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
class StoryLink:
    """The story of an earlier brief that a story of today's continues."""

    date: date
    story: str
    # When the story was first reported (its first brief's date) and today's day of it (1 = first).
    first_reported: date
    day: int
    # True when today brings articles no earlier brief had: an update, not a repeat.
    updated: bool = True


@dataclass(frozen=True)
class StoryRecord:
    """A story as an earlier brief told it, read back from the store."""

    date: date
    id: str
    rank: int
    headline: str
    lead: str
    article_ids: tuple[str, ...]
    themes: tuple[str, ...]
    first_reported: date


@dataclass(frozen=True)
class Story:
    """One event, told by one or more articles (the same wire copy, or other words)."""

    id: str
    article_ids: tuple[str, ...]
    # Distinct source names that reported it, in citation order.
    sources: tuple[str, ...]
    # The best article title; for an untitled file, its first sentence.
    headline: str = ""
    # The passages of the lead: the first one or two sentences of the most representative
    # article that are news and stand alone.
    lead: tuple[str, ...] = ()
    lead_text: str = ""
    # The article the headline and lead come from.
    main_article: str | None = None
    # Earliest publication date, and earliest moment any of its articles was first seen.
    published: datetime | None = None
    first_seen: datetime | None = None
    themes: tuple[str, ...] = ()
    # 1 = the day's most important story; None until ranked.
    rank: int | None = None
    score: float = 0.0
    continues: StoryLink | None = None

    @property
    def reported_by(self) -> int:
        return len(self.sources)

    @property
    def stale(self) -> bool:
        """Seen in an earlier brief and not updated since: not news today."""
        return self.continues is not None and not self.continues.updated


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
