"""Ingest stage: every enabled source becomes articles, or a note or health row saying why not."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..config import Config, SourceConfig
from ..language import detect as detect_language
from ..models import Article, IngestResult, SourceHealth, SourceNote
from ..redact import hide_url_secrets
from .files import read_sources

if TYPE_CHECKING:
    import httpx

    from ..store import Store

log = logging.getLogger(__name__)


@dataclass
class IngestContext:
    """What an ingestor may use besides the config."""

    # The run's clock: the first-seen time of everything new.
    now: datetime
    # Feed state (ETag, Last-Modified) and what is already stored; None for a probe that
    # must remember nothing and ask unconditionally (`briefgen sources check`).
    store: Store | None = None
    # Use only what is stored: fetch nothing.
    offline: bool = False
    # A progress bar on an interactive terminal (else log lines).
    progress: bool = True
    # Where feed requests go instead of the network (a deployment's shared responses); None: the network.
    transport: httpx.AsyncBaseTransport | None = None


# An ingestor reads every enabled source of one kind at once, so it can work on them
# concurrently. Built-ins register here exactly as a plugin would (entry-point group
# "briefgen.ingestors", keyed by the source's target kind: "path" or "url").
Ingestor = Callable[[Sequence[SourceConfig], Config, IngestContext], IngestResult]

def read_feeds(sources: Sequence[SourceConfig], config: Config, context: IngestContext) -> IngestResult:
    """Every feed source (`feeds.read_feeds`), imported when a run has feeds: HTTP and
    feed parsing are heavy to load, and a brief from local files needs neither."""
    from .feeds import read_feeds as read

    return read(sources, config, context)


INGESTORS: dict[str, Ingestor] = {
    "path": read_sources,
    "url": read_feeds,
}


def _load_plugins() -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group="briefgen.ingestors"):
        try:
            INGESTORS[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin must not stop the brief
            log.warning("ingestor plugin %s failed to load: %s", ep.name, exc)


def kind(source: SourceConfig) -> str:
    return "path" if source.path is not None else "url"


def ingest(config: Config, context: IngestContext | None = None, sources: Sequence[SourceConfig] | None = None) -> IngestResult:
    """Read every enabled source (or just `sources`); one failing source never stops the others."""
    _load_plugins()
    context = context or IngestContext(now=datetime.now(config.tz).replace(microsecond=0))
    chosen = [s for s in (config.sources if sources is None else sources) if s.enabled]
    groups: dict[str, list[SourceConfig]] = {}
    for source in chosen:
        groups.setdefault(kind(source), []).append(source)
    result = IngestResult()
    seen: set[str] = set()
    for name, members in groups.items():
        try:
            part = INGESTORS[name](members, config, context)
        except Exception as exc:  # noqa: BLE001 - an ingestor that breaks fails its sources, not the run
            log.warning("%s sources failed: %s", name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            for source in members:
                target = source.path or source.url or ""
                if name == "url":
                    why = hide_url_secrets(f"unexpected error: {exc}", source.url)
                    result.health.append(SourceHealth(source.name, target, "failed", why))
                else:
                    result.notes.append(SourceNote(source.name, target, f"failed: {exc}"))
            continue
        declared = {s.name: s.language for s in members}
        for article in part.articles:
            # The same file reached through two overlapping globs is one article.
            if article.id not in seen:
                seen.add(article.id)
                result.articles.append(_with_language(article, declared.get(article.origin or article.source)))
        result.notes.extend(part.notes)
        result.health.extend(part.health)
        result.feeds.extend(part.feeds)
    return result


def _with_language(article: Article, declared: str | None) -> Article:
    """The article with its language: the source's declared one, else its script's."""
    if article.language is not None and declared is None:
        return article
    return replace(article, language=declared or detect_language(f"{article.title}\n{article.text}"))


def check_sources(config: Config, *, progress: bool = True) -> list[SourceHealth]:
    """Probe every enabled source once: feeds fetched unconditionally and parsed, folders
    read; nothing is stored. One health row per source, in config order."""
    now = datetime.now(config.tz).replace(microsecond=0)
    result = ingest(config, IngestContext(now=now, store=None, progress=progress))
    feeds = {h.source: h for h in result.health}
    rows = []
    for source in config.sources:
        if not source.enabled:
            continue
        if source.name in feeds:
            rows.append(feeds[source.name])
            continue
        items = sum(1 for a in result.articles if a.origin == source.name)
        problems = [n for n in result.notes if n.source == source.name and n.level == "error"]
        reason = None
        if problems:
            reason = problems[0].reason if len(problems) == 1 else f"{problems[0].reason} (and {len(problems) - 1} more)"
        status = "failed" if problems and not items else "ok"
        rows.append(SourceHealth(source.name, source.path or "", status, reason, items=items))
    return rows
