"""What goes into a brief, and where and how it is written."""

from __future__ import annotations

from datetime import time
from typing import Any, Literal

from pydantic import Field, field_validator

from .base import Model, check_window

FORMATS = ("html", "pdf", "json", "md")


class BriefConfig(Model):
    """What goes into a brief."""

    window: str | None = Field(
        None,
        description="A fixed time window ending at the cut-off: 'all', '24h', '7d'... Unset (the default), each "
        "brief covers everything since the previous brief's cut-off, so briefs tile time with no gap and no "
        "overlap (the first brief covers 24h).",
    )
    cutoff: time | None = Field(
        None,
        description="Time of day (HH:MM) on the brief date at which the window ends. Default: the time "
        "`schedule.cron` fires on the brief date; without a `schedule` section, `generate` cuts off at the "
        "current time (the end of the day for an earlier date).",
    )
    bottom_line: int = Field(5, ge=1, le=10, description="Most stories in the bottom line, one line each.")
    summary_points: int = Field(
        4, ge=1, le=20, description="Most sentences a theme section prints: its stories' leads and their other points on the theme."
    )
    stories_per_theme: int = Field(
        6, ge=1, le=50, description="Most stories a theme section lists (a story already in the bottom line is listed by its headline)."
    )
    other_points: int = Field(5, ge=0, le=50, description="Most points under 'Other developments'.")
    quotes: int = Field(10, ge=0, le=50, description="Most key quotes shown; attributed quotes come first.")
    timeline_events: int = Field(30, ge=0, le=200, description="Most timeline events shown.")
    entities_per_kind: int = Field(
        12, ge=0, le=100, description="Most people (and as many organisations, places...) shown."
    )
    emerging_topics: int = Field(3, ge=0, le=20, description="Most emerging topics shown.")
    emerging_min_passages: int = Field(
        3, ge=2, description="Passages a cluster of unthemed passages needs to show as an emerging topic."
    )
    emerging_min_articles: int = Field(
        2, ge=1, description="Distinct articles an emerging topic must draw on."
    )
    max_article_chars: int = Field(
        100_000, ge=1000, description="Longest article text kept, in characters; a longer one is cut, and the cut reported."
    )
    max_line_chars: int = Field(
        10_000, ge=200, description="Longest paragraph kept, in characters; a longer one is cut, and the cut reported."
    )
    max_title_chars: int = Field(
        200, ge=20, le=2000, description="Longest title (and author or source name from content) kept, in characters."
    )

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        return check_window(value)

    @field_validator("cutoff", mode="before")
    @classmethod
    def _cutoff(cls, value: Any) -> Any:
        # YAML reads 06:00 as the integer 360 (sexagesimal); accept it as minutes.
        if isinstance(value, int) and not isinstance(value, bool):
            return time(value // 60 % 24, value % 60)
        return value


class OutputConfig(Model):
    """Where and how the brief is written."""

    dir: str = Field("out", description="Output folder, relative to the config file.")
    formats: list[Literal["html", "pdf", "json", "md"]] = Field(
        default_factory=lambda: list(FORMATS), description="Which files to write."
    )
    templates: str | None = Field(
        None, description="Folder whose templates and CSS shadow the shipped ones, file by file."
    )
    distribution: str | None = Field(
        None,
        max_length=120,
        description="Handling line shown on the title block and every PDF page, e.g. 'Internal — do not forward'.",
    )
    appendix: Literal["html", "pdf", "none"] = Field(
        "html",
        description="Where the appendix of theme assignments goes besides the JSON: 'html' (the HTML page, "
        "collapsed), 'pdf' (the HTML page and the PDF), 'none' (the JSON only). The Markdown, and so the "
        "email's text, never carries it.",
    )
    render_timeout: float | None = Field(
        120,
        gt=0,
        description="Seconds the PDF may take to lay out and print; past it the PDF is not made (exit code 5) "
        "and the other formats are written. null: no limit.",
    )

    @field_validator("distribution")
    @classmethod
    def _distribution(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must be one line of text (no line breaks or control characters)")
        # An empty or blank line means "no distribution line", not an empty banner.
        return " ".join(value.split()) or None
