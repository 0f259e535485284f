"""The outbox: one row per (brief date, recipient) in the store, so nothing is sent twice.

Statuses: `pending` (never tried), `sending` (the message data is on its way: a row
still `sending` when the next send starts was cut off mid-way), `sent`, `failed` (the
server or the network said no before taking the message: safe to try again), `refused`
(the server refused the recipient), `ambiguous` (the connection failed after the data
was sent: it may have been delivered, so only `send --force` sends it again).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from ..models import Delivery
from ..redact import scrub
from ..store import Store

UNSENT = ("pending", "failed", "refused")


def entries(db: Store, day: date, recipients: Sequence[str], make_id: Callable[[str], str]) -> list[Delivery]:
    """The rows of `day` for `recipients`, in their order; a missing row is made with a new Message-ID."""
    with db.transaction() as conn:
        for recipient in recipients:
            conn.execute(
                "INSERT OR IGNORE INTO outbox (brief_date, recipient, message_id, status)"
                " VALUES (?, ?, ?, 'pending')",
                (day.isoformat(), recipient, make_id(recipient)),
            )
        # A row left `sending` belongs to a send that died after starting the data.
        conn.execute(
            "UPDATE outbox SET status = 'ambiguous', last_error = ? WHERE brief_date = ? AND status = 'sending'",
            ("cut off while the message data was being sent; it may have been delivered", day.isoformat()),
        )
    found = {d.recipient: d for d in peek(db, day)}
    return [found[r] for r in recipients]


def adopt(db: Store, other: Store, day: date) -> None:
    """Take into `db` what `other`'s outbox knows of `day`: a store that was used for email
    before the configured one always was (a run with --out, by an older version) may hold
    the only record that someone has the brief, or may have it."""
    rows = [d for d in peek(other, day) if d.status not in UNSENT]
    if not rows:
        return
    with db.transaction() as conn:
        for d in rows:
            status = "ambiguous" if d.status == "sending" else d.status
            conn.execute(
                "INSERT INTO outbox (brief_date, recipient, message_id, status, attempts, last_error, sent_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (brief_date, recipient) DO UPDATE SET"
                " status = excluded.status, message_id = excluded.message_id, attempts = excluded.attempts,"
                " last_error = excluded.last_error, sent_at = excluded.sent_at"
                " WHERE outbox.status IN ('pending', 'failed', 'refused')",
                (day.isoformat(), d.recipient, d.message_id, status, d.attempts, d.error,
                 d.sent_at.isoformat() if d.sent_at else None),
            )


def peek(db: Store, day: date) -> list[Delivery]:
    """Every row of `day`, without creating any."""
    rows = db.conn.execute("SELECT * FROM outbox WHERE brief_date = ? ORDER BY rowid", (day.isoformat(),))
    return [_delivery(r) for r in rows.fetchall()]


def save(db: Store, delivery: Delivery) -> None:
    """Write a row's status, attempts, error and sending time."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET status = ?, attempts = ?, last_error = ?, sent_at = ?"
            " WHERE brief_date = ? AND recipient = ?",
            (
                delivery.status,
                delivery.attempts,
                scrub(delivery.error) if delivery.error else None,
                delivery.sent_at.isoformat() if delivery.sent_at else None,
                delivery.date.isoformat(),
                delivery.recipient,
            ),
        )


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        date=date.fromisoformat(row["brief_date"]),
        recipient=row["recipient"],
        message_id=row["message_id"],
        status=row["status"],
        attempts=row["attempts"],
        error=row["last_error"],
        sent_at=datetime.fromisoformat(row["sent_at"]) if row["sent_at"] else None,
    )
