"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser does not read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from .entries import Entry, NotAFeed
from .limits import in_calendar

VERSION_PREFIX = "https://jsonfeed.org/version/1"


def looks_like_json(body: bytes, content_type: str) -> bool:
    """A JSON response: said so by its type, or starting with '{' where XML starts with '<'."""
    if "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_json_feed(body: bytes, url: str) -> list[Entry]:
    """The items of a JSON Feed; NotAFeed for JSON that is not one."""
    try:
        # Invalid UTF-8 in one item must not lose the feed: it reads as U+FFFD.
        data = json.loads(body.decode("utf-8-sig", "replace"))
    except ValueError:
        raise NotAFeed("not a feed (invalid JSON)") from None
    except RecursionError:
        # A few hundred kilobytes of '[' exhaust the decoder's stack: named, as any other refusal.
        raise NotAFeed("not a feed (JSON nested too deeply)") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(VERSION_PREFIX):
        raise NotAFeed("not a feed (JSON, but not a JSON Feed)")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotAFeed("not a feed (JSON Feed without items)")
    base = _text(data.get("home_page_url")) or url
    feed_author = _author(data)
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        html = _text(item.get("content_html"))
        body_text = html or _text(item.get("content_text")) or _text(item.get("summary")) or ""
        link = _text(item.get("url")) or _text(item.get("external_url"))
        entries.append(
            Entry(
                guid=_text(item.get("id")),
                link=urljoin(base, link) if link else None,
                title=_text(item.get("title")) or "",
                body=body_text,
                html=bool(html),
                published=_date(item.get("date_published")) or _date(item.get("date_modified")),
                author=_author(item) or feed_author,
            )
        )
    return entries


def _text(value: Any) -> str | None:
    """A string field; numbers (ids often are) become strings, anything else is ignored."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    return None


def _date(value: Any) -> datetime | None:
    """An RFC 3339 date; one without a zone is taken as UTC."""
    text = _text(value)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if not in_calendar(moment):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _author(obj: dict[str, Any]) -> str | None:
    """Version 1.1's `authors` list, else 1.0's `author` object."""
    authors = obj.get("authors")
    candidates = authors if isinstance(authors, list) else [obj.get("author")]
    names = [_text(a.get("name")) for a in candidates if isinstance(a, dict)]
    names = [n for n in names if n]
    return ", ".join(names) or None
