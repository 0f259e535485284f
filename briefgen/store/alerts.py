"""Alerts in the store: each rule's alerts about each story, recorded before they are sent.

A row is written with status `sending` before the message leaves, and set to `sent` (or
`failed`, to be retried) after; a row still `sending` when the next watch starts may have
been sent by a run that crashed, so it becomes `unknown` and is never sent again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from ..models import AlertRecord
from .db import Database, from_stamp, to_stamp


class AlertStore(Database):
    """What `briefgen watch` sent, or was about to send, per rule, story and channel."""

    def claim_alert(self, rule: str, story_key: str, level: int, channel: str, reported_by: int, headline: str,
                    article_ids: Sequence[str], now: datetime) -> AlertRecord | None:
        """Record the intent to send; None when this alert already exists (sent, sending or unknown).
        A `failed` one is handed back for another attempt."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM alerts WHERE rule = ? AND story_key = ? AND level = ? AND channel = ?",
                             (rule, story_key, level, channel)).fetchone()
            if row is not None and row["status"] != "failed":
                return None
            if row is None:
                cursor = db.execute(
                    "INSERT INTO alerts (rule, story_key, level, channel, status, reported_by, headline, article_ids, created)"
                    " VALUES (?, ?, ?, ?, 'sending', ?, ?, ?, ?)",
                    (rule, story_key, level, channel, reported_by, headline, json.dumps(list(article_ids)), to_stamp(now)))
                number = int(cursor.lastrowid or 0)
            else:
                number = int(row["id"])
                db.execute("UPDATE alerts SET status = 'sending' WHERE id = ?", (number,))
            db.executemany("INSERT OR IGNORE INTO alert_articles (alert_id, article_id) VALUES (?, ?)",
                           [(number, a) for a in article_ids])
            saved = db.execute("SELECT * FROM alerts WHERE id = ?", (number,)).fetchone()
        return _record(saved)

    def finish_alert(self, number: int, *, status: str, error: str | None = None, now: datetime | None = None) -> None:
        """After a send: `sent`; `failed` with the reason (retried by the next poll); or
        `unknown` (it may have been delivered: never sent again)."""
        sent = status == "sent"
        with self.transaction() as db:
            db.execute(
                "UPDATE alerts SET status = ?, attempts = attempts + 1, last_error = ?, sent_at = ? WHERE id = ?",
                (status, error, to_stamp(now or datetime.now(UTC)) if sent else None, number))

    def orphaned_alerts(self) -> list[AlertRecord]:
        """Alerts left `sending` by a run that stopped between send and record: now `unknown`."""
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM alerts WHERE status = 'sending'").fetchall()
            db.execute("UPDATE alerts SET status = 'unknown' WHERE status = 'sending'")
        return [_record(r) for r in rows]

    def rule_alerts(self, rule: str) -> list[AlertRecord]:
        """Every alert of a rule, oldest first."""
        with self._lock:
            rows = self.conn.execute("SELECT * FROM alerts WHERE rule = ? ORDER BY id", (rule,)).fetchall()
        return [_record(r) for r in rows]

    def alert_records(self) -> list[AlertRecord]:
        with self._lock:
            rows = self.conn.execute("SELECT * FROM alerts ORDER BY id").fetchall()
        return [_record(r) for r in rows]

    def alerts_since(self, rule: str, since: datetime) -> int:
        """How many distinct alerts (story and level) a rule made since `since`: its rate."""
        with self._lock:
            return int(self.conn.execute(
                "SELECT count(DISTINCT story_key || '/' || level) FROM alerts WHERE rule = ? AND created >= ?",
                (rule, to_stamp(since))).fetchone()[0])

    def alerted_rules(self, article_ids: Iterable[str]) -> dict[str, set[str]]:
        """For each of these articles that a sent alert was about, the names of the rules."""
        unique = list(dict.fromkeys(article_ids))
        found: dict[str, set[str]] = {}
        with self._lock:
            for first in range(0, len(unique), 500):
                chunk = unique[first : first + 500]
                for article, rule in self.conn.execute(
                    "SELECT DISTINCT aa.article_id, a.rule FROM alert_articles aa JOIN alerts a ON a.id = aa.alert_id"
                    f" WHERE a.status IN ('sent', 'unknown') AND aa.article_id IN ({','.join('?' * len(chunk))})", chunk
                ):
                    found.setdefault(article, set()).add(rule)
        return found


def _record(row) -> AlertRecord:  # type: ignore[no-untyped-def]
    return AlertRecord(
        id=int(row["id"]), rule=row["rule"], story_key=row["story_key"], level=int(row["level"]), channel=row["channel"],
        status=row["status"], reported_by=int(row["reported_by"]), headline=row["headline"],
        article_ids=tuple(json.loads(row["article_ids"])), attempts=int(row["attempts"]), last_error=row["last_error"],
        created=from_stamp(row["created"], UTC), sent_at=from_stamp(row["sent_at"], UTC),
    )
