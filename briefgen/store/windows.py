"""Brief windows in the store: the span each brief covered, where the next one starts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from ..models import Window
from .db import Database, from_stamp, to_stamp


class WindowStore(Database):
    """The span of every written brief, and which articles other briefs already carried."""

    def record_window(self, day: date, window: Window) -> None:
        """The span of the brief for `day` (a rebuild replaces it)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO brief_windows (brief_date, label, start, end, basis) VALUES (?, ?, ?, ?, ?)",
                (day.isoformat(), window.label, to_stamp(window.start), to_stamp(window.end), window.basis),
            )

    def brief_window(self, day: date, tz: tzinfo) -> Window | None:
        """The recorded span of the brief for `day`, or None."""
        with self._lock:
            row = self.conn.execute("SELECT * FROM brief_windows WHERE brief_date = ?", (day.isoformat(),)).fetchone()
        return _window(row, tz) if row else None

    def window_before(self, day: date, tz: tzinfo) -> tuple[date, Window] | None:
        """The newest brief dated before `day` and its span; None when there is none."""
        with self._lock:
            row = self.conn.execute(
                "SELECT * FROM brief_windows WHERE brief_date < ? ORDER BY brief_date DESC LIMIT 1", (day.isoformat(),)
            ).fetchone()
        return (date.fromisoformat(row["brief_date"]), _window(row, tz)) if row else None

    def window_after(self, day: date, tz: tzinfo) -> tuple[date, Window] | None:
        """The oldest brief dated after `day` and its span; None when there is none."""
        with self._lock:
            row = self.conn.execute(
                "SELECT * FROM brief_windows WHERE brief_date > ? ORDER BY brief_date LIMIT 1", (day.isoformat(),)
            ).fetchone()
        return (date.fromisoformat(row["brief_date"]), _window(row, tz)) if row else None

    def briefed_elsewhere(self, article_ids: Iterable[str], day: date) -> set[str]:
        """Which of these articles a brief of another date than `day` carried."""
        unique = list(dict.fromkeys(article_ids))
        found: set[str] = set()
        with self._lock:
            # SQLite caps the number of parameters of one statement.
            for first in range(0, len(unique), 500):
                chunk = unique[first : first + 500]
                marks = ",".join("?" * len(chunk))
                found.update(r[0] for r in self.conn.execute(
                    f"SELECT DISTINCT article_id FROM brief_articles WHERE brief_date != ? AND article_id IN ({marks})",
                    [day.isoformat(), *chunk],
                ))
        return found

    def newest_article(self, origin: str, tz: tzinfo) -> datetime | None:
        """The date (published, else first seen) of a source's newest stored article."""
        with self._lock:
            row = self.conn.execute(
                "SELECT max(coalesce(published, first_seen)) FROM articles WHERE origin = ?", (origin,)
            ).fetchone()
        return from_stamp(row[0], tz) if row and row[0] else None


def _window(row: sqlite3.Row, tz: tzinfo) -> Window:
    end = from_stamp(row["end"], tz)
    assert end is not None
    return Window(row["label"], from_stamp(row["start"], tz), end, basis=row["basis"])
