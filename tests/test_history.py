"""Earlier briefs read back from their JSON, and trends against them."""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from pathlib import Path

import pytest

from briefgen.history import (
    TREND_DAYS,
    brief_folders,
    earlier_briefs,
    read_record,
    trend,
    trend_days,
)
from briefgen.models import BriefRecord, ThemeCount

DAY = date(2024, 1, 17)


def brief_json(day: str, missiles: int, drills: int | None = 2) -> dict:
    """A JSON brief as the renderer writes it, cut down to what history reads."""
    themes = [{"key": "missiles", "label": "Missiles", "summary": [{"text": "a"}],
               "passages": [{"source_id": f"s{i % 2}"} for i in range(missiles)]}]
    if drills is not None:
        themes.append({"key": "drills", "label": "Drills", "summary": [],
                       "passages": [{"source_id": "s0"} for _ in range(drills)]})
    return {"schema_version": 1, "date": day, "title": "Brief",
            "sources": [{"id": "s0", "name": "A"}, {"id": "s1", "name": "B"}, {"id": "s2", "name": "B"}],
            "bottom_line": [{"text": f"Point of {day}."}], "themes": themes}


def put(out: Path, day: str, data: dict | str) -> Path:
    path = out / day / f"brief-{day}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def record(day: date, **passages: int) -> BriefRecord:
    return BriefRecord(day, "Brief", (), tuple(ThemeCount(k, k, 1, n, 1) for k, n in passages.items()), 1, 1)


def test_read_record_counts_passages_articles_and_sources(tmp_path: Path):
    got = read_record(put(tmp_path, "2024-01-16", brief_json("2024-01-16", 5)))
    assert got == BriefRecord(
        date(2024, 1, 16), "Brief", ("Point of 2024-01-16.",),
        (ThemeCount("missiles", "Missiles", 1, 5, 2), ThemeCount("drills", "Drills", 0, 2, 1)), 3, 2,
    )
    assert read_record(tmp_path / "nope.json") is None


def test_earlier_briefs_are_the_trend_span_before_the_day(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    first = trend_days(DAY)[0]
    assert len(trend_days(DAY)) == TREND_DAYS == 14 and trend_days(DAY)[-1] == DAY
    assert first == date(2024, 1, 4)
    for day in ("2024-01-03", "2024-01-04", "2024-01-10", "2024-01-16", "2024-01-17", "2024-01-18"):
        put(tmp_path, day, brief_json(day, 3))
    put(tmp_path, "2024-01-12", "{ not json")
    put(tmp_path, "2024-01-13", brief_json("2024-01-01", 3))  # a file copied under the wrong date
    (tmp_path / "2024-01-11").mkdir()  # an empty folder is no brief
    (tmp_path / "notes").mkdir()
    os.symlink("2024-01-16", tmp_path / "latest")
    with caplog.at_level(logging.WARNING, logger="briefgen.history"):
        found = earlier_briefs(tmp_path, DAY)
    assert [r.date.isoformat() for r in found] == ["2024-01-04", "2024-01-10", "2024-01-16"]
    assert any("2024-01-12" in r.getMessage() for r in caplog.records)
    assert [d.isoformat() for d, _ in brief_folders(tmp_path)][:2] == ["2024-01-03", "2024-01-04"]
    assert "latest" not in [f.name for _, f in brief_folders(tmp_path)]
    assert earlier_briefs(tmp_path / "missing", DAY) == []


@pytest.mark.parametrize(("today", "earlier", "direction", "text"), [
    (5, [], "none", "no earlier brief in 14 days to compare with"),
    (5, [0, 0], "new", "new: no passages in the 2 earlier briefs"),
    (0, [0], "steady", "quiet, as in the 1 earlier brief"),
    (10, [4, 6], "up", "up: 10 vs 5.0 a brief over 2 earlier briefs"),
    (2, [4, 6], "down", "down: 2 vs 5.0 a brief over 2 earlier briefs"),
    (5, [4, 6], "steady", "steady: 5 vs 5.0 a brief over 2 earlier briefs"),
    # Small numbers: one passage more is not a trend.
    (2, [1, 1, 2], "steady", "steady: 2 vs 1.3 a brief over 3 earlier briefs"),
])
def test_trend(today: int, earlier: list[int], direction: str, text: str):
    history = [record(date(2024, 1, 1 + i), missiles=n) for i, n in enumerate(earlier)]
    got = trend("missiles", today, history)
    assert (got.direction, got.text) == (direction, text)
    assert got.symbol == {"none": "", "new": "▲", "up": "▲", "down": "▼", "steady": "≈"}[direction]


def test_trend_ignores_briefs_that_did_not_have_the_theme():
    history = [record(date(2024, 1, 10), drills=4), record(date(2024, 1, 11), missiles=2, drills=4)]
    assert trend("missiles", 6, history).text == "up: 6 vs 2.0 a brief over 1 earlier brief"


def test_trends_come_from_the_store_when_the_json_is_gone(project: Path):
    """The 14-day trend reads the counts the store recorded, not only files on disk."""
    from briefgen.cli import main
    from briefgen.config import load_config
    from briefgen.store import Store, default_path

    out = project / "out"
    for day in ("2024-01-15", "2024-01-16"):
        assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", day, "--out", str(out), "--format", "json"]) == 0
    # A user prunes the old folders: the store still knows what those briefs said.
    for day in ("2024-01-15", "2024-01-16"):
        (out / day / f"brief-{day}.json").unlink()
    with Store(default_path(load_config(project / "sources.yaml"), out)) as store:
        found = earlier_briefs(out, DAY, store=store)
    assert [r.date.isoformat() for r in found] == ["2024-01-15", "2024-01-16"]
    missiles = found[0].theme("missiles")
    assert missiles is not None and missiles.passages > 0 and missiles.label == "Missiles"
    assert found[0].articles == 2 and found[0].bottom_line
