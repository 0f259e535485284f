"""Full-text search over every stored article and brief, and the archive's reads.

The index is kept in step by the writers (`index_article` when an article is saved or
changes, `index_brief` when a brief's stories are recorded); the migration that made it
back-filled the stores that existed before. Every SQL statement of the archive lives
here. The search is SQLite's FTS5 (MATCH, bm25, highlight, snippet) or, on a PostgreSQL
store, PostgreSQL's full-text search: `pgsearch` holds that flavour's query and expressions.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from ..models import SearchHit, SearchPage, SearchQuery, StoredArticle, ThemeDay, Timeline
from ..models.archive import MARK_END, MARK_START
from . import pgsearch
from .db import Database, from_stamp, rows_in, to_stamp

# How many words an excerpt shows around the matches.
EXCERPT_WORDS = 32
# How far a story page follows a story through the briefs that shared its articles.
STORY_HOPS = 60


def _doc_id(db: sqlite3.Connection, kind: str, ref: str) -> int:
    db.execute("INSERT OR IGNORE INTO search_docs (kind, ref) VALUES (?, ?)", (kind, ref))
    return int(db.execute("SELECT id FROM search_docs WHERE kind = ? AND ref = ?", (kind, ref)).fetchone()[0])


def index_article(db: sqlite3.Connection, article_id: str, title: str, text: str) -> None:
    """Put an article's newest title and text into the index (inside the caller's transaction)."""
    index_articles(db, [(article_id, title, text)])


def index_articles(db: sqlite3.Connection, texts: Sequence[tuple[str, str, str]]) -> None:
    """`index_article` for many (id, title, text) at once: the statements run once each."""
    db.executemany("INSERT OR IGNORE INTO search_docs (kind, ref) VALUES ('article', ?)", [(t[0],) for t in texts])
    docs = {ref: int(doc) for ref, doc in rows_in(
        db, "SELECT ref, id FROM search_docs WHERE kind = 'article' AND ref IN ({})", [t[0] for t in texts])}
    db.executemany("DELETE FROM search_fts WHERE rowid = ?", [(docs[t[0]],) for t in texts])
    db.executemany("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", [(docs[i], title, text) for i, title, text in texts])


def index_brief(db: sqlite3.Connection, day: date) -> None:
    """Put what the brief for `day` said into the index (a rebuild replaces it)."""
    doc = _doc_id(db, "brief", day.isoformat())
    db.execute("DELETE FROM search_fts WHERE rowid = ?", (doc,))
    # The text is put together here, not in SQL: the same statements run on PostgreSQL,
    # which has neither json_each nor group_concat.
    key = day.isoformat()
    row = db.execute("SELECT title, bottom_line FROM briefs WHERE brief_date = ?", (key,)).fetchone()
    if row is None:
        return
    bottom = json.loads(row[1] or "[]")
    points = [r[0] for r in db.execute("SELECT text FROM brief_points WHERE brief_date = ?", (key,))]
    stories = [f"{r[0]} {r[1]}" for r in db.execute("SELECT headline, lead FROM brief_stories WHERE brief_date = ?", (key,))]
    body = " ".join([" ".join(str(b) for b in bottom), " ".join(points), " ".join(stories)])
    db.execute("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", (doc, row[0], body))


def index_story_articles(db: sqlite3.Connection, day: date, stories: Sequence[tuple[str, Sequence[str]]]) -> None:
    """The articles of each story the brief for `day` told, as rows (a rebuild replaces them)."""
    db.execute("DELETE FROM story_articles WHERE brief_date = ?", (day.isoformat(),))
    db.executemany("INSERT OR IGNORE INTO story_articles (brief_date, story_id, article_id) VALUES (?, ?, ?)",
                   [(day.isoformat(), story, article) for story, articles in stories for article in articles])


def match_expression(text: str) -> str:
    """A user's words as an FTS5 query every word of which must match: "quoted phrases"
    stay phrases, a trailing * makes a prefix, and nothing else is syntax (no error to make)."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        words = re.findall(r"\w+", phrase or word)
        if not words:
            continue
        if phrase:
            terms.append('"' + " ".join(words) + '"')
        else:
            terms.extend(f'"{w}"' for w in words)
            if word.endswith("*"):
                terms[-1] += "*"
    return " AND ".join(terms)


def any_of(names: Sequence[str]) -> str:
    """An FTS5 expression matching any of these names, each as a phrase."""
    phrases = ['"' + " ".join(re.findall(r"\w+", n)) + '"' for n in names if re.findall(r"\w+", n)]
    return "(" + " OR ".join(phrases) + ")" if phrases else ""


class SearchStore(Database):
    """The archive's reads: search, stories across days, themes over time, articles."""

    def _expression(self, text: str, names: Sequence[str] = ()) -> str:
        """The user's words, and any of `names` when given, as this store's full-text query."""
        if self.dialect == "postgresql":
            sql, params = pgsearch.query(text, names)
            with self._lock:
                return str(self.conn.run(sql, params).fetchone()[0])  # type: ignore[attr-defined]
        words = match_expression(text)
        if not names:
            return words
        alternatives = any_of(names)
        return f"({words}) AND {alternatives}" if words and alternatives else words or alternatives

    @property
    def _first_join(self) -> str:
        """A join whose left side is read first: on SQLite, CROSS JOIN keeps the planner from
        walking every article and asking the full-text index about each (the index's
        matches must come first); PostgreSQL's planner needs no telling."""
        return "JOIN" if self.dialect == "postgresql" else "CROSS JOIN"

    def _match(self, param: str) -> str:
        """The condition that a row of search_fts matches the query in `param` (a placeholder)."""
        return pgsearch.match(param) if self.dialect == "postgresql" else f"search_fts MATCH {param}"

    def _named(self, sql: str, params: dict[str, object]) -> list[sqlite3.Row]:
        """A statement with `:name` placeholders, on either store (the caller holds the lock)."""
        if self.dialect == "postgresql":
            return self.conn.run(pgsearch.named(sql), params).fetchall()  # type: ignore[attr-defined,no-any-return]
        return self.conn.execute(sql, params).fetchall()

    def search(self, query: SearchQuery, tz: tzinfo) -> SearchPage:
        """The articles and briefs matching `query`, best first (titles weighing more): BM25
        on SQLite, ts_rank_cd on PostgreSQL (`pgsearch`)."""
        expression = self._expression(query.text, query.entity_names)
        if not expression:
            return SearchPage([], 0)
        where, params = [self._match(":q")], {"q": expression}
        if query.start is not None:
            where.append("((d.kind = 'brief' AND d.ref >= :day_from) OR coalesce(a.published, a.first_seen) >= :from)")
            params |= {"day_from": query.start.isoformat(), "from": _stamp(query.start, tz)}
        if query.end is not None:
            where.append("((d.kind = 'brief' AND d.ref <= :day_to) OR coalesce(a.published, a.first_seen) < :to)")
            params |= {"day_to": query.end.isoformat(), "to": _stamp(query.end + timedelta(days=1), tz)}
        if query.source:
            where.append("(a.origin = :source OR a.source = :source)")
            params["source"] = query.source
        if query.theme:
            # Theme keys are [a-z0-9_-] (config.KEY_RE): safe inside the JSON pattern.
            where.append(
                "((d.kind = 'brief' AND d.ref IN (SELECT brief_date FROM brief_themes WHERE key = :theme AND passages > 0))"
                " OR a.id IN (SELECT sa.article_id FROM story_articles sa JOIN brief_stories s"
                " ON s.brief_date = sa.brief_date AND s.story_id = sa.story_id WHERE s.themes LIKE :theme_json))")
            params |= {"theme": query.theme, "theme_json": f'%"{query.theme}"%'}
        joins = ("FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid"
                 " LEFT JOIN articles a ON d.kind = 'article' AND a.id = d.ref")
        clause = " AND ".join(where)
        page = params | {"limit": query.limit, "offset": query.offset}
        if self.dialect == "postgresql":
            # Ranked and cut to the page first: ts_headline reads a text again, so only the page's.
            sql = (f"SELECT kind, ref, {pgsearch.headline('title', ':q', ':title_options')} AS title,"
                   f" {pgsearch.headline('body', ':q', ':excerpt_options')} AS excerpt, body, source, url, moment FROM"
                   " (SELECT d.id, d.kind, d.ref, search_fts.title, search_fts.body, a.source, a.url,"
                   f" coalesce(a.published, a.first_seen) AS moment, {pgsearch.rank(':q')} AS score"
                   f" {joins} WHERE {clause} ORDER BY score DESC, d.id DESC LIMIT :limit OFFSET :offset) found"
                   " ORDER BY score DESC, id DESC")
            page |= {"title_options": pgsearch.title_options(), "excerpt_options": pgsearch.excerpt_options(EXCERPT_WORDS)}
        else:
            sql = (f"SELECT d.kind, d.ref, highlight(search_fts, 0, '{MARK_START}', '{MARK_END}') AS title,"
                   f" snippet(search_fts, 1, '{MARK_START}', '{MARK_END}', ' … ', {EXCERPT_WORDS}) AS excerpt,"
                   " a.source, a.url, coalesce(a.published, a.first_seen) AS moment"
                   f" {joins} WHERE {clause} ORDER BY bm25(search_fts, 4.0, 1.0), d.id DESC LIMIT :limit OFFSET :offset")
        with self._lock:
            total = int(self._named(f"SELECT count(*) {joins} WHERE {clause}", params)[0][0])
            rows = self._named(sql, page)
            ids = [r["ref"] for r in rows if r["kind"] == "article"]
            briefs = self._briefs_of(ids)
            stories = self._stories_of(ids)
        if self.dialect == "postgresql":
            excerpts = [pgsearch.framed(r["excerpt"], r["body"]) for r in rows]
        else:
            excerpts = [r["excerpt"] for r in rows]
        hits = [
            SearchHit(
                kind=r["kind"], ref=r["ref"], title=r["title"], excerpt=excerpt, source=r["source"], url=r["url"],
                moment=from_stamp(r["moment"], tz),
                briefs=tuple(briefs.get(r["ref"], ())), stories=tuple(stories.get(r["ref"], ())),
            )
            for r, excerpt in zip(rows, excerpts, strict=True)
        ]
        return SearchPage(hits, total)

    def bare_search(self, text: str, limit: int = 20) -> list[tuple[int, str]]:
        """The full-text query alone, best first: the benchmark's baseline for `search`."""
        expression = self._expression(text)
        if self.dialect == "postgresql":
            sql = (f"SELECT rowid, {pgsearch.headline('body', ':q', ':options')} FROM"
                   f" (SELECT rowid, body, {pgsearch.rank(':q')} AS score FROM search_fts WHERE {self._match(':q')}"
                   " ORDER BY score DESC LIMIT :limit) found ORDER BY score DESC")
            params = {"q": expression, "limit": limit, "options": pgsearch.excerpt_options(32, start="[", end="]")}
        else:
            sql = ("SELECT rowid, snippet(search_fts, 1, '[', ']', ' … ', 32) FROM search_fts WHERE search_fts MATCH :q"
                   " ORDER BY bm25(search_fts, 4.0, 1.0) LIMIT :limit")
            params = {"q": expression, "limit": limit}
        if not expression:
            return []
        with self._lock:
            return [(r[0], r[1]) for r in self._named(sql, params)]

    def _briefs_of(self, ids: Sequence[str]) -> dict[str, list[date]]:
        found: dict[str, list[date]] = {}
        if not ids:  # PostgreSQL has no empty `IN ()`
            return found
        marks = ",".join("?" * len(ids))
        for article, day in self.conn.execute(
            f"SELECT article_id, brief_date FROM brief_articles WHERE article_id IN ({marks}) ORDER BY brief_date DESC", ids
        ):
            found.setdefault(article, []).append(date.fromisoformat(day))
        return found

    def _stories_of(self, ids: Sequence[str]) -> dict[str, list[tuple[date, str]]]:
        found: dict[str, list[tuple[date, str]]] = {}
        if not ids:
            return found
        marks = ",".join("?" * len(ids))
        for article, day, story in self.conn.execute(
            f"SELECT article_id, brief_date, story_id FROM story_articles WHERE article_id IN ({marks})"
            " ORDER BY brief_date DESC", ids
        ):
            found.setdefault(article, []).append((date.fromisoformat(day), story))
        return found

    def stored_articles(self, ids: Sequence[str], tz: tzinfo) -> list[StoredArticle]:
        """These articles (those still stored), oldest first."""
        rows: list[sqlite3.Row] = []
        with self._lock:
            for first in range(0, len(ids), 500):
                chunk = list(ids[first : first + 500])
                rows += self.conn.execute(
                    "SELECT id, source, title, url, published, first_seen FROM articles"
                    f" WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        found = [StoredArticle(r["id"], r["source"], r["title"], r["url"], from_stamp(r["published"], tz),
                               from_stamp(r["first_seen"], tz)) for r in rows]
        return sorted(found, key=lambda a: (to_stamp(a.published or a.first_seen) or "", a.id))

    def story_timeline(self, day: date, story_id: str) -> Timeline | None:
        """The story told in the brief for `day` as `story_id`, followed through every brief
        that told a story sharing an article with it; None when there is no such story."""
        with self._lock:
            seen: set[tuple[str, str]] = set()
            todo = [(day.isoformat(), story_id)]
            articles: dict[str, None] = {}
            while todo and len(seen) < STORY_HOPS:
                key = todo.pop()
                if key in seen:
                    continue
                seen.add(key)
                mine = [r[0] for r in self.conn.execute(
                    "SELECT article_id FROM story_articles WHERE brief_date = ? AND story_id = ?", key)]
                fresh = [a for a in mine if a not in articles]
                articles.update(dict.fromkeys(mine))
                if fresh:
                    marks = ",".join("?" * len(fresh))
                    todo += [(r[0], r[1]) for r in self.conn.execute(
                        f"SELECT DISTINCT brief_date, story_id FROM story_articles WHERE article_id IN ({marks})", fresh)]
            rows = [self.conn.execute("SELECT * FROM brief_stories WHERE brief_date = ? AND story_id = ?", key).fetchone()
                    for key in sorted(seen)]
        rows = [r for r in rows if r is not None]
        if not rows:
            return None
        themes: dict[str, None] = {}
        for r in rows:
            themes.update(dict.fromkeys(json.loads(r["themes"])))
        newest = rows[-1]
        return Timeline(
            days=[(date.fromisoformat(r["brief_date"]), r["story_id"], r["headline"], int(r["rank"])) for r in rows],
            article_ids=list(articles), themes=list(themes), lead=newest["lead"],
        )

    def theme_days(self, key: str) -> list[ThemeDay]:
        """A theme's numbers in every brief that had it, oldest first."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT brief_date, points, passages, articles FROM brief_themes WHERE key = ? ORDER BY brief_date", (key,)
            ).fetchall()
        return [ThemeDay(date.fromisoformat(r[0]), r[1], r[2], r[3]) for r in rows]

    def theme_stories(self, key: str, limit: int = 20) -> list[tuple[date, str, str, int]]:
        """The latest stories filed under a theme: (brief date, story id, headline, rank)."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT brief_date, story_id, headline, rank FROM brief_stories WHERE themes LIKE ?"
                " ORDER BY brief_date DESC, rank LIMIT ?", (f'%"{key}"%', limit)).fetchall()
        return [(date.fromisoformat(r[0]), r[1], r[2], int(r[3])) for r in rows]

    def mentions_by_day(self, names: Sequence[str], tz: tzinfo, limit: int = 400) -> list[tuple[date, int]]:
        """How many stored articles named any of `names`, per day (of publication, else first
        sight, in `tz`), oldest first; the newest `limit` days."""
        expression = self._expression("", names)
        if not expression:
            return []
        counts: dict[date, int] = {}
        with self._lock:
            for (moment,) in self.conn.execute(
                "SELECT coalesce(a.published, a.first_seen) FROM search_fts"
                f" {self._first_join} search_docs d ON d.id = search_fts.rowid {self._first_join} articles a ON a.id = d.ref"
                f" WHERE d.kind = 'article' AND {self._match('?')}", (expression,)
            ):
                stamp = from_stamp(moment, tz)
                if stamp is not None:
                    counts[stamp.date()] = counts.get(stamp.date(), 0) + 1
        return sorted(counts.items())[-limit:]

    def stories_naming(self, names: Sequence[str], limit: int = 20) -> list[tuple[date, str, str, int, tuple[str, ...]]]:
        """The latest stories whose articles name any of `names`: (date, id, headline, rank, themes)."""
        expression = self._expression("", names)
        if not expression:
            return []
        with self._lock:
            rows = self.conn.execute(
                "SELECT DISTINCT s.brief_date, s.story_id, s.headline, s.rank, s.themes FROM search_fts"
                " JOIN search_docs d ON d.id = search_fts.rowid JOIN story_articles sa ON sa.article_id = d.ref"
                " JOIN brief_stories s ON s.brief_date = sa.brief_date AND s.story_id = sa.story_id"
                f" WHERE d.kind = 'article' AND {self._match('?')} ORDER BY s.brief_date DESC, s.rank LIMIT ?",
                (expression, limit)).fetchall()
        return [(date.fromisoformat(r[0]), r[1], r[2], int(r[3]), tuple(json.loads(r[4]))) for r in rows]

    def source_names(self) -> list[str]:
        """Every source that has an article stored, for the search's source filter."""
        with self._lock:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT origin FROM articles WHERE origin IS NOT NULL ORDER BY 1")]


def _stamp(day: date, tz: tzinfo) -> str | None:
    """The start of `day` in `tz`, as stored moments are written."""
    return to_stamp(datetime.combine(day, time(0), tzinfo=tz))
