"""Caps on what one item may bring into a brief, and the characters no text keeps.

Feeds are written by strangers and local files are copied from anywhere: a 5 MB item, a
paragraph of a million characters or a 10,000-character title must not stall analysis or
swamp the brief. Each is cut to `brief.max_article_chars`, `brief.max_line_chars` and
`brief.max_title_chars`, and every cut is reported (source health, source notes).
Control, bidi, zero-width and tag characters are dropped everywhere (`briefgen.sanitise`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..sanitise import UNSAFE_RE, one_line, scrub

__all__ = ["UNSAFE_RE", "Limits", "cut", "in_calendar", "paragraphs", "raw", "scrub", "title"]

if TYPE_CHECKING:
    from ..config import Config

# Raw markup may be much longer than the text it holds, but not without end: what lies
# beyond this many times the text cap is never parsed.
RAW_FACTOR = 10
ELLIPSIS = "\u2026"
# The years an item's date may have: those of the dates a brief can have (cliargs). A date
# at the ends of the calendar (year 1, 9999) overflows as soon as it changes time zone.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def in_calendar(moment: date) -> bool:
    """Whether a date from content is one briefgen can use (time zones, windows, the store)."""
    return FIRST_YEAR <= moment.year <= LAST_YEAR


@dataclass(frozen=True)
class Limits:
    """The caps for one item: characters of text, of one paragraph, of a title."""

    text: int = 100_000
    line: int = 10_000
    title: int = 200

    @classmethod
    def of(cls, config: Config) -> Limits:
        brief = config.brief
        return cls(brief.max_article_chars, brief.max_line_chars, brief.max_title_chars)


def raw(text: str, limits: Limits) -> tuple[str, bool]:
    """Raw text or markup cut before it is parsed, and whether it was."""
    most = limits.text * RAW_FACTOR
    return (text[:most], True) if len(text) > most else (text, False)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a word where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ", max(0, limit - 80))
    return (head[:space] if space > 0 else head).rstrip(" ,;:") + ELLIPSIS


def title(text: str, limits: Limits) -> tuple[str, bool]:
    """A title on one line, scrubbed and cut to `limits.title`; and whether it was cut."""
    line = one_line(text)
    return cut(line, limits.title), len(line) > limits.title


def paragraphs(text: str, limits: Limits) -> tuple[str, list[str]]:
    """Clean text (paragraphs separated by blank lines) within the caps, and what was cut, in words."""
    if len(text) <= limits.line and len(text) <= limits.text:
        return text, []
    why: list[str] = []
    kept: list[str] = []
    size = 0
    for paragraph in text.split("\n\n"):
        if len(paragraph) > limits.line:
            paragraph = cut(paragraph, limits.line)
            if not why:
                why.append(f"a paragraph over {limits.line:,} characters was cut")
        if size + len(paragraph) > limits.text:
            rest = limits.text - size
            if rest > 200:
                kept.append(cut(paragraph, rest))
            why.append(f"text cut at {limits.text:,} characters")
            break
        kept.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(kept), why
