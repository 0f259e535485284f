"""Feedback in the store: the analyst's verdicts on passages, one per sentence and theme."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

from ..models import Feedback
from .db import Database, from_stamp, to_stamp


class FeedbackStore(Database):
    """What `briefgen feedback` recorded, read back by every brief."""

    def record_feedback(self, record: Feedback, fingerprint: str) -> tuple[Feedback, Feedback | None]:
        """Keep a verdict, numbered. One already kept on the same sentence (`fingerprint`)
        and theme is replaced, and its number kept. Returns it, and the one it replaced."""
        recorded = record.recorded or datetime.now(UTC)
        values = (record.verdict, record.text, record.passage_id,
                  record.brief_date.isoformat() if record.brief_date else None, to_stamp(recorded))
        with self.transaction() as db:
            row = db.execute("SELECT * FROM feedback WHERE theme = ? AND fingerprint = ?",
                             (record.theme, fingerprint)).fetchone()
            if row is not None:
                number = int(row["id"])
                db.execute("UPDATE feedback SET verdict = ?, text = ?, passage_id = ?, brief_date = ?, recorded = ?"
                           " WHERE id = ?", (*values, number))
            else:
                cursor = db.execute(
                    "INSERT INTO feedback (verdict, text, passage_id, brief_date, recorded, theme, fingerprint)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", (*values, record.theme, fingerprint))
                number = int(cursor.lastrowid or 0)
            saved = db.execute("SELECT * FROM feedback WHERE id = ?", (number,)).fetchone()
        return _record(saved), _record(row) if row is not None else None

    def feedback_records(self, theme: str | None = None) -> list[Feedback]:
        """Every verdict kept (or a theme's), by number."""
        query = "SELECT * FROM feedback"
        params: tuple[str, ...] = ()
        if theme is not None:
            query, params = query + " WHERE theme = ?", (theme,)
        with self._lock:
            rows = self.conn.execute(query + " ORDER BY id", params).fetchall()
        return [_record(row) for row in rows]

    def remove_feedback(self, number: int) -> Feedback | None:
        """Forget the verdict numbered `number`; the record removed, or None if there was none."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM feedback WHERE id = ?", (number,)).fetchone()
            if row is not None:
                db.execute("DELETE FROM feedback WHERE id = ?", (number,))
        return _record(row) if row is not None else None


def read_feedback(path: Path) -> list[Feedback]:
    """The verdicts in a store file, read only: the store is neither migrated nor changed
    (one from before feedback existed has none)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feedback'").fetchone() is None:
            return []
        return [_record(row) for row in conn.execute("SELECT * FROM feedback ORDER BY id")]


def _record(row) -> Feedback:  # type: ignore[no-untyped-def]
    return Feedback(
        theme=row["theme"],
        text=row["text"],
        belongs=row["verdict"] == "is",
        number=int(row["id"]),
        passage_id=row["passage_id"],
        brief_date=date.fromisoformat(row["brief_date"]) if row["brief_date"] else None,
        recorded=from_stamp(row["recorded"], UTC),
    )
