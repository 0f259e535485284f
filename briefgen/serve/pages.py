"""What each page of the archive shows, read from the store and the output folder.

Each function returns the page's data as plain values; `app` renders it with a template,
or answers it as JSON (the page's JSON twin), so both always say the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..config import Config
from ..deliver.archive import LINKED
from ..models import MARK_END, MARK_START, SearchQuery
from ..render.charts import trend_chart
from ..store import Store

# How many days a theme's trend chart spans, ending with its newest brief.
TREND_SPAN = 60
PAGE_SIZE = 20


class NotFound(LookupError):
    """What a page names does not exist (a 404, saying what is missing)."""


@dataclass(frozen=True)
class Archive:
    """Where the archive's briefs are: the config, the output folder and the store."""

    config: Config
    out_dir: Path
    # One connection for every request: the store is safe to share between threads.
    db: Store

    @contextmanager
    def store(self) -> Iterator[Store]:
        yield self.db

    def brief_file(self, day: date, fmt: str) -> Path:
        return self.out_dir / day.isoformat() / f"brief-{day.isoformat()}.{fmt}"

    def theme_label(self, key: str) -> str:
        return next((t.label for t in self.config.themes if t.key == key), key)


def briefs(archive: Archive) -> dict[str, Any]:
    """Every recorded brief, newest first, with its bottom line and its files."""
    with archive.store() as store:
        records = store.brief_records(date.min, date.max)
    rows = []
    for record in reversed(records):
        files = {fmt: f"/briefs/{record.date}/{fmt}" for fmt, _ in LINKED if archive.brief_file(record.date, fmt).is_file()}
        rows.append({"date": record.date, "title": record.title, "bottom_line": list(record.bottom_line),
                     "articles": record.articles, "sources": record.sources, "files": files,
                     "themes": [{"key": t.key, "label": t.label, "passages": t.passages} for t in record.themes]})
    return {"title": archive.config.title, "briefs": rows}


def brief_data(archive: Archive, day: date) -> dict[str, Any]:
    """The brief's own JSON, as written beside its HTML."""
    path = archive.brief_file(day, "json")
    if not path.is_file():
        raise NotFound(f"no brief for {day} in {archive.out_dir}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def feedback_page(archive: Archive, day: date) -> dict[str, Any]:
    """The brief's passages per theme and its stories, each with the verdicts one may give."""
    data = brief_data(archive, day)
    themes = [{"key": t["key"], "label": t["label"],
               "passages": [{"id": p["id"], "text": p["text"]} for p in t.get("passages", [])]}
              for t in data.get("themes", [])]
    stories = [{"id": s["id"], "headline": s["headline"], "themes": s.get("themes", []),
                "lead_passage_ids": s.get("lead_passage_ids", [])} for s in data.get("stories", [])]
    with archive.store() as store:
        verdicts = [{"number": f.number, "theme": f.theme, "verdict": f.verdict, "text": f.text,
                     "passage_id": f.passage_id, "brief_date": f.brief_date} for f in store.feedback_records()]
    choices = [{"key": t.key, "label": t.label} for t in archive.config.themes]
    return {"title": archive.config.title, "date": day, "themes": themes, "stories": stories,
            "choices": choices, "verdicts": verdicts}


def story(archive: Archive, day: date, story_id: str) -> dict[str, Any]:
    with archive.store() as store:
        timeline = store.story_timeline(day, story_id)
        if timeline is None:
            raise NotFound(f"no story {story_id} in the brief for {day}")
        # Articles pruned by `store.retention_days` (the oldest) are still cited: by title, source and link.
        articles = (store.pruned_citations(timeline.article_ids, archive.config.tz)
                    + store.stored_articles(timeline.article_ids, archive.config.tz))
    return {
        "title": archive.config.title, "date": day, "id": story_id, "headline": timeline.days[-1][2],
        "lead": timeline.lead,
        "themes": [{"key": k, "label": archive.theme_label(k)} for k in timeline.themes],
        "days": [{"date": d, "story": s, "headline": h, "rank": r} for d, s, h, r in timeline.days],
        "articles": [{"id": a.id, "source": a.source, "title": a.title, "url": _http(a.url),
                      "published": a.published, "first_seen": a.first_seen} for a in articles],
    }


def themes(archive: Archive) -> dict[str, Any]:
    return {"title": archive.config.title,
            "themes": [{"key": t.key, "label": t.label} for t in archive.config.themes]}


def theme(archive: Archive, key: str) -> dict[str, Any]:
    known = {t.key for t in archive.config.themes}
    with archive.store() as store:
        days = store.theme_days(key)
        if key not in known and not days:
            raise NotFound(f"no theme {key!r}: the config's themes are {', '.join(sorted(known))}")
        latest = store.theme_stories(key)
    chart = None
    if days:
        end = days[-1].date
        span = [end - timedelta(days=n) for n in range(TREND_SPAN - 1, -1, -1)]
        by_day = {d.date: d.passages for d in days}
        chart = trend_chart(span, [(archive.theme_label(key), [by_day.get(d) for d in span])], chart_id="chart-theme")
    return {
        "title": archive.config.title, "key": key, "label": archive.theme_label(key), "chart": chart,
        "trend": [{"date": d.date, "points": d.points, "passages": d.passages, "articles": d.articles} for d in days],
        "stories": [{"date": d, "story": s, "headline": h, "rank": r} for d, s, h, r in latest],
    }


def entities(archive: Archive) -> dict[str, Any]:
    return {"title": archive.config.title,
            "entities": [{"name": e.name, "kind": e.kind, "aliases": list(e.aliases)} for e in archive.config.entities]}


def entity_names(archive: Archive, name: str) -> tuple[str, ...]:
    """A gazetteer entity's name and aliases; any other name stands for itself."""
    for known in archive.config.entities:
        if name == known.name or name in known.aliases:
            return (known.name, *known.aliases)
    return (name,)


def entity(archive: Archive, name: str) -> dict[str, Any]:
    names = entity_names(archive, name)
    with archive.store() as store:
        mentions = store.mentions_by_day(names, archive.config.tz)
        stories = store.stories_naming(names)
    known = any(name == e.name or name in e.aliases for e in archive.config.entities)
    if not mentions and not stories and not known:
        raise NotFound(f"no stored article names {name!r}")
    themes_seen: dict[str, int] = {}
    for *_, keys in stories:
        for key in keys:
            themes_seen[key] = themes_seen.get(key, 0) + 1
    return {
        "title": archive.config.title, "name": names[0], "aliases": list(names[1:]),
        "mentions": [{"date": d, "articles": n} for d, n in mentions],
        "themes": [{"key": k, "label": archive.theme_label(k), "stories": n}
                   for k, n in sorted(themes_seen.items(), key=lambda kv: -kv[1])],
        "stories": [{"date": d, "story": s, "headline": h, "rank": r} for d, s, h, r, _ in stories],
    }


def search(archive: Archive, query: SearchQuery) -> dict[str, Any]:
    with archive.store() as store:
        found = store.search(query, archive.config.tz) if query.text.strip() or query.entity_names else None
        sources = store.source_names()
    hits = []
    for hit in found.hits if found else []:
        hits.append({
            "kind": hit.kind, "ref": hit.ref, "title": hit.title, "excerpt": hit.excerpt, "source": hit.source,
            "url": _http(hit.url), "date": hit.moment if hit.kind == "article" else date.fromisoformat(hit.ref),
            "href": f"/briefs/{hit.ref}" if hit.kind == "brief" else (
                f"/stories/{hit.stories[0][0]}/{hit.stories[0][1]}" if hit.stories else None),
            "briefs": [{"date": d, "href": f"/briefs/{d}"} for d in hit.briefs],
            "stories": [{"date": d, "story": s, "href": f"/stories/{d}/{s}"} for d, s in hit.stories],
        })
    return {
        "title": archive.config.title, "q": query.text, "from": query.start, "to": query.end, "theme": query.theme,
        "source": query.source, "entity": query.entity_names[0] if query.entity_names else None,
        "total": found.total if found else 0, "offset": query.offset, "limit": query.limit, "hits": hits,
        "themes": [{"key": t.key, "label": t.label} for t in archive.config.themes], "sources": sources,
        "entities": [e.name for e in archive.config.entities],
    }


def plain(text: str) -> str:
    """A highlighted title or excerpt without its match markers."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def matches(text: str) -> list[str]:
    """The marked words of a highlighted text."""
    out, rest = [], text
    while MARK_START in rest:
        _, _, rest = rest.partition(MARK_START)
        word, _, rest = rest.partition(MARK_END)
        out.append(word)
    return out


def _http(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None
