"""From a feed's bytes to articles: RSS/Atom/RDF through feedparser, JSON Feed on its own,
then each entry's HTML reduced to clean text. Everything in a feed is untrusted data."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..config import SourceConfig
from ..models import DATE_FEED, Article
from ..sanitise import one_line
from . import limits
from .clean import clean_lines, html_to_text, infer_title, looks_like_html, split_lines
from .limits import Limits

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
# Longer links are not links anyone follows; they are dropped rather than shown.
URL_MAX = 2048


class NotAFeed(Exception):
    """The response parsed, but holds no feed; the message says so in words."""


class RefusedFeed(NotAFeed):
    """A feed briefgen will not parse at all, for its own safety; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One feed item as the feed gave it, before cleaning."""

    guid: str | None
    link: str | None
    title: str
    body: str
    html: bool
    published: datetime | None
    author: str | None = None


def parse_feed(body: bytes, headers: Mapping[str, str], url: str, notes: list[str] | None = None) -> list[Entry]:
    """The entries of a feed response; NotAFeed when it is not a feed. What had to be
    repaired to read it is added to `notes`, in words."""
    from .jsonfeed import looks_like_json, parse_json_feed

    content_type = headers.get("content-type", "")
    log.debug("parsing %d bytes from %s", len(body), url)
    if not body.strip():
        raise NotAFeed("not a feed (empty response)")
    if looks_like_json(body, content_type):
        return parse_json_feed(body, url)
    return _parse_xml(body, headers, url, notes if notes is not None else [])


def _parse_xml(body: bytes, headers: Mapping[str, str], url: str, notes: list[str]) -> list[Entry]:
    import feedparser

    from .xmltext import repair_utf8

    response_headers = {k.lower(): v for k, v in headers.items() if k.lower() in ("content-type", "content-language")}
    refuse_entities(body, response_headers)
    body, repaired = repair_utf8(body, response_headers)
    if repaired:
        # Else feedparser reads the whole feed as windows-1252, and every non-Latin item is mojibake.
        notes.append(f"{repaired} invalid UTF-8 sequence{'s' if repaired > 1 else ''} replaced with U+FFFD")
    # The feed's own URL resolves its relative links.
    response_headers["content-location"] = url
    # A stream, never a str or bytes: feedparser treats a string as a URL or a file name to open.
    # Links inside an item's HTML are not resolved: its text keeps none of them (html_to_text),
    # and the pass cost a fifth of feedparser's time (the item's own link is resolved anyway).
    parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.get("version") and not _real_error(parsed):
            return []  # a well-formed feed with nothing in it today
        raise NotAFeed("not a feed" + _what_instead(body, headers))
    if parsed.get("bozo"):
        # Ill-formed but readable (a wrong charset, a stray '&'): the entries are used.
        log.info("%s: feed is not well-formed (%s); using its %d entries",
                 url, _one_line(parsed.get("bozo_exception")), len(parsed.entries))
    return [_entry(e) for e in parsed.entries]


def refuse_entities(body: bytes, headers: Mapping[str, str] | None = None) -> None:
    """RefusedFeed when a feed's DTD declares entities, in whatever charset it is written:
    the stuff of billion-laughs expansion and of external entities that read files or make
    requests (XXE). feedparser drops most such declarations itself, but which it keeps is
    its own business; a feed has no need of them, so none is parsed."""
    from .xmltext import EntityDeclared
    from .xmltext import refuse_entities as check

    try:
        check(body, headers)
    except EntityDeclared:
        raise RefusedFeed("refused: the feed declares XML entities (<!ENTITY>), which briefgen never expands") from None


def _real_error(parsed: object) -> bool:
    import feedparser

    error = parsed.get("bozo_exception")  # type: ignore[attr-defined]
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    return bool(parsed.get("bozo")) and not isinstance(error, harmless)  # type: ignore[attr-defined]


def _what_instead(body: bytes, headers: Mapping[str, str]) -> str:
    start = body.lstrip()[:512].lower()
    if "html" in headers.get("content-type", "").lower() or start.startswith((b"<!doctype html", b"<html")):
        return " (an HTML page)"
    return ""


def _entry(raw: Mapping[str, object]) -> Entry:
    body, html = _body(raw)
    title = str(raw.get("title") or "")
    title_type = str((raw.get("title_detail") or {}).get("type", ""))  # type: ignore[union-attr]
    if title_type in HTML_TYPES or looks_like_html(title):
        title = html_to_text(title)
    link = str(raw.get("link") or "") or None
    return Entry(
        guid=str(raw.get("id") or "") or None,
        link=link,
        title=title,
        body=body,
        html=html,
        # dict.get: feedparser's own lookup of a missing date warns and maps one key to another.
        published=_struct_time(dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
                               or dict.get(raw, "created_parsed")),
        author=str(raw.get("author") or "") or None,
    )


def _body(raw: Mapping[str, object]) -> tuple[str, bool]:
    """The fullest text an entry carries (content, else summary), and whether it is HTML."""
    candidates = []
    for content in raw.get("content") or []:  # type: ignore[attr-defined]
        candidates.append((str(content.get("value") or ""), str(content.get("type") or "")))
    detail = raw.get("summary_detail") or {}
    candidates.append((str(raw.get("summary") or ""), str(detail.get("type") or "")))  # type: ignore[union-attr]
    value, kind = max(candidates, key=lambda c: len(c[0]))
    return value, kind in HTML_TYPES or looks_like_html(value)


def _struct_time(value: object) -> datetime | None:
    try:
        moment = datetime(*value[:6], tzinfo=UTC) if value else None  # type: ignore[index,misc]
    except (TypeError, ValueError):
        return None
    return moment if moment is None or limits.in_calendar(moment) else None


def _one_line(value: object) -> str:
    text = str(value or "").strip().splitlines()
    return text[0][:160] if text else type(value).__name__


# -- entries to articles ----------------------------------------------------------


def http_link(url: str | None) -> str | None:
    """An http(s) URL, else None: a feed may carry javascript:, data: or file: links."""
    # Hidden characters dropped, spaces (sloppy feeds) encoded: nothing invisible or
    # line-breaking reaches an href, a JSON url or a log line.
    url = "%20".join(one_line(url or "").split(" "))
    if not url or len(url) > URL_MAX:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def clean_text(body: str, html: bool, caps: Limits | None = None) -> tuple[str, list[str]]:
    """Entry text as paragraphs separated by blank lines (no markup, links or headings),
    within the caps; and what had to be cut, in words."""
    caps = caps or Limits()
    body, too_long = limits.raw(body, caps)
    text = html_to_text(body) if html else body
    text, why = limits.paragraphs("\n\n".join(clean_lines(split_lines(text))), caps)
    if too_long and not why:
        why.append(f"text cut at {caps.text:,} characters")
    return text, why


@dataclass(frozen=True)
class Converted:
    """What became of one entry: its article (None when it was empty), and what was cut."""

    article: Article | None
    cuts: tuple[str, ...] = ()


def to_article(entry: Entry, source: SourceConfig, now: datetime, caps: Limits | None = None) -> Converted:
    """The article for an entry, within the caps (its `article` None when the entry says
    nothing), and what the caps cut."""
    caps = caps or Limits()
    text, cuts = clean_text(entry.body, entry.html, caps)
    title, long_title = limits.title(limits.raw(entry.title, caps)[0], caps)
    if long_title:
        cuts.append(f"a title over {caps.title:,} characters was cut")
    if not title and text:
        title, _ = infer_title(text.split("\n\n")[:1])
        title = limits.cut(title, caps.title)
    if not title and not text:
        return Converted(None)
    link = http_link(entry.link)
    guid = limits.scrub(entry.guid or "")[:URL_MAX] or link or hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()
    author = limits.title(entry.author, caps)[0] if entry.author else None
    article = Article(
        id="f" + hashlib.sha1(f"{source.name}\x00{guid}".encode()).hexdigest()[:11],
        source=source.name,
        title=title,
        # A headline-only item still says something: its title is its text.
        text=text or title,
        url=link,
        published=entry.published,
        date_basis=DATE_FEED if entry.published else None,
        first_seen=now,
        author=author or None,
        window=source.window,
        guid=guid,
        origin=source.name,
    )
    return Converted(article, tuple(cuts))
