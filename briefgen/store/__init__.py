"""The store: one SQLite file that remembers articles, feed state, runs and sent mail.

Or, for a deployment of several briefs on several machines, a PostgreSQL database
(`store: postgresql://...` or BRIEFGEN_STORE), each brief in a schema of its own, with
the same queries and migrations (`postgres.py` translates them).

Created and migrated by the program: each entry of MIGRATIONS runs once, in order,
and PRAGMA user_version records how far a database has come. Each table's queries live
in the module named after what it holds (`articles`, `briefs`, `feeds`, `windows`,
`feedback`, `search`, `alerts`, `retention`); the run ledger and the outbox keep theirs in `briefgen.ledger` and
`briefgen.deliver.outbox`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import Config
from .alerts import AlertStore
from .articles import TRACKING_PARAM_RE, canonical_url, content_hash
from .briefs import BriefStore
from .feedback import FeedbackStore
from .feeds import FeedStore
from .migrations import MIGRATIONS
from .postgres import is_url
from .retention import Pruned, RetentionStore
from .search import SearchStore
from .windows import WindowStore

__all__ = ["MIGRATIONS", "Pruned", "TRACKING_PARAM_RE", "Store", "canonical_url", "content_hash", "default_path", "exists", "open_store"]

# The store for every command, over the config's `store:` (as a command-line flag would be).
STORE_ENV = "BRIEFGEN_STORE"


def default_path(config: Config, out_dir: Path | None = None) -> Path | str:
    """Where the store lives: BRIEFGEN_STORE, else `store:` from the config, else
    `<out>/.briefgen/briefgen.sqlite3`; a `postgresql://` URL as it is."""
    chosen = os.environ.get(STORE_ENV) or config.store_target
    if chosen and is_url(chosen):
        return chosen
    if chosen:
        return config.resolve(chosen.removeprefix("sqlite:///"))
    base = out_dir if out_dir is not None else config.resolve(config.output.dir)
    return base / ".briefgen" / "briefgen.sqlite3"


class Store(FeedStore, BriefStore, WindowStore, FeedbackStore, SearchStore, AlertStore, RetentionStore):
    """A connection to the store; safe to share between threads (one writer at a time)."""


def exists(target: Path | str) -> bool:
    """Whether a store is there to read: a SQLite file on disk; a PostgreSQL URL always is."""
    return is_url(target) or Path(target).is_file()


def open_store(config: Config, out_dir: Path | None = None) -> Store:
    """The store of a brief: on PostgreSQL, the brief's own namespace (its name)."""
    return Store(default_path(config, out_dir), namespace=config.brief_name)
