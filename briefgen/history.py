"""Earlier briefs and trends against them.

The store records each brief's counts when it is written; briefs older than that record
are read back from `<out>/<date>/brief-<date>.json`, the documented contract every run writes.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import BriefRecord, ThemeCount

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

# How far back trends and the trend chart look, in days before the brief date.
TREND_DAYS = 14

_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def brief_folders(out_dir: Path) -> list[tuple[date, Path]]:
    """Every `<out>/<YYYY-MM-DD>/` holding at least one `brief-<date>.*` file, oldest first."""
    found = []
    try:
        children = list(out_dir.iterdir())
    except OSError:
        return []
    for child in children:
        # `latest` may be a symlink to a dated folder: the dated name alone counts.
        if not _DAY_RE.match(child.name) or child.is_symlink() or not child.is_dir():
            continue
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if any(child.glob(f"brief-{child.name}.*")):
            found.append((day, child))
    return sorted(found)


def read_record(path: Path) -> BriefRecord | None:
    """The record of one JSON brief; None (and a warning) when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _record(data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        # One damaged file must not stop today's brief: it only drops out of trends.
        log.warning("ignoring earlier brief %s: %s", path, exc)
        return None


def _record(data: dict[str, Any]) -> BriefRecord:
    themes = []
    for theme in data["themes"]:
        passages = theme.get("passages", [])
        themes.append(
            ThemeCount(
                key=str(theme["key"]),
                label=str(theme.get("label", theme["key"])),
                points=len(theme.get("summary", [])),
                passages=len(passages),
                articles=len({p.get("source_id") for p in passages}),
            )
        )
    sources = data.get("sources", [])
    return BriefRecord(
        date=date.fromisoformat(data["date"]),
        title=str(data.get("title", "")),
        bottom_line=tuple(str(p["text"]) for p in data.get("bottom_line", [])),
        themes=tuple(themes),
        articles=len(sources),
        sources=len({s.get("name") for s in sources}),
    )


def trend_days(day: date, days: int = TREND_DAYS) -> list[date]:
    """The `days` dates a trend covers, oldest first, ending with `day` itself."""
    return [day - timedelta(days=n) for n in range(days - 1, -1, -1)]


def earlier_briefs(out_dir: Path, day: date, days: int = TREND_DAYS, store: Store | None = None) -> list[BriefRecord]:
    """Records of the briefs before `day` within its `days`-day trend span, oldest first:
    from the store, and from the JSON of briefs written before the store recorded counts."""
    first = trend_days(day, days)[0]
    records = {r.date: r for r in store.brief_records(first, day)} if store is not None else {}
    for folder_day, folder in brief_folders(out_dir):
        if first <= folder_day < day and folder_day not in records:
            record = read_record(folder / f"brief-{folder_day.isoformat()}.json")
            if record is not None and record.date == folder_day:
                records[folder_day] = record
    return [records[d] for d in sorted(records)]


@dataclass(frozen=True)
class Trend:
    """A theme today against its earlier briefs: a direction and the same in words."""

    direction: str  # "up", "down", "steady", "new" or "none" (nothing to compare with)
    symbol: str
    text: str
    baseline: float | None = None


def trend(key: str, passages: int, history: list[BriefRecord]) -> Trend:
    """Today's passages for a theme against the mean of the earlier briefs that had the theme."""
    earlier = [c.passages for r in history if (c := r.theme(key)) is not None]
    if not earlier:
        return Trend("none", "", f"no earlier brief in {TREND_DAYS} days to compare with")
    mean = sum(earlier) / len(earlier)
    briefs = f"{len(earlier)} earlier brief{'s' if len(earlier) != 1 else ''}"
    if mean == 0:
        if passages == 0:
            return Trend("steady", "≈", f"quiet, as in the {briefs}", mean)
        return Trend("new", "▲", f"new: no passages in the {briefs}", mean)
    versus = f"{passages} vs {mean:.1f} a brief over {briefs}"
    # Small counts move by chance: a change must be both relative and at least one passage.
    if passages >= mean * 1.25 and passages - mean >= 1:
        return Trend("up", "▲", f"up: {versus}", mean)
    if passages <= mean * 0.8 and mean - passages >= 1:
        return Trend("down", "▼", f"down: {versus}", mean)
    return Trend("steady", "≈", f"steady: {versus}", mean)
