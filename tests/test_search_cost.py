"""The archive's per-entity reads cost what the entity's matches cost, not what the store holds.

Counted in SQLite's own virtual-machine steps (a progress handler), not in seconds: the
same answer from a store ten times larger must take about as many steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from briefgen.models import Article
from briefgen.store import Store

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def _store(path: Path, unrelated: int) -> Store:
    naming = [Article(id=f"lav{n}", source="Wire", title=f"Lavrov in Pyongyang, day {n}",
                      text=f"Sergei Lavrov met Choe Son-hui on day {n} of the visit.", url=f"https://example.org/l{n}",
                      published=NOW - timedelta(days=n), first_seen=NOW, guid=f"l{n}", origin="Wire") for n in range(5)]
    others = [Article(id=f"oth{n}", source="Wire", title=f"Market report {n}",
                      text=f"The Bank of Korea kept its policy rate at 3.5 percent, report {n} said.",
                      url=f"https://example.org/o{n}", published=NOW - timedelta(days=n % 300), first_seen=NOW,
                      guid=f"o{n}", origin="Wire") for n in range(unrelated)]
    store = Store(path)
    store.save_articles(naming + others, NOW)
    return store


def _steps(store: Store) -> tuple[list, int]:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.conn.set_progress_handler(count, 100)
    try:
        found = store.mentions_by_day(("Sergei Lavrov", "Lavrov"), ZoneInfo("UTC"))
    finally:
        store.conn.set_progress_handler(None, 0)
    return found, steps


def test_an_entitys_mentions_by_day_do_not_walk_the_whole_archive(tmp_path: Path):
    with _store(tmp_path / "small.sqlite3", 200) as small, _store(tmp_path / "large.sqlite3", 2000) as large:
        found_small, cost_small = _steps(small)
        found_large, cost_large = _steps(large)
    assert found_small == found_large and len(found_small) == 5
    # The same five matches: a store ten times larger must not make ten times the work.
    assert cost_large <= 2 * max(cost_small, 1), (cost_small, cost_large)
