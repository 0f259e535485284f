"""What ingestion makes of a source document: the article, its passages, what themes they matched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

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
    # ISO 639-1 code: the source's declared `language`, else told by the text's script
    # (briefgen.language); None when nothing tells.
    language: str | None = None

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
    # Its own script's language, else its article's: articles may mix languages.
    language: str | None = None

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
