"""Ingest stage: every enabled source becomes articles, or a note saying why not."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from ..config import Config, SourceConfig
from ..models import IngestResult, SourceNote
from .files import read_files

log = logging.getLogger(__name__)

# An ingestor reads one source. Built-ins register here exactly as a plugin would
# (entry-point group "briefgen.ingestors", keyed by the source's target kind).
Ingestor = Callable[[SourceConfig, Config], IngestResult]


def _unavailable_feed(source: SourceConfig, config: Config) -> IngestResult:
    return IngestResult(notes=[SourceNote(source.name, source.url or "", "feed fetching is not available in this version", "warning")])


INGESTORS: dict[str, Ingestor] = {
    "path": read_files,
    "url": _unavailable_feed,
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


def ingest(config: Config) -> IngestResult:
    """Read every enabled source; one failing source never stops the others."""
    _load_plugins()
    result = IngestResult()
    seen: set[str] = set()
    for source in config.sources:
        if not source.enabled:
            continue
        try:
            part = INGESTORS[kind(source)](source, config)
        except Exception as exc:  # noqa: BLE001 - any failure of one source is reported, not raised
            log.warning("source %s failed: %s", source.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            result.notes.append(SourceNote(source.name, source.path or source.url or "", f"failed: {exc}"))
            continue
        for article in part.articles:
            # Labels come from the config, whichever ingestor read the article.
            if article.source_type is None and article.reliability is None and (source.type or source.reliability):
                article = dataclasses.replace(article, source_type=source.type, reliability=source.reliability)
            # The same file reached through two overlapping globs is one article.
            if article.id not in seen:
                seen.add(article.id)
                result.articles.append(article)
        result.notes.extend(part.notes)
    return result
