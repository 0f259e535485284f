"""Briefs in the store: which articles, numbers and points each brief had."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from ..models import BriefRecord, PreviousBrief, Story, StoryRecord, ThemeCount
from .db import Database
from .search import index_brief, index_story_articles


class BriefStore(Database):
    """What each written brief was made of and said, for "What changed" and trends."""

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

    def record_stories(self, day: date, stories: Sequence[Story]) -> None:
        """The stories the brief for `day` told (a rebuild replaces them)."""
        rows = []
        for n, story in enumerate(stories, start=1):
            first = story.continues.first_reported if story.continues else day
            rows.append((
                day.isoformat(), story.id, story.rank or n, story.headline, story.lead_text,
                json.dumps(list(story.article_ids)), json.dumps(list(story.themes)), first.isoformat(),
            ))
        with self.transaction() as db:
            db.execute("DELETE FROM brief_stories WHERE brief_date = ?", (day.isoformat(),))
            db.executemany(
                "INSERT OR REPLACE INTO brief_stories (brief_date, story_id, rank, headline, lead, article_ids, themes, first_reported)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            # The search index: the brief's text is complete once its stories are recorded (the last step).
            index_story_articles(db, day, [(s.id, s.article_ids) for s in stories])
            index_brief(db, day)

    def earlier_stories(self, day: date, first: date) -> list[StoryRecord]:
        """The stories of the briefs dated in [first, day), newest brief first."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT * FROM brief_stories WHERE brief_date >= ? AND brief_date < ? ORDER BY brief_date DESC, rank",
                (first.isoformat(), day.isoformat()),
            ).fetchall()
        return [
            StoryRecord(
                date=date.fromisoformat(r["brief_date"]),
                id=r["story_id"],
                rank=r["rank"],
                headline=r["headline"],
                lead=r["lead"],
                article_ids=tuple(json.loads(r["article_ids"])),
                themes=tuple(json.loads(r["themes"])),
                first_reported=date.fromisoformat(r["first_reported"]),
            )
            for r in rows
        ]

    def has_brief(self, day: date) -> bool:
        with self._lock:
            return self.conn.execute("SELECT 1 FROM briefs WHERE brief_date = ?", (day.isoformat(),)).fetchone() is not None

    def briefs_with(self, article_id: str) -> list[date]:
        """The dates of the briefs an article went into, newest first."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT brief_date FROM brief_articles WHERE article_id = ? ORDER BY brief_date DESC", (article_id,)
            ).fetchall()
        return [date.fromisoformat(r[0]) for r in rows]
