"""The whole story of a brief, stage by stage. The CLI and the scheduler both call this."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .config import FORMATS, Config
from .models import Article, Brief, SourceNote, Window

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    brief: Brief
    files: list[Path] = field(default_factory=list)
    # The archive page and the `latest` link, rebuilt after the brief was written.
    archive: list[Path] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[SourceNote]:
        return [n for n in self.brief.notes if n.level == "error"]


def build_brief(
    config: Config,
    day: date,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = FORMATS,
    window: str | None = None,
    now: datetime | None = None,
) -> BuildResult:
    """Ingest, select, analyse, render and write the brief for `day`."""
    from . import analyse, history, ingest, render
    from .analyse import changes
    from .deliver.archive import write_archive
    from .deliver.files import write_brief

    now = now or datetime.now(config.tz).replace(microsecond=0)
    span = brief_window(config, day, window)
    # Ingest: every enabled source; failures become notes, never exceptions.
    ingested = ingest.ingest(config)
    # Select: the articles whose date falls in the window (or whose source is always in scope).
    articles = select_articles(ingested.articles, span)
    log.info("%d of %d articles in the %s window ending %s", len(articles), len(ingested.articles), span.label, span.end)
    target = out_dir if out_dir is not None else config.resolve(config.output.dir)
    # Recall: what the newest earlier brief in the output folder said, for "What changed".
    previous = changes.previous_brief(target, day)
    # Analyse: passages, themes, summaries, bottom line, quotes, entities, timeline, changes.
    result = analyse.analyse(articles, config, previous=previous)
    # History: earlier briefs in the output folder, for each theme's trend and the trend chart.
    earlier = history.earlier_briefs(target, day)
    brief = Brief(
        date=day,
        title=config.title,
        timezone=config.timezone,
        generated_at=now,
        window=span,
        articles=articles,
        bottom_line=result.bottom_line,
        themes=result.themes,
        other=result.other,
        notes=ingested.notes,
        passages=result.passages,
        history=earlier,
        quotes=result.quotes,
        entities=result.entities,
        timeline=result.timeline,
        changes=result.changes,
        emerging=result.emerging,
    )
    # Render and write: every format into <out>/<date>/, atomically.
    files = write_brief(target, day.isoformat(), render.render(brief, config, formats))
    # Archive: <out>/index.html lists every brief, <out>/latest is the newest.
    archive = write_archive(target, config)
    return BuildResult(brief, files, archive)


def brief_window(config: Config, day: date, override: str | None = None) -> Window:
    """The span a brief for `day` covers, ending at the cut-off on `day` (default: its end)."""
    label = override or config.brief.window
    cutoff = config.brief.cutoff
    if cutoff is None:
        end = datetime.combine(day + timedelta(days=1), time(0), config.tz)
    else:
        end = datetime.combine(day, cutoff, config.tz)
    return Window(label, None if label == "all" else end - parse_duration(label), end)


def parse_duration(label: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([hd])", label)
    if not match:
        raise ValueError(f"not a window: {label!r}")
    amount = int(match.group(1))
    return timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount)


def select_articles(articles: Sequence[Article], span: Window) -> list[Article]:
    """Articles in scope, in citation order: dated ones oldest first, then undated, by title.

    A source's own `window` is more specific than the brief's and wins over it."""
    chosen = []
    for article in articles:
        label = article.window or span.label
        if label == "all":
            chosen.append(article)
            continue
        start = span.end - parse_duration(label)
        if article.date is not None and start <= article.date < span.end:
            chosen.append(article)
    return sorted(chosen, key=lambda a: (a.published is None, a.published or span.end, a.title.casefold(), a.id))
