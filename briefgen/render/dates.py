"""Moments in words, in the brief's time zone; and each source's date as the sources list
gives it: the date, how it was had when that is not the source's own word, or why none is
known."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..models import DATE_HTML_METADATA, Article, Brief, TimelineEvent


def article_date(article: Article, timezone: str) -> str:
    """"17 Jan 2024", "17 Jan 2024 (from HTML metadata)", "date unknown (file modified
    27 Nov 2026)", "date unknown: the feed gives none (first seen 17 Jan 2024)"."""
    if article.published:
        day = short(local(article.published, timezone))
        # A feed's or front matter's date is the source's own word; a page's metadata is
        # read by heuristics, so the reader is told.
        return f"{day} (from HTML metadata)" if article.date_basis == DATE_HTML_METADATA else day
    if article.modified:
        return f"date unknown (file modified {short(local(article.modified, timezone))})"
    # Files come with a path, feed items without one. A file's first-seen time is its
    # modification time, not worth repeating as if it were something else.
    if article.path:
        return "date unknown: the file gives none"
    if article.first_seen:
        return f"date unknown: the feed gives none (first seen {short(local(article.first_seen, timezone))})"
    return "date unknown: the feed gives none"


def local(moment: datetime, timezone: str) -> datetime:
    """A moment in the brief's zone; a naive one is taken to be in that zone, never the machine's."""
    tz = ZoneInfo(timezone)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def short(value: date) -> str:
    """"17 Jan 2024"."""
    return f"{value.day} {value:%b %Y}"


def eventdate(event: TimelineEvent) -> str:
    """When a timeline event happened, in words, saying what the text does not give."""
    start, end = event.start, event.end
    if start is None:
        return f"{event.expression.split()[-1]} (date not known)"
    if start.month is None:
        return str(start.year)
    month = f"{_MONTH_ABBR[start.month - 1]}"
    if start.day is None:
        text = f"{month} {start.year}"
    elif end is None:
        text = f"{start.day} {month}" + (f" {start.year}" if start.year else "")
    elif (end.month, end.year) == (start.month, start.year):
        text = f"{start.day}\u2013{end.day} {month}" + (f" {start.year}" if start.year else "")
    else:
        head = f"{start.day} {month}" + (f" {start.year}" if start.year != end.year and start.year else "")
        text = f"{head} \u2013 {end.day} {_MONTH_ABBR[(end.month or 1) - 1]}" + (f" {end.year}" if end.year else "")
    return text + (" (year not given)" if start.year is None else "")


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def window_text(brief: Brief) -> str:
    """The brief's window in words: "since yesterday 06:00 KST · 24h · 16 Jan 2024 06:00 – ..."."""
    window = brief.window
    if window.start is None:
        return "all dates"
    start = local(window.start, brief.timezone)
    end = local(window.end, brief.timezone)
    parts = [window.description, window.label, f"{start:%d %b %Y %H:%M} – {end:%d %b %Y %H:%M} {end.tzname()}"]
    late = sum(1 for a in brief.articles if a.window is None and window.arrived_late(a.date))
    if late:
        parts.append(f"{late} late arrival{'s' if late != 1 else ''}")
    return " · ".join(p for p in parts if p)
