"""What the analysis finds in the day's articles: stories, summary points, quotes, names, dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .articles import Passage


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
    # The earlier sentence shown before `text` because `text` leans on it ("Meanwhile, ..."):
    # its passage, when it is another passage than `passage_id`'s.
    context_passage_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmergingTopic:
    """A cluster of passages no theme claimed, labelled by its top terms."""

    terms: tuple[str, ...]
    passage_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    # The most central passages of the cluster, verbatim and cited.
    points: tuple[SummaryPoint, ...]


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
    # The alert rules (`briefgen watch`) that alerted on any of its articles before the brief.
    alerted: tuple[str, ...] = ()

    @property
    def reported_by(self) -> int:
        return len(self.sources)

    @property
    def stale(self) -> bool:
        """Seen in an earlier brief and not updated since: not news today."""
        return self.continues is not None and not self.continues.updated
