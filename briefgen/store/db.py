"""The store's connection: opening, migrating, transactions, and how moments are stored.

A store is a SQLite file, or a schema of a PostgreSQL database (`postgresql://...`, see
`postgres.py`); the queries are the same, written once in SQLite's dialect."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, Self

from ..errors import StoreError
from . import postgres
from .migrations import MIGRATIONS, statements

log = logging.getLogger(__name__)

# How long opening the store waits for other processes, as every statement's busy timeout does.
BUSY_SECONDS = 30.0


class Database:
    """A connection to the store; safe to share between threads (one writer at a time)."""

    dialect = "sqlite"

    def __init__(self, path: Path | str, *, namespace: str = "default"):
        self._lock = threading.RLock()
        if postgres.is_url(path):
            self._open_postgres(str(path), namespace)
            return
        self.path = Path(path)
        self.where = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (see `transaction`), never implicit.
        self.conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self._use_wal()
        self.conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    def _use_wal(self) -> None:
        """Switch the store to write-ahead logging, waiting for others that hold it.

        SQLite answers "database is locked" at once, without its busy handler, to a
        connection that meets a new store while another process is converting it to WAL
        (two schedulers, or a scheduler and a manual run, starting on a new store); so
        this waits by itself, as long as any statement would."""
        give_up = time.monotonic() + BUSY_SECONDS
        pause = 0.005
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > give_up:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    def _open_postgres(self, url: str, namespace: str) -> None:
        """Connect to the namespace's schema, creating and migrating it under a lock."""
        self.dialect = "postgresql"
        self.url = url
        self.namespace = namespace
        self.schema = postgres.schema_name(namespace)
        # Where logs and messages say the store is: never the password.
        self.where = postgres.redact(url)
        self._write_key = postgres.lock_key("write", self.schema)
        try:
            self.conn = postgres.Connection(url, self.schema, f"briefgen {socket.gethostname()}:{os.getpid()}")  # type: ignore[assignment]
        except Exception as exc:
            raise StoreError(f"store {postgres.redact(url)}: cannot connect: {postgres.describe(exc, url)}") from None
        conn: postgres.Connection = self.conn  # type: ignore[assignment]
        # Two processes meeting a new database at once: one creates and migrates, the other waits.
        conn.run("SELECT pg_advisory_lock(%s)", (postgres.lock_key("migrate", self.schema),))
        try:
            conn.run(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            conn.run(f"SET search_path TO {self.schema}")
            conn.run("CREATE TABLE IF NOT EXISTS briefgen_schema (version INTEGER NOT NULL)")
            row = conn.run("SELECT version FROM briefgen_schema").fetchone()
            version = row[0] if row else 0
            if version == 0:
                log.info("store %s (%s): created", self.where, namespace)
                if row is None:
                    conn.run("INSERT INTO briefgen_schema (version) VALUES (0)")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                if version:
                    log.info("store %s (%s): migrating to version %d", self.where, namespace, number)
                conn.run("BEGIN")
                try:
                    for statement in postgres.ddl(script, number):
                        conn.run(statement)
                    conn.run("UPDATE briefgen_schema SET version = %s", (number,))
                except BaseException:
                    conn.run("ROLLBACK")
                    raise
                conn.run("COMMIT")
        finally:
            conn.run("SELECT pg_advisory_unlock(%s)", (postgres.lock_key("migrate", self.schema),))

    def schema_version(self) -> int:
        """How many migrations this store has had."""
        if self.dialect == "postgresql":
            return int(self.conn.execute("SELECT version FROM briefgen_schema").fetchone()[0])
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            # A new store: one line, not one per migration, on a new user's first run.
            log.info("store %s: created", self.path)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                # Read again under the write lock: two processes opening a new store at
                # once (two schedulers) would otherwise both run the same migration.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                if version:
                    log.info("store %s: migrating to version %d", self.path, number)
                for statement in statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: takes the write lock up front, so two writers never deadlock."""
        with self._lock:
            if self.dialect == "postgresql":
                # Writers of one namespace take turns, as BEGIN IMMEDIATE makes them in SQLite.
                self.conn.execute("BEGIN")
                self.conn.execute("SELECT pg_advisory_xact_lock(?)", (self._write_key,))
            else:
                self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                try:
                    self.conn.execute("ROLLBACK")
                except Exception:  # a lost connection has rolled back by itself
                    pass
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def to_stamp(moment: datetime | None) -> str | None:
    """UTC ISO 8601 to the second: one format, so stored dates compare as strings."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def from_stamp(text: str | None, tz: tzinfo) -> datetime | None:
    """A stored moment, read back in `tz`."""
    return datetime.fromisoformat(text).astimezone(tz) if text else None


# Values looked up per statement by `rows_in`: a fixed count (the last chunk padded with
# NULL, which matches nothing) keeps one statement text, prepared once.
CHUNK = 400


def rows_in(db: sqlite3.Connection, sql: str, values: Sequence[object], *before: object) -> list[tuple[Any, ...]]:
    """The rows of `sql`, whose one `IN ({})` is filled with `values` a chunk at a time
    (`before`: the values of the placeholders ahead of it)."""
    statement = sql.format(", ".join("?" * CHUNK))
    unique = list(dict.fromkeys(values))
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        rows.extend(tuple(r) for r in db.execute(statement, [*before, *chunk, *[None] * (CHUNK - len(chunk))]))
    return rows

