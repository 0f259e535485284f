"""The JSON form of a brief: a documented contract for other tools (docs/json.md)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .. import collector
from ..models import Brief, Changes, Passage, SourceHealth, Story, SummaryPoint, Window

SCHEMA_VERSION = 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _point(point: SummaryPoint, brief: Brief) -> dict[str, Any]:
    return {
        "text": point.text,
        "source_ids": list(point.source_ids),
        "passage_id": point.passage_id,
        "themes": list(point.themes),
        "reported_by": brief.reported_by(point.source_ids),
        "story": point.story,
        "context_passage_ids": list(point.context),
    }


def _passage(passage: Passage, theme: str | None, brief: Brief) -> dict[str, Any]:
    match = passage.match(theme) if theme else None
    return {
        "id": passage.id,
        "text": passage.text,
        "source_id": passage.article_id,
        "score": match.score if match else 0.0,
        "matched": list(match.matched) if match else [],
        "themes": [m.theme for m in passage.themes],
        "paragraph": passage.paragraph,
        "language": passage.language,
        "reported_by": brief.reported_by(passage.article_id),
        "overruled": [{"theme": m.theme, "score": m.score, "matched": list(m.matched)} for m in passage.overruled],
    }


def _health(row: SourceHealth) -> dict[str, Any]:
    return {
        "source": row.source,
        # The shown URL (secrets as ***, see models.sources): the field is a contract and stays,
        # but the JSON is published with the brief; a script that needs the real URL has its config.
        "target": row.target,
        "status": row.status,
        "reason": row.reason,
        "items": row.items,
        "new_items": row.new_items,
        "duration": row.duration,
        "stale": row.stale,
        "failing_since": _iso(row.failing_since),
        "newest": _iso(row.newest),
    }


def _window(window: Window) -> dict[str, Any]:
    return {
        "label": window.label,
        "start": _iso(window.start),
        "end": _iso(window.end),
        "description": window.description,
        "basis": window.basis,
        "cutoff_basis": window.cutoff_basis,
        "previous": window.previous.isoformat() if window.previous else None,
        "late_from": _iso(window.late_from),
    }


def to_dict(brief: Brief) -> dict[str, Any]:
    """The brief as plain data; key order is part of what makes runs diff cleanly."""
    return {
        "schema_version": SCHEMA_VERSION,
        "date": brief.date.isoformat(),
        "title": brief.title,
        "timezone": brief.timezone,
        "generated_at": _iso(brief.generated_at),
        "window": _window(brief.window),
        "coverage": {
            "status": brief.coverage.status,
            "notice": brief.coverage.notice,
            "read": list(brief.coverage.read),
            "failed": list(brief.coverage.failed),
        },
        "sources": [
            {
                "id": a.id,
                "number": n,
                "name": a.source,
                "title": a.title,
                "url": a.url,
                "path": a.path,
                "published": _iso(a.published),
                "date_basis": a.date_basis,
                "modified": _iso(a.modified),
                "author": a.author,
                "story": story.id if (story := brief.story_of(a.id)) else None,
                "also_in": list(a.also_in),
                "type": a.source_type,
                "reliability": a.reliability,
                "language": a.language,
            }
            for n, a in enumerate(brief.articles, start=1)
        ],
        "bottom_line": [_point(p, brief) for p in brief.bottom_line],
        "themes": [
            {
                "key": s.key,
                "label": s.label,
                "summary": [_point(p, brief) for p in s.summary],
                "state_media_only": s.state_media_only,
                "passages": [_passage(p, s.key, brief) for p in s.passages],
                "stories": [
                    {
                        "story": t.story,
                        "bottom_line": t.bottom_line,
                        "lead": _point(t.lead, brief) if t.lead else None,
                        "points": [_point(p, brief) for p in t.points],
                    }
                    for t in s.stories
                ],
            }
            for s in brief.themes
        ],
        "other": [_passage(p, None, brief) for p in brief.passages if not p.themes],
        "notes": [{"source": n.source, "target": n.target, "reason": n.reason, "level": n.level} for n in brief.notes],
        "stories": [_story(s) for s in brief.stories],
        "health": [_health(h) for h in brief.health],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "speaker_kind": q.speaker_kind,
                "role": q.role,
                "attribution": q.attribution,
                "passage_ids": list(q.passage_ids),
                "source_ids": list(q.source_ids),
                "story": q.story,
                "printed": q.printed,
            }
            for q in brief.quotes
        ],
        "entities": [
            {
                "name": e.name,
                "kind": e.kind,
                "mentions": e.mentions,
                "aliases": list(e.aliases),
                "roles": list(e.roles),
                "themes": list(e.themes),
                "passage_ids": list(e.passage_ids),
                "source_ids": list(e.source_ids),
                "known": e.known,
            }
            for e in brief.entities
        ],
        "timeline": [
            {
                "date": t.start.iso() if t.start else None,
                "end": t.end.iso() if t.end else None,
                "status": t.status,
                "expression": t.expression,
                "basis": t.basis,
                "text": t.text,
                "passage_id": t.passage_id,
                "source_ids": list(t.source_ids),
                "story": t.story,
                "printed": t.printed,
            }
            for t in brief.timeline
        ],
        "changes": _changes(brief.changes, brief),
        "scope": None if brief.scope is None else {"label": brief.scope, "left_out": list(brief.out_of_scope)},
        "failed_sections": [{"section": section, "error": error} for section, error in brief.failed_sections.items()],
        "emerging": [
            {
                "terms": list(t.terms),
                "passage_ids": list(t.passage_ids),
                "source_ids": list(t.source_ids),
                "points": [_point(p, brief) for p in t.points],
            }
            for t in brief.emerging
        ],
    }


def _changes(changes: Changes | None, brief: Brief) -> dict[str, Any] | None:
    if changes is None:
        return None
    return {
        "previous_date": changes.previous_date.isoformat() if changes.previous_date else None,
        "themes": [
            {
                "key": c.key,
                "label": c.label,
                "new": [_point(p, brief) for p in c.new],
                "continuing": [_point(p, brief) for p in c.continuing],
                "dropped": c.dropped,
            }
            for c in changes.themes
        ],
        "quiet": [{"key": q.key, "label": q.label, "previous_points": q.previous_points} for q in changes.quiet],
        "stories": {
            "new": list(changes.new_stories),
            "updated": list(changes.updated_stories),
            "unchanged": list(changes.unchanged_stories),
            "quiet": [
                {"id": r.id, "date": r.date.isoformat(), "headline": r.headline, "first_reported": r.first_reported.isoformat()}
                for r in changes.quiet_stories
            ],
        },
    }


def _story(story: Story) -> dict[str, Any]:
    link = story.continues
    return {
        "id": story.id,
        "source_ids": list(story.article_ids),
        "sources": list(story.sources),
        "reported_by": story.reported_by,
        "headline": story.headline,
        "lead": story.lead_text,
        "lead_passage_ids": list(story.lead),
        "themes": list(story.themes),
        "published": _iso(story.published),
        "first_seen": _iso(story.first_seen),
        "continues": None if link is None else {
            "date": link.date.isoformat(),
            "story": link.story,
            "first_reported": link.first_reported.isoformat(),
            "day": link.day,
            "updated": link.updated,
        },
        "rank": story.rank,
        "score": story.score,
        "alerted": list(story.alerted),
    }


# A list longer than this is written one entry a line, each entry compact.
LONG = 50


def to_json_bytes(brief: Brief) -> bytes:
    # The cycle collector is off meanwhile: what this builds is plain data without a cycle
    # (hundreds of thousands of dicts and lists on a large day), and every collection it
    # set off walked all of the day's objects too (1.6 -> 1.35 s of CPU at 10,000 items).
    with collector.paused():
        return (_dump(to_dict(brief), 0) + "\n").encode("utf-8")


# json.dumps(value, ensure_ascii=False) without a new encoder per call: a brief of 10,000
# items asks for 190,000 pieces (keys, values, list entries).
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _dump(value: Any, level: int) -> str:
    """`value` as json.dumps(value, indent=2) writes it, but for the entries of a long list
    (sources, passages: thousands on a large day), each on one line by the C encoder: the
    indenting encoder is pure Python, and took ten seconds over a brief of 10,000 items."""
    pad = "  " * level
    if isinstance(value, dict) and value:
        inner = pad + "  "
        items = [f"{inner}{_encode(k if isinstance(k, str) else str(k))}: {_dump(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple) and value:
        inner = pad + "  "
        if len(value) > LONG:
            rows = [inner + _encode(v) for v in value]
        else:
            rows = [inner + _dump(v, level + 1) for v in value]
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return _encode(value)
