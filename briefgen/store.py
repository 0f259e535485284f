"""The store: one SQLite file that remembers articles, feed state, runs and sent mail.

Created and migrated by the program: each entry of MIGRATIONS runs once, in order,
and PRAGMA user_version records how far a database has come.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import Config

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
            with self.transaction():
                # Read again under the write lock: two processes opening a new store at
                # once (two schedulers) would otherwise both run the same migration.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                log.info("store %s: migrating to version %d", self.path, number)
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
