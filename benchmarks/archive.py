"""A year of archive: the cold `briefgen generate` of day 366 on a store holding 365 earlier
daily briefs, against the same day's `generate` on an empty store (issue #18: <= 1.2x).

The history is built directly in the store (`benchmarks.search.build`: each day's items
stored as `generate` stores them, and the brief's records: its article list, numbers,
points and 20 stories), not by running 365 briefs. Day 366's items come from loopback
feeds (`benchmarks.serve`), the same on both sides; each run starts from a fresh copy of
the history store, on disk before the clock starts (`fresh_copy`). `python -m benchmarks --only archive`, or alone with smaller sizes:
`python -m benchmarks.archive --days 30 --per-day 500 --runs 1`; `--profile` prints where
day 366's time goes on the history store instead (cProfile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import yaml

from .__main__ import cold
from .corpus import END, by_feed, generate, rss
from .serve import FeedSites

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DAY = END.date()
STORE = Path(".briefgen") / "briefgen.sqlite3"
# Stories a brief records per 100 items: what `generate` records for this corpus (206 stories
# of 500 items, 41%), so that continuity compares today's stories with as many earlier ones.
STORY_SHARE = 40


def config(urls: list[str], path: Path, window: str = "24h") -> Path:
    """The repository's themes and entities over these feeds; a window (24 hours: exactly the
    day's items) ending with the corpus (END), in UTC, the same on both sides."""
    base = yaml.safe_load((ROOT / "sources.yaml").read_text(encoding="utf-8"))
    base["sources"] = [{"name": f"Feed {n}", "url": url} for n, url in enumerate(urls)]
    base["feeds"] = {"concurrency": 100}
    base["timezone"] = "UTC"
    base["brief"] = {**(base.get("brief") or {}), "window": window, "cutoff": END.strftime("%H:%M")}
    base.pop("schedule", None)
    path.write_text(yaml.safe_dump(base, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def history(path: Path, days: int, per_day: int, feeds: int) -> float:
    """Build the store of `days` earlier briefs; seconds it took."""
    from .search import build

    began = time.perf_counter()
    # The history ends before day 366's window starts (its last brief is dated the day before): none of it is the day's news.
    build(path, days, per_day, feeds, end=END - timedelta(days=2), stories=per_day * STORY_SHARE // 100)
    return time.perf_counter() - began


def generate_cmd(config_file: Path, out: Path, formats: str) -> list[str]:
    return [PYTHON, "-m", "briefgen", "generate", "-q", "--config", str(config_file), "--date", DAY.isoformat(),
            "--format", formats, "--out", str(out)]


def size_mb(store: Path) -> float:
    return sum(p.stat().st_size for p in store.parent.glob(store.name + "*")) / 1e6


def counts(store: Path) -> dict[str, int]:
    with sqlite3.connect(store) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "briefs", "brief_articles", "brief_stories", "search_docs")}


def fresh_copy(store: Path, to: Path) -> None:
    """A copy of the history, on disk before the clock starts. Copied and timed at once, the
    run shared the machine with the kernel writing the copy out (2.3 GB of it still dirty in
    /proc/meminfo during a run), and SQLite's fsyncs of the store could wait for it: 26.9 s and
    27.4 s on 28 Nov 2026, against 16.7 s and 17.1 s with the copy on disk first. A store that
    grew day by day carries no such debt."""
    shutil.copy(store, to)
    with open(to, "rb") as copy:
        os.fsync(copy.fileno())


def measure(runs: int, work: Path, days: int, per_day: int, feeds: int, formats: str = "html,json",
            kept: Path | None = None) -> dict[str, object]:
    """Ours (day 366 on the history) and the baseline (day 366 on an empty store), taken in turn.
    `kept`: a history store to use, built there first when it is not (ten minutes at full size)."""
    built_store = kept or work / "history" / STORE
    built_store.parent.mkdir(parents=True, exist_ok=True)
    built = history(built_store, days, per_day, feeds) if not built_store.is_file() else 0.0
    print(f"  history: {days} briefs of {per_day:,} items built in {built:.0f} s, "
          f"{size_mb(built_store):,.0f} MB on disk", flush=True)
    docs = [rss(group, f"Feed {n}") for n, group in enumerate(by_feed(generate(per_day, feeds, days=1, seed=5), feeds))]
    ours: list[float] = []
    base: list[float] = []
    with FeedSites(docs, latency=0.0) as sites:
        config_file = config(sites.urls, work / "archive.yaml")
        for n in range(runs):
            empty = work / f"empty-{n}"
            shutil.rmtree(empty, ignore_errors=True)
            base.append(cold(generate_cmd(config_file, empty, formats), ROOT))
            full = work / f"full-{n}"
            shutil.rmtree(full, ignore_errors=True)
            (full / STORE).parent.mkdir(parents=True)
            fresh_copy(built_store, full / STORE)
            ours.append(cold(generate_cmd(config_file, full, formats), ROOT))
            print(f"  archive run {n + 1}: day {days + 1} on the history {ours[-1]:.2f} s, "
                  f"on an empty store {base[-1]:.2f} s", flush=True)
        after = counts(full / STORE)
    return {"ours": ours, "base": base, "history_mb": round(size_mb(built_store), 1), "build_s": round(built, 1),
            "after_day_366": after, "empty_store_mb": round(size_mb(work / "empty-0" / STORE), 1),
            "ratio": round(statistics.median(ours) / statistics.median(base), 3)}


def profile(work: Path, days: int, per_day: int, feeds: int, formats: str = "html,json",
            kept: Path | None = None) -> None:
    """Day 366 on the history store under cProfile: the functions with the most cumulative time.
    `kept`: a history store to profile on (a copy of it), built there first when it is not."""
    built_store = kept or work / "history" / STORE
    built_store.parent.mkdir(parents=True, exist_ok=True)
    if not built_store.is_file():
        history(built_store, days, per_day, feeds)
    docs = [rss(group, f"Feed {n}") for n, group in enumerate(by_feed(generate(per_day, feeds, days=1, seed=5), feeds))]
    with FeedSites(docs, latency=0.0) as sites:
        config_file = config(sites.urls, work / "archive.yaml")
        for name, store in (("empty", None), ("history", built_store)):
            out = work / f"profile-{name}"
            if store is not None:
                (out / STORE).parent.mkdir(parents=True)
                fresh_copy(store, out / STORE)
            stats = work / f"{name}.prof"
            cold([PYTHON, "-m", "cProfile", "-o", str(stats), *generate_cmd(config_file, out, formats)[1:]], ROOT)
            import pstats

            print(f"--- day {days + 1} on the {name} store")
            pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(40)
            # The store's and the pipeline's own part, whatever its rank.
            pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(r"briefgen/(store|pipeline|window|history|ledger|deliver|retention)", 30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.archive", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile's summary of day 366 instead")
    parser.add_argument("--history", type=Path, help="a history store to keep between runs (built there when missing)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-archive-") as tmp:
        if args.profile:
            profile(Path(tmp), args.days, args.per_day, args.feeds, kept=args.history)
            return 0
        result = measure(args.runs, Path(tmp), args.days, args.per_day, args.feeds, kept=args.history)
    print(result)
    return 0 if float(result["ratio"]) <= 1.2 else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
