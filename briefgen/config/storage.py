"""Where the store is and how much of it is kept: `store:` as a mapping."""

from __future__ import annotations

from pydantic import Field

from .base import Model


class StoreConfig(Model):
    """`store:` as a mapping, for settings beyond where the store is."""

    path: str | None = Field(
        None,
        description="Where the store is, as `store:` given as a string: a SQLite file (path or sqlite:///path URL) "
        "or a postgresql:// URL; default <output.dir>/.briefgen/briefgen.sqlite3. BRIEFGEN_STORE overrides it.",
    )
    retention_days: int | None = Field(
        None,
        ge=1,
        description="Prune articles dated and first seen more than this many days before the brief date, with their "
        "search-index rows and passage spans, at the end of each successful `generate` or scheduled run; the briefs' "
        "own records (stories, numbers, points, windows, runs, alerts, feedback) are kept, and a cited article keeps "
        "its title, source and link. Unset (the default): keep every article.",
    )
