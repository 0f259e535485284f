"""The run ledger: one row per brief date in the store, and a lock per date.

The lock is an OS file lock (`flock`) on `<store folder>/locks/<date>.lock`: the kernel
drops it when its holder exits, however it exits, so a crashed run never blocks the next
one. On PostgreSQL it is a session advisory lock on the brief's namespace and date, held
on a connection of its own: the server drops it when that connection ends, however its
process died, and it holds across machines. The ledger row says what the last run of a date did (running, done, failed,
interrupted); a row left `running` by a process that died is noticed and run again.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .errors import LockedError
from .models import Run
from .redact import scrub
from .store import Store

log = logging.getLogger(__name__)

POLL = 0.2  # seconds between attempts while waiting for a lock


def owner() -> str:
    """Who is running: host and process id, as shown to whoever finds the lock taken."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lock_path(db: Store, day: date) -> Path:
    return db.path.parent / "locks" / f"{day.isoformat()}.lock"


@dataclass(frozen=True)
class Held:
    """The lock of a date, taken: the ledger's last record of the date, and whether another
    run had the lock first (and this one waited for it)."""

    last: Run | None
    waited: bool


@contextmanager
def date_lock(db: Store, day: date, wait: float = 0.0) -> Iterator[Held]:
    """Hold the lock for `day`, waiting up to `wait` seconds for it."""
    if db.dialect == "postgresql":
        with _advisory_lock(db, day, wait) as held:
            yield held
        return
    path = lock_path(db, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        give_up = time.monotonic() + wait
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                if not waiting and wait:
                    # Said once: a run that seems to hang is waiting for another.
                    log.info("the brief for %s is being made by %s; waiting up to %g s for it", day, holder, wait)
                    waiting = True
                if time.monotonic() >= give_up:
                    hint = f"waited {wait:g} s; try again later" if wait else "try again later, or pass --wait SECONDS"
                    raise LockedError(f"the brief for {day} is being made by {holder}; {hint}") from None
                time.sleep(POLL)
        # The holder's name is for the error message above, nothing relies on it.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{owner()} since {_now()}\n".encode(), 0)
        yield Held(get(db, day), waiting)
    finally:
        # Closing the descriptor releases the lock.
        os.close(fd)


@contextmanager
def _advisory_lock(db: Store, day: date, wait: float) -> Iterator[Held]:
    from .store import postgres

    key = postgres.lock_key("date", db.schema, day.isoformat())
    conn = postgres.Connection(db.url, db.schema, f"briefgen {owner()} {day}")
    try:
        give_up = time.monotonic() + wait
        waiting = False
        while not conn.run("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:  # type: ignore[index]
            row = conn.run(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted"
                " AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 1",
                ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
            ).fetchone()
            holder = (row[0] or "").removeprefix("briefgen ").rsplit(" ", 1)[0] if row else "another process"
            if not waiting and wait:
                log.info("the brief for %s is being made by %s; waiting up to %g s for it", day, holder, wait)
                waiting = True
            if time.monotonic() >= give_up:
                hint = f"waited {wait:g} s; try again later" if wait else "try again later, or pass --wait SECONDS"
                raise LockedError(f"the brief for {day} is being made by {holder}; {hint}")
            time.sleep(POLL)
        yield Held(get(db, day), waiting)
    finally:
        # Closing the connection releases the lock.
        conn.close()


@contextmanager
def recording(db: Store, day: date) -> Iterator[list[Path]]:
    """Record a run of `day`: `running` now, then `done` with the files put in the yielded list.

    Call it while holding `date_lock`. An exception marks the run `failed` (or
    `interrupted` for Ctrl-C and SIGTERM) with the reason, and goes on up."""
    files: list[Path] = []
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO runs (brief_date, status, files, started, finished, error, owner)"
            " VALUES (?, 'running', NULL, ?, NULL, NULL, ?)"
            " ON CONFLICT (brief_date) DO UPDATE SET status = 'running', files = NULL,"
            " started = excluded.started, finished = NULL, error = NULL, owner = excluded.owner",
            (day.isoformat(), _now(), owner()),
        )
    try:
        yield files
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        _finish(db, day, status, files, str(exc) or type(exc).__name__)
        raise
    _finish(db, day, "done", files, None)


def mark_failed(db: Store, day: date, error: str, status: str = "failed") -> bool:
    """Mark a run that was killed outright as failed (or `interrupted`, when it was stopped on
    purpose), unless another run of the date is live or the run said how it ended itself."""
    try:
        with date_lock(db, day) as held:
            if held.last is not None and held.last.status == "running":
                _finish(db, day, status, [], error)
                return True
    except LockedError:
        pass
    return False


def get(db: Store, day: date) -> Run | None:
    row = db.conn.execute("SELECT * FROM runs WHERE brief_date = ?", (day.isoformat(),)).fetchone()
    return _run(row) if row else None


def runs(db: Store, days: Iterable[date] | None = None) -> list[Run]:
    """The ledger, oldest date first (only `days` when given)."""
    rows = db.conn.execute("SELECT * FROM runs ORDER BY brief_date").fetchall()
    wanted = None if days is None else {d.isoformat() for d in days}
    return [_run(r) for r in rows if wanted is None or r["brief_date"] in wanted]


def _finish(db: Store, day: date, status: str, files: list[Path], error: str | None) -> None:
    with db.transaction() as conn:
        conn.execute(
            "UPDATE runs SET status = ?, files = ?, finished = ?, error = ? WHERE brief_date = ?",
            (status, json.dumps([str(f) for f in files]), _now(), scrub(error) if error else error, day.isoformat()),
        )


def _run(row: sqlite3.Row) -> Run:
    return Run(
        date=date.fromisoformat(row["brief_date"]),
        status=row["status"],
        files=tuple(json.loads(row["files"] or "[]")),
        started=_moment(row["started"]),
        finished=_moment(row["finished"]),
        error=row["error"],
        owner=row["owner"],
    )


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
