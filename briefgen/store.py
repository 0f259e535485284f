"""The store: one SQLite file that remembers articles, feed state, runs and sent mail.

Created and migrated by the program: each entry of MIGRATIONS runs once, in order,
and PRAGMA user_version records how far a database has come.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .config import Config
from .models import (
    Article,
    BriefRecord,
    EmbeddedPost,
    FeedState,
    IngestResult,
    PreviousBrief,
    SourceHealth,
    ThemeCount,
)

log = logging.getLogger(__name__)

MIGRATIONS: list[str] = [
    # 1: articles, feed state, per-run source health, brief membership, run ledger, outbox.
    """
    CREATE TABLE articles (
        id            TEXT PRIMARY KEY,
        source        TEXT NOT NULL,
        guid          TEXT,
        url           TEXT,
        canonical_url TEXT,
        title         TEXT NOT NULL,
        author        TEXT,
        path          TEXT,
        published     TEXT,
        first_seen    TEXT NOT NULL,
        updated       TEXT,
        text          TEXT NOT NULL,
        content_hash  TEXT NOT NULL
    );
    CREATE INDEX articles_guid ON articles(source, guid);
    CREATE INDEX articles_canonical ON articles(canonical_url);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_first_seen ON articles(first_seen);

    CREATE TABLE feeds (
        source               TEXT PRIMARY KEY,
        url                  TEXT NOT NULL,
        etag                 TEXT,
        last_modified        TEXT,
        last_status          TEXT,
        last_reason          TEXT,
        last_attempt         TEXT,
        last_success         TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE source_runs (
        id         INTEGER PRIMARY KEY,
        started    TEXT NOT NULL,
        brief_date TEXT,
        source     TEXT NOT NULL,
        status     TEXT NOT NULL,
        reason     TEXT,
        new_items  INTEGER NOT NULL DEFAULT 0,
        duration   REAL
    );
    CREATE INDEX source_runs_source ON source_runs(source, started);

    CREATE TABLE brief_articles (
        brief_date TEXT NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (brief_date, article_id)
    );

    CREATE TABLE runs (
        brief_date TEXT PRIMARY KEY,
        status     TEXT NOT NULL,
        files      TEXT,
        started    TEXT,
        finished   TEXT,
        error      TEXT,
        owner      TEXT
    );

    CREATE TABLE outbox (
        brief_date TEXT NOT NULL,
        recipient  TEXT NOT NULL,
        message_id TEXT NOT NULL,
        status     TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at    TEXT,
        PRIMARY KEY (brief_date, recipient)
    );
    """,
    # 2: the configured source of each article, every (source, guid) that led to an
    # article (so an item seen in two feeds is stored once and credited to both),
    # since when a feed has been failing, and what each run's health row is about.
    """
    ALTER TABLE articles ADD COLUMN origin TEXT;
    CREATE INDEX articles_origin_date ON articles(origin, coalesce(published, first_seen));

    CREATE TABLE article_sightings (
        origin     TEXT NOT NULL,
        guid       TEXT NOT NULL,
        article_id TEXT NOT NULL,
        source     TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (origin, guid)
    );
    CREATE INDEX article_sightings_article ON article_sightings(article_id);

    ALTER TABLE feeds ADD COLUMN failing_since TEXT;
    ALTER TABLE source_runs ADD COLUMN target TEXT;
    ALTER TABLE source_runs ADD COLUMN items INTEGER NOT NULL DEFAULT 0;
    """,
    # 3: what each brief said in numbers, for trends and the 14-day chart.
    """
    CREATE TABLE briefs (
        brief_date  TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        sources     INTEGER NOT NULL,
        bottom_line TEXT NOT NULL
    );
    CREATE TABLE brief_themes (
        brief_date TEXT NOT NULL,
        key        TEXT NOT NULL,
        label      TEXT NOT NULL,
        position   INTEGER NOT NULL,
        points     INTEGER NOT NULL,
        passages   INTEGER NOT NULL,
        articles   INTEGER NOT NULL,
        PRIMARY KEY (brief_date, key)
    );
    """,
    # 4: the embedded posts of each article with the dates of their (removed) signature
    # lines, as JSON: the timeline's anchor for articles that carry no date of their own.
    """
    ALTER TABLE articles ADD COLUMN embeds TEXT;
    """,
    # 5: each brief's summary points per theme: the baseline of "What changed".
    """
    CREATE TABLE brief_points (
        brief_date TEXT NOT NULL,
        key        TEXT NOT NULL,
        position   INTEGER NOT NULL,
        text       TEXT NOT NULL,
        PRIMARY KEY (brief_date, key, position)
    );
    """,
    # 6: where each article text's passages are (sentence spans, as JSON), keyed by a hash
    # of the text and the splitter's version: an article seen before is not split again.
    """
    CREATE TABLE passage_spans (
        key   TEXT PRIMARY KEY,
        spans TEXT NOT NULL
    );
    """,
]


def default_path(config: Config, out_dir: Path | None = None) -> Path:
    """Where the store lives: `store:` from the config, else `<out>/.briefgen/briefgen.sqlite3`."""
    if config.store:
        target = config.store.removeprefix("sqlite:///") if config.store.startswith("sqlite:///") else config.store
        return config.resolve(target)
    base = out_dir if out_dir is not None else config.resolve(config.output.dir)
    return base / ".briefgen" / "briefgen.sqlite3"


class Store:
    """A connection to the store; safe to share between threads (one writer at a time)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (see `transaction`), never implicit.
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    def migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            log.info("store %s: migrating to version %d", self.path, number)
            with self.transaction():
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: takes the write lock up front, so two writers never deadlock."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # -- articles ------------------------------------------------------------------

    def save_articles(self, articles: Sequence[Article], now: datetime) -> dict[str, int]:
        """Remember articles; return how many were new, per configured source.

        An item already stored (the same guid in its source, the same canonical URL, or
        the same title and text) is not stored again: its source is credited to the
        stored row. A changed item of the same source updates its row and keeps the row's
        id and first-seen time."""
        new: dict[str, int] = {}
        with self.transaction() as db:
            for article in articles:
                if self._save(db, article, now):
                    origin = article.origin or article.source
                    new[origin] = new.get(origin, 0) + 1
        return new

    def _save(self, db: sqlite3.Connection, article: Article, now: datetime) -> bool:
        origin = article.origin or article.source
        guid = article.guid or article.url or article.id
        canonical = canonical_url(article.url)
        digest = content_hash(article.title, article.text)
        row = None
        hit = db.execute("SELECT article_id FROM article_sightings WHERE origin = ? AND guid = ?", (origin, guid)).fetchone()
        if hit is not None:
            row = db.execute("SELECT * FROM articles WHERE id = ?", (hit[0],)).fetchone()
        if row is None and canonical:
            row = db.execute("SELECT * FROM articles WHERE canonical_url = ? ORDER BY first_seen LIMIT 1", (canonical,)).fetchone()
        if row is None:
            row = db.execute("SELECT * FROM articles WHERE content_hash = ? ORDER BY first_seen LIMIT 1", (digest,)).fetchone()
        embeds = _embeds_json(article.embeds)
        values = (article.source, article.guid, article.url, canonical, article.title, article.author,
                  article.path, _stamp(article.published), article.text, digest, embeds)
        if row is None:
            article_id = article.id
            if db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                # Two different items hashed to one id: keep both, the newcomer suffixed.
                article_id = f"{article.id}-{digest[:6]}"
            db.execute(
                "INSERT INTO articles (source, guid, url, canonical_url, title, author, path, published, text,"
                " content_hash, embeds, id, origin, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, article_id, origin, _stamp(article.first_seen or now)),
            )
        else:
            article_id = row["id"]
            # Only the source that published an item may edit it; another feed carrying
            # the same URL or text is a sighting, not a new version.
            # (An article stored before migration 4 gets its embedded posts the same way.)
            if row["origin"] == origin and (row["content_hash"] != digest or (embeds and row["embeds"] != embeds)):
                log.debug("article %s changed in %s: updating", article_id, origin)
                db.execute(
                    "UPDATE articles SET source = ?, guid = ?, url = ?, canonical_url = ?, title = ?, author = ?,"
                    " path = ?, published = coalesce(?, published), text = ?, content_hash = ?, embeds = ?, updated = ?"
                    " WHERE id = ?",
                    (*values, _stamp(now), article_id),
                )
        db.execute(
            "INSERT OR IGNORE INTO article_sightings (origin, guid, article_id, source, first_seen) VALUES (?, ?, ?, ?, ?)",
            (origin, guid, article_id, article.source, _stamp(now)),
        )
        return row is None

    def knows(self, article: Article) -> bool:
        """Whether an item is already stored (its guid in its source, or its canonical URL)."""
        origin = article.origin or article.source
        canonical = canonical_url(article.url)
        with self._lock:
            if article.guid and self.conn.execute(
                "SELECT 1 FROM article_sightings WHERE origin = ? AND guid = ?", (origin, article.guid)
            ).fetchone():
                return True
            return bool(canonical) and self.conn.execute(
                "SELECT 1 FROM articles WHERE canonical_url = ?", (canonical,)
            ).fetchone() is not None

    def load_articles(self, origin: str, start: datetime | None, end: datetime, tz: tzinfo) -> list[Article]:
        """A source's stored articles dated (published, else first seen) in [start, end); all when start is None."""
        query = "SELECT * FROM articles WHERE origin = ?"
        params: list[str] = [origin]
        if start is not None:
            query += " AND coalesce(published, first_seen) >= ? AND coalesce(published, first_seen) < ?"
            params += [_stamp(start), _stamp(end)]
        others: dict[str, set[str]] = {}
        with self._lock:
            rows = self.conn.execute(query + " ORDER BY id", params).fetchall()
            # Other sources that carried the same items, for all of the source's articles at once.
            for article_id, name in self.conn.execute(
                "SELECT s.article_id, s.source FROM article_sightings s JOIN articles a ON a.id = s.article_id"
                " WHERE a.origin = ? AND s.source != a.source",
                (origin,),
            ):
                others.setdefault(article_id, set()).add(name)
        return [
            Article(
                id=row["id"],
                source=row["source"],
                title=row["title"],
                text=row["text"],
                path=row["path"],
                url=row["url"],
                published=_moment(row["published"], tz),
                first_seen=_moment(row["first_seen"], tz),
                author=row["author"],
                guid=row["guid"],
                origin=row["origin"],
                also_in=tuple(sorted(others.get(row["id"], ()))),
                embeds=_embeds(row["embeds"]),
            )
            for row in rows
        ]

    def load_spans(self, keys: Sequence[str]) -> dict[str, list[tuple[int, int, int]]]:
        """The passage spans stored for these text keys (see `analyse.passages.key`)."""
        found: dict[str, list[tuple[int, int, int]]] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            # SQLite caps the number of parameters of one statement.
            for first in range(0, len(unique), 500):
                chunk = unique[first : first + 500]
                marks = ",".join("?" * len(chunk))
                for key, spans in self.conn.execute(f"SELECT key, spans FROM passage_spans WHERE key IN ({marks})", chunk):
                    try:
                        found[key] = [(int(p), int(s), int(e)) for p, s, e in json.loads(spans)]
                    except (ValueError, TypeError):
                        log.warning("passage spans %s unreadable, split again", key[:12])
        return found

    def save_spans(self, spans: dict[str, list[tuple[int, int, int]]]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO passage_spans (key, spans) VALUES (?, ?)",
                [(key, json.dumps(value, separators=(",", ":"))) for key, value in spans.items()],
            )

    def count_articles(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def record_brief(self, day: date, article_ids: Sequence[str]) -> None:
        """Which articles went into the brief for `day` (a rebuild replaces the list)."""
        with self.transaction() as db:
            db.execute("DELETE FROM brief_articles WHERE brief_date = ?", (day.isoformat(),))
            db.executemany(
                "INSERT OR IGNORE INTO brief_articles (brief_date, article_id) VALUES (?, ?)",
                [(day.isoformat(), article_id) for article_id in article_ids],
            )

    def record_counts(self, record: BriefRecord) -> None:
        """The numbers of a written brief (a rebuild replaces them)."""
        day = record.date.isoformat()
        with self.transaction() as db:
            db.execute("DELETE FROM brief_themes WHERE brief_date = ?", (day,))
            db.execute(
                "INSERT OR REPLACE INTO briefs (brief_date, title, articles, sources, bottom_line) VALUES (?, ?, ?, ?, ?)",
                (day, record.title, record.articles, record.sources, json.dumps(list(record.bottom_line), ensure_ascii=False)),
            )
            db.executemany(
                "INSERT INTO brief_themes (brief_date, key, label, position, points, passages, articles) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(day, t.key, t.label, n, t.points, t.passages, t.articles) for n, t in enumerate(record.themes)],
            )

    def record_points(self, day: date, points: dict[str, list[str]]) -> None:
        """Each theme's summary points of the brief for `day` (a rebuild replaces them)."""
        with self.transaction() as db:
            db.execute("DELETE FROM brief_points WHERE brief_date = ?", (day.isoformat(),))
            db.executemany(
                "INSERT INTO brief_points (brief_date, key, position, text) VALUES (?, ?, ?, ?)",
                [(day.isoformat(), key, n, text) for key, texts in points.items() for n, text in enumerate(texts)],
            )

    def previous_brief(self, day: date) -> PreviousBrief | None:
        """What the newest recorded brief before `day` said, theme by theme; None if there is none."""
        with self._lock:
            row = self.conn.execute(
                "SELECT brief_date FROM briefs WHERE brief_date < ? ORDER BY brief_date DESC LIMIT 1", (day.isoformat(),)
            ).fetchone()
            if row is None:
                return None
            earlier = row[0]
            labels = {r["key"]: r["label"] for r in self.conn.execute(
                "SELECT key, label FROM brief_themes WHERE brief_date = ? ORDER BY position", (earlier,)
            )}
            points: dict[str, list[str]] = {key: [] for key in labels}
            for r in self.conn.execute(
                "SELECT key, text FROM brief_points WHERE brief_date = ? ORDER BY key, position", (earlier,)
            ):
                points.setdefault(r["key"], []).append(r["text"])
        return PreviousBrief(date.fromisoformat(earlier), labels, points)

    def brief_records(self, first: date, before: date) -> list[BriefRecord]:
        """The recorded briefs dated in [first, before), oldest first."""
        span = (first.isoformat(), before.isoformat())
        with self._lock:
            briefs = self.conn.execute(
                "SELECT * FROM briefs WHERE brief_date >= ? AND brief_date < ? ORDER BY brief_date", span
            ).fetchall()
            themes: dict[str, list[ThemeCount]] = {}
            for row in self.conn.execute(
                "SELECT * FROM brief_themes WHERE brief_date >= ? AND brief_date < ? ORDER BY brief_date, position", span
            ):
                themes.setdefault(row["brief_date"], []).append(
                    ThemeCount(row["key"], row["label"], row["points"], row["passages"], row["articles"])
                )
        return [
            BriefRecord(
                date=date.fromisoformat(row["brief_date"]),
                title=row["title"],
                bottom_line=tuple(json.loads(row["bottom_line"])),
                themes=tuple(themes.get(row["brief_date"], ())),
                articles=row["articles"],
                sources=row["sources"],
            )
            for row in briefs
        ]

    def brief_articles(self, day: date) -> list[str]:
        with self._lock:
            rows = self.conn.execute("SELECT article_id FROM brief_articles WHERE brief_date = ? ORDER BY article_id", (day.isoformat(),))
            return [r[0] for r in rows]

    # -- feeds and source health ----------------------------------------------------

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
        stamp = _stamp(now)
        health: list[SourceHealth] = []
        with self.transaction() as db:
            for row in result.health:
                since = self._record_feed(db, row, validators.get(row.source), stamp)
                failing_since = _moment(since, config.tz)
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

    def _record_feed(self, db: sqlite3.Connection, health: SourceHealth, state: FeedState | None, stamp: str) -> str | None:
        """Update a feed's state after a run; return since when it has been failing (None when it is not)."""
        db.execute(
            "INSERT INTO feeds (source, url) VALUES (?, ?) ON CONFLICT(source) DO UPDATE SET"
            " url = excluded.url, etag = CASE WHEN feeds.url = excluded.url THEN etag END,"
            " last_modified = CASE WHEN feeds.url = excluded.url THEN last_modified END",
            (health.source, health.target),
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


# Query parameters that track a click, not name an article (utm_*, ad-click ids, mail ids).
TRACKING_PARAM_RE = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ocid|ncid|cmpid)$",
    re.I,
)


def canonical_url(url: str | None) -> str | None:
    """The URL an article is known by: https, lower-case host, no default port, fragment
    or tracking parameters. None for anything that is not an http(s) URL."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:  # an IPv6 literal loses its brackets in .hostname
        host = f"[{host}]"
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAM_RE.match(k)]
    # http and https name the same article; so do a bare host and its root path.
    return urlunsplit(("https", host, parts.path or "/", urlencode(query), ""))


def content_hash(title: str, text: str) -> str:
    """Equal for the same title and text, whatever the case, spacing or punctuation."""
    words = " ".join(re.findall(r"\w+", f"{title}\n{text}".casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def _stamp(moment: datetime | None) -> str | None:
    """UTC ISO 8601 to the second: one format, so stored dates compare as strings."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _moment(text: str | None, tz: tzinfo) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(tz) if text else None


def _embeds_json(posts: Sequence[EmbeddedPost]) -> str | None:
    return json.dumps([[p.text, p.posted.isoformat(), p.by] for p in posts], ensure_ascii=False) if posts else None


def _embeds(value: str | None) -> tuple[EmbeddedPost, ...]:
    """Embedded posts read back; a damaged value loses the anchors, never the article."""
    if not value:
        return ()
    try:
        return tuple(EmbeddedPost(text, date.fromisoformat(posted), by) for text, posted, by in json.loads(value))
    except (ValueError, TypeError) as exc:
        log.warning("embedded posts unreadable, ignored: %s", exc)
        return ()
