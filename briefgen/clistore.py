"""Command line of the store's upkeep: `prune` (what `store.retention_days` does after each
brief, on demand, with `--vacuum` to give the space back). Kept apart from cli.py."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from .cliargs import _count, _date
from .config import Config
from .errors import ExitStatus


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    prune = sub.add_parser("prune", parents=[common], help="remove stored articles older than the retention",
                           description="Remove the stored articles dated and first seen more than DAYS days before "
                                       "DATE (default: store.retention_days before today), with their search-index "
                                       "rows and passage spans; the briefs' own records are kept, and a cited "
                                       "article keeps its title, source and link (docs/configuration.md#store).")
    prune.add_argument("--days", type=_count, help="days of articles to keep (default: store.retention_days)")
    prune.add_argument("--date", type=_date, help="the date the days count back from (default: today)")
    prune.add_argument("--vacuum", action="store_true",
                       help="then give the freed space back to the system (SQLite VACUUM; no brief may run meanwhile)")
    prune.add_argument("--out", type=Path, help="output folder whose store to prune (default: output.dir of the config)")
    prune.set_defaults(run=cmd_prune)


def cmd_prune(args: argparse.Namespace, config: Config) -> int:
    from . import retention
    from .errors import UsageError
    from .store import open_store

    days = args.days if args.days is not None else config.retention_days
    if days is None:
        raise UsageError("prune: give --days N, or set store.retention_days in the config")
    now = datetime.now(config.tz).replace(microsecond=0)
    with open_store(config, args.out) as store:
        before = store.size_bytes()
        pruned = retention.prune(config, store, args.date or now.date(), now=now, days=days)
        assert pruned is not None
        if args.vacuum:
            store.vacuum()
        after = store.size_bytes()
    size = f"; store {before / 1e6:,.1f} MB -> {after / 1e6:,.1f} MB" if before is not None and after is not None else ""
    print(f"pruned {pruned.articles} articles ({pruned.cited} kept as citations, {pruned.spans} passage spans){size}")
    return ExitStatus.OK
