"""The store: one SQLite file that remembers articles, feed state, runs and sent mail.

Created and migrated by the program: each entry of MIGRATIONS runs once, in order,
and PRAGMA user_version records how far a database has come. Each table's queries live
in the module named after what it holds (`articles`, `briefs`, `feeds`, `windows`,
`feedback`, `search`, `alerts`); the run ledger and the outbox keep theirs in `briefgen.ledger` and
`briefgen.deliver.outbox`.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from .alerts import AlertStore
from .articles import TRACKING_PARAM_RE, canonical_url, content_hash
from .briefs import BriefStore
from .feedback import FeedbackStore
from .feeds import FeedStore
from .migrations import MIGRATIONS
from .search import SearchStore
from .windows import WindowStore

__all__ = ["MIGRATIONS", "TRACKING_PARAM_RE", "Store", "canonical_url", "content_hash", "default_path"]


def default_path(config: Config, out_dir: Path | None = None) -> Path:
    """Where the store lives: `store:` from the config, else `<out>/.briefgen/briefgen.sqlite3`."""
    if config.store:
        target = config.store.removeprefix("sqlite:///") if config.store.startswith("sqlite:///") else config.store
        return config.resolve(target)
    base = out_dir if out_dir is not None else config.resolve(config.output.dir)
    return base / ".briefgen" / "briefgen.sqlite3"


class Store(FeedStore, BriefStore, WindowStore, FeedbackStore, SearchStore, AlertStore):
    """A connection to the store; safe to share between threads (one writer at a time)."""
