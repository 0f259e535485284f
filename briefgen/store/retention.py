"""Pruning old articles (`store.retention_days`) while the briefs' own records stay.

What goes: an article's row, the feeds' sightings of it, its search-index rows and its
stored passage spans. What stays: everything a brief recorded (its article list, stories,
numbers, points, window, run, alerts, feedback), and for an article a stored story cited,
a row in `pruned_articles` with its title, source, link and dates, so the archive's story
pages still name and link it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..models import StoredArticle
from .db import Database, from_stamp, to_stamp

log = logging.getLogger(__name__)

# Articles pruned per statement batch: SQLite caps a statement's parameters, and a year's
# first prune should not hold every text in memory at once.
BATCH = 500


@dataclass(frozen=True)
class Pruned:
    """What one prune removed."""

    articles: int = 0
    cited: int = 0
    spans: int = 0


class RetentionStore(Database):
    """Pruning articles older than a cut-off, and what the pruned ones leave behind."""

    def prune_articles(self, before: datetime, span_key: Callable[[str], str], now: datetime) -> Pruned:
        """Remove the articles dated and first seen before `before`.

        Both dates, not one: an item a feed still carries long after its date is kept for
        the retention period from when it was first seen, rather than pruned and stored
        again on every run. `span_key`: the key of a text's stored passage spans."""
        cut = to_stamp(before)
        articles = cited = spans = 0
        with self.transaction() as db:
            while True:
                rows = db.execute(
                    "SELECT id, text FROM articles WHERE first_seen < ? AND coalesce(published, first_seen) < ? LIMIT ?",
                    (cut, cut, BATCH),
                ).fetchall()
                if not rows:
                    break
                ids = [r[0] for r in rows]
                marks = ",".join("?" * len(ids))
                # The citations first, while the rows are there to copy.
                cited += db.execute(
                    "INSERT OR IGNORE INTO pruned_articles (id, source, title, url, published, first_seen, pruned)"
                    f" SELECT id, source, title, url, published, first_seen, ? FROM articles WHERE id IN ({marks})"
                    " AND id IN (SELECT article_id FROM story_articles)",
                    [to_stamp(now), *ids],
                ).rowcount
                db.execute(f"DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE kind = 'article'"
                           f" AND ref IN ({marks}))", ids)
                db.execute(f"DELETE FROM search_docs WHERE kind = 'article' AND ref IN ({marks})", ids)
                db.execute(f"DELETE FROM article_sightings WHERE article_id IN ({marks})", ids)
                # A text another (kept) article shares loses its spans too: it is split again, once.
                keys = list({span_key(r[1]) for r in rows})
                spans += db.execute(f"DELETE FROM passage_spans WHERE key IN ({','.join('?' * len(keys))})", keys).rowcount
                articles += db.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids).rowcount
        return Pruned(articles, cited, spans)

    def pruned_citations(self, ids: Sequence[str], tz: tzinfo) -> list[StoredArticle]:
        """What is left of these articles, for those pruned: title, source, link and dates."""
        rows = []
        with self._lock:
            for first in range(0, len(ids), BATCH):
                chunk = list(ids[first : first + BATCH])
                rows += self.conn.execute(
                    "SELECT id, source, title, url, published, first_seen FROM pruned_articles"
                    f" WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        return [StoredArticle(r["id"], r["source"], r["title"], r["url"], from_stamp(r["published"], tz),
                              from_stamp(r["first_seen"], tz)) for r in rows]

    def vacuum(self) -> None:
        """Give the space of pruned rows back to the system (SQLite; PostgreSQL's autovacuum does its own)."""
        if self.dialect == "sqlite":
            with self._lock:
                self.conn.execute("VACUUM")

    def size_bytes(self) -> int | None:
        """The store's size on disk (SQLite: the file and its write-ahead log), None on PostgreSQL."""
        if self.dialect != "sqlite":
            return None
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
