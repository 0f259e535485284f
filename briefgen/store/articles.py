"""Articles in the store: saved once however many feeds carry them, and read back by date."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..models import Article, EmbeddedPost
from .db import Database, from_stamp, rows_in, to_stamp
from .search import index_article, index_articles

log = logging.getLogger(__name__)


class ArticleStore(Database):
    """The store's articles and the sightings that credit each to every source that carried it."""

    def save_articles(self, articles: Sequence[Article], now: datetime) -> dict[str, int]:
        """Remember articles; return how many were new, per configured source.

        An item already stored (the same guid in its source, the same canonical URL, or
        the same title and text) is not stored again: its source is credited to the
        stored row. A changed item of the same source updates its row and keeps the row's
        id and first-seen time."""
        new: dict[str, int] = {}
        with self.transaction() as db:
            keys = [_Keys.of(article) for article in articles]
            batch = _Batch(db, keys)
            for article, key in zip(articles, keys, strict=True):
                if batch.unknown(key):
                    # Nothing stored or seen in this run shares a key with it: it is new, and
                    # is written with the others (a day's first run stores thousands).
                    batch.insert(article, key, now)
                    is_new = True
                else:
                    batch.flush()
                    is_new = self._save(db, article, key, now)
                batch.seen(key)
                if is_new:
                    origin = article.origin or article.source
                    new[origin] = new.get(origin, 0) + 1
            batch.flush()
        return new

    def _save(self, db: sqlite3.Connection, article: Article, key: _Keys, now: datetime) -> bool:
        origin, guid, canonical, digest = key.origin, key.guid, key.canonical, key.digest
        row = None
        hit = db.execute("SELECT article_id FROM article_sightings WHERE origin = ? AND guid = ?", (origin, guid)).fetchone()
        if hit is not None:
            row = db.execute("SELECT * FROM articles WHERE id = ?", (hit[0],)).fetchone()
        if row is None and canonical:
            row = db.execute("SELECT * FROM articles WHERE canonical_url = ? ORDER BY first_seen LIMIT 1", (canonical,)).fetchone()
        if row is None:
            row = db.execute("SELECT * FROM articles WHERE content_hash = ? ORDER BY first_seen LIMIT 1", (digest,)).fetchone()
        stored = _row(article, key, now)
        values, embeds, modified = stored[:11], stored[10], stored[15]
        if row is None:
            article_id = article.id
            if db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                # Two different items hashed to one id: keep both, the newcomer suffixed.
                article_id = f"{article.id}-{digest[:6]}"
                key.stored_as = article_id
            db.execute(INSERT_ARTICLE, (*values, article_id, *stored[12:]))
            index_article(db, article_id, article.title, article.text)
        elif row["origin"] == origin:
            # Only the source that published an item may edit it; another feed carrying
            # the same URL or text is a sighting, not a new version.
            article_id = row["id"]
            # A stored date is kept when the item no longer gives one, and so is how it was had.
            basis = article.date_basis if article.published is not None or row["published"] is None else row["date_basis"]
            dates = (basis, modified or row["modified"])
            # (An article stored before migration 4 gets its embedded posts the same way.)
            if row["content_hash"] != digest or (embeds and row["embeds"] != embeds):
                log.debug("article %s changed in %s: updating", article_id, origin)
                db.execute(
                    "UPDATE articles SET source = ?, guid = ?, url = ?, canonical_url = ?, title = ?, author = ?,"
                    " path = ?, published = coalesce(?, published), text = ?, content_hash = ?, embeds = ?, updated = ?,"
                    " date_basis = ?, modified = ? WHERE id = ?",
                    (*values, to_stamp(now), *dates, article_id),
                )
                index_article(db, article_id, article.title, article.text)
            elif (row["date_basis"], row["modified"]) != dates:
                # The same text, newly dated: a file touched, or a row stored before migration 7.
                db.execute(
                    "UPDATE articles SET published = coalesce(?, published), date_basis = ?, modified = ? WHERE id = ?",
                    (to_stamp(article.published), *dates, article_id),
                )
            if article.language is not None and row["language"] != article.language:
                # A row stored before the language column, or a source newly declaring one.
                db.execute("UPDATE articles SET language = ? WHERE id = ?", (article.language, article_id))
        else:
            article_id = row["id"]
        db.execute(INSERT_SIGHTING, (origin, guid, article_id, article.source, to_stamp(now)))
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
        span = ""
        params: list[str] = [origin]
        if start is not None:
            span = " AND coalesce(a.published, a.first_seen) >= ? AND coalesce(a.published, a.first_seen) < ?"
            params += [to_stamp(start), to_stamp(end)]  # type: ignore[list-item]
        others: dict[str, set[str]] = {}
        with self._lock:
            rows = self.conn.execute(f"SELECT * FROM articles a WHERE a.origin = ?{span} ORDER BY a.id", params).fetchall()
            # Other sources that carried the same items, for all of these articles at once: of
            # the window only, not of every article the source ever had (a cost that grew with the archive).
            for article_id, name in self.conn.execute(
                "SELECT s.article_id, s.source FROM article_sightings s JOIN articles a ON a.id = s.article_id"
                f" WHERE a.origin = ? AND s.source != a.source{span}",
                params,
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
                published=from_stamp(row["published"], tz),
                first_seen=from_stamp(row["first_seen"], tz),
                author=row["author"],
                guid=row["guid"],
                origin=row["origin"],
                also_in=tuple(sorted(others.get(row["id"], ()))),
                embeds=_embeds(row["embeds"]),
                date_basis=row["date_basis"],
                modified=from_stamp(row["modified"], tz),
                language=row["language"],
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

    def article_text(self, article_id: str) -> str | None:
        """An article's stored text (the newest version), or None when no article has that id."""
        with self._lock:
            row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row is not None else None

    def count_articles(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])


INSERT_ARTICLE = (
    "INSERT INTO articles (source, guid, url, canonical_url, title, author, path, published, text,"
    " content_hash, embeds, id, origin, first_seen, date_basis, modified, language)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_SIGHTING = (
    "INSERT OR IGNORE INTO article_sightings (origin, guid, article_id, source, first_seen) VALUES (?, ?, ?, ?, ?)"
)


def _row(article: Article, key: _Keys, now: datetime) -> tuple[object, ...]:
    """An article's values in INSERT_ARTICLE's order (the id its own)."""
    return (article.source, article.guid, article.url, key.canonical, article.title, article.author,
            article.path, to_stamp(article.published), article.text, key.digest, _embeds_json(article.embeds),
            article.id, key.origin, to_stamp(article.first_seen or now), article.date_basis,
            to_stamp(article.modified), article.language)


@dataclass(slots=True)
class _Keys:
    """What an article is known by in the store, worked out once per save."""

    origin: str
    guid: str
    canonical: str | None
    digest: str
    id: str
    # The id it was stored under when another item had its own.
    stored_as: str | None = None

    @classmethod
    def of(cls, article: Article) -> _Keys:
        return cls(article.origin or article.source, article.guid or article.url or article.id,
                   canonical_url(article.url), content_hash(article.title, article.text), article.id)


class _Batch:
    """A run's articles saved together. What the store already holds under any of their keys
    is read in a few statements; an article none of whose keys is held, in the store or
    earlier in the run, is new, and its rows are written with the next ones. Any other
    goes through `_save` one by one, as before, after the queued rows are written, so it
    sees them."""

    def __init__(self, db: sqlite3.Connection, keys: Sequence[_Keys]):
        self.db = db
        # By origin, then guid: the sightings' key, so that each look-up is an index search
        # (a store of a year holds hundreds of thousands of them).
        guids: dict[str, list[str]] = {}
        for key in keys:
            guids.setdefault(key.origin, []).append(key.guid)
        self.sightings = {(origin, guid) for origin, values in guids.items() for (guid,) in rows_in(
            db, "SELECT guid FROM article_sightings WHERE origin = ? AND guid IN ({})", values, origin)}
        self.canonicals = {r[0] for r in rows_in(
            db, "SELECT canonical_url FROM articles WHERE canonical_url IN ({})", [k.canonical for k in keys if k.canonical])}
        self.digests = {r[0] for r in rows_in(
            db, "SELECT content_hash FROM articles WHERE content_hash IN ({})", [k.digest for k in keys])}
        self.ids = {r[0] for r in rows_in(db, "SELECT id FROM articles WHERE id IN ({})", [k.id for k in keys])}
        self.articles: list[tuple[object, ...]] = []
        self.sighted: list[tuple[object, ...]] = []
        self.texts: list[tuple[str, str, str]] = []

    def unknown(self, key: _Keys) -> bool:
        return ((key.origin, key.guid) not in self.sightings and key.canonical not in self.canonicals
                and key.digest not in self.digests and key.id not in self.ids)

    def seen(self, key: _Keys) -> None:
        self.sightings.add((key.origin, key.guid))
        if key.canonical:
            self.canonicals.add(key.canonical)
        self.digests.add(key.digest)
        self.ids.add(key.id)
        if key.stored_as:
            self.ids.add(key.stored_as)

    def insert(self, article: Article, key: _Keys, now: datetime) -> None:
        self.articles.append(_row(article, key, now))
        self.sighted.append((key.origin, key.guid, key.id, article.source, to_stamp(now)))
        self.texts.append((key.id, article.title, article.text))

    def flush(self) -> None:
        if not self.articles:
            return
        self.db.executemany(INSERT_ARTICLE, self.articles)
        index_articles(self.db, self.texts)
        self.db.executemany(INSERT_SIGHTING, self.sighted)
        self.articles, self.sighted, self.texts = [], [], []


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


class _WordChars(dict[int, int]):
    """For str.translate: a character of a word (what a regular expression's \\w matches:
    alphanumeric, or "_") stays, anything else becomes a space; each worked out once."""

    # Enough for every script a store meets; a feed of every code point must not grow it without end.
    LIMIT = 65_536

    def __missing__(self, code: int) -> int:
        kept = code if chr(code).isalnum() or code == 95 else 32
        if len(self) < self.LIMIT:
            self[code] = kept
        return kept


_WORD_CHARS = _WordChars()


def content_hash(title: str, text: str) -> str:
    """Equal for the same title and text, whatever the case, spacing or punctuation."""
    # The words joined by single spaces, as " ".join(re.findall(r"\w+", ...)) gives them (the
    # stored hashes were made so; equal for every code point), three times as fast: a day of
    # 10,000 articles spent 0.7 s here.
    words = " ".join(f"{title}\n{text}".casefold().translate(_WORD_CHARS).split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


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
