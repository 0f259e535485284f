"""Feeds in the store: their validators, and the health each run recorded of each source."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date, datetime

from ..config import Config
from ..models import FeedState, IngestResult, SourceHealth
from .articles import ArticleStore
from .db import from_stamp, to_stamp


class FeedStore(ArticleStore):
    """Feed state and source health; built on the articles because a run's health counts the new ones."""

    def feed_state(self, source: str, url: str) -> FeedState | None:
        """The validators saved for a feed; none once its URL has changed in the config."""
        with self._lock:
            row = self.conn.execute("SELECT * FROM feeds WHERE source = ?", (source,)).fetchone()
        if row is None or row["url"] != url:
            return None
        return FeedState(source, url, row["etag"], row["last_modified"])

    def save_run(self, result: IngestResult, config: Config, now: datetime, day: date | None = None) -> list[SourceHealth]:
        """Store a run's articles, feed validators and health; return the health rows with
        their new-item counts and stale flags filled in."""
        new = self.save_articles(result.articles, now)
        validators = {f.source: f for f in result.feeds}
        # The feeds table keeps the URL the validators belong to, so the real one from the
        # config: a health row's target is only the shown form, its secrets hidden.
        urls = {s.name: s.url or s.path or "" for s in config.sources}
        stamp = to_stamp(now)
        health: list[SourceHealth] = []
        with self.transaction() as db:
            for row in result.health:
                url = urls.get(row.source, row.target)
                since = self._record_feed(db, row, url, validators.get(row.source), stamp)
                failing_since = from_stamp(since, config.tz)
                stale = (
                    failing_since is not None
                    and (now.astimezone(config.tz).date() - failing_since.date()).days >= config.feeds.stale_days - 1
                )
                row = dataclasses.replace(
                    row, new_items=new.get(row.source, 0), stale=stale, failing_since=failing_since
                )
                db.execute(
                    "INSERT INTO source_runs (started, brief_date, source, target, status, reason, items, new_items, duration)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (stamp, day.isoformat() if day else None, row.source, row.target, row.status, row.reason,
                     row.items, row.new_items, row.duration),
                )
                health.append(row)
        return health

    def _record_feed(
        self, db: sqlite3.Connection, health: SourceHealth, url: str, state: FeedState | None, stamp: str
    ) -> str | None:
        """Update a feed's state after a run; return since when it has been failing (None when it is not)."""
        db.execute(
            "INSERT INTO feeds (source, url) VALUES (?, ?) ON CONFLICT(source) DO UPDATE SET"
            " url = excluded.url, etag = CASE WHEN feeds.url = excluded.url THEN etag END,"
            " last_modified = CASE WHEN feeds.url = excluded.url THEN last_modified END",
            (health.source, url),
        )
        if health.status == "offline":
            # Nothing was attempted: the feed's record stands as it was.
            row = db.execute("SELECT last_status, failing_since FROM feeds WHERE source = ?", (health.source,)).fetchone()
            return row["failing_since"] if row["last_status"] == "failed" else None
        if health.failed:
            db.execute(
                "UPDATE feeds SET last_status = ?, last_reason = ?, last_attempt = ?,"
                " consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, ?)"
                " WHERE source = ?",
                (health.status, health.reason, stamp, stamp, health.source),
            )
            return db.execute("SELECT failing_since FROM feeds WHERE source = ?", (health.source,)).fetchone()[0]
        db.execute(
            "UPDATE feeds SET last_status = ?, last_reason = ?, last_attempt = ?, last_success = ?,"
            " consecutive_failures = 0, failing_since = NULL WHERE source = ?",
            (health.status, health.reason, stamp, stamp, health.source),
        )
        if state is not None:
            # A full response replaces both validators; a 304 sends none and keeps them.
            db.execute("UPDATE feeds SET etag = ?, last_modified = ? WHERE source = ?",
                       (state.etag, state.last_modified, health.source))
        return None
