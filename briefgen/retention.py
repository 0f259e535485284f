"""`store.retention_days`: after a brief is made, the store forgets articles too old to matter.

A brief reads articles of its window only; stories are continued from what earlier briefs
recorded (their headlines, leads and article ids), not from the articles themselves, so
nothing a later brief needs goes with them. See docs/performance.md (A year of archive)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from .config import Config
from .models import Article
from .store import Pruned, Store

log = logging.getLogger(__name__)


def cutoff(config: Config, day: date, days: int) -> datetime:
    """The start of the day `days` days before `day`, in the brief's time zone: older articles go."""
    return datetime.combine(day - timedelta(days=days), time(0), tzinfo=config.tz)


def prune(config: Config, store: Store, day: date, *, now: datetime, days: int | None = None) -> Pruned | None:
    """Prune the articles older than the retention before `day`; None when everything is kept."""
    from .analyse.passages import key

    days = days if days is not None else config.retention_days
    if days is None:
        return None
    before = cutoff(config, day, days)
    pruned = store.prune_articles(before, lambda text: key(Article(id="", source="", title="", text=text)), now)
    log.info("store %s: pruned %d articles dated before %s (store.retention_days: %d); %d kept as citations of "
             "stories, %d passage spans removed", store.where, pruned.articles, before.date(), days, pruned.cited,
             pruned.spans)
    return pruned
