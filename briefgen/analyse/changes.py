"""What changed since the previous brief: per theme, new and continuing points, and themes gone quiet.

The previous brief is the newest brief dated before this one that the store recorded
(its summary points are kept when it is written), or the newest
`<out>/<date>/brief-<date>.json` when that is newer (briefs written before the store kept
points). A point continues when the previous brief said the same thing (same words, or
TF-IDF similarity at or above CONTINUES), in any theme."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..history import brief_folders
from ..models import (
    Changes,
    PreviousBrief,
    QuietTheme,
    Story,
    StoryRecord,
    ThemeChange,
    ThemeSection,
)

if TYPE_CHECKING:
    from ..store import Store

log = logging.getLogger(__name__)

# As similar as two points a summary would not both carry: the same point, re-worded or re-published.
CONTINUES = 0.5


def previous_brief(out_dir: Path, day: date, store: Store | None = None) -> PreviousBrief | None:
    """What the newest earlier brief said: from the store, else from the newest readable
    brief JSON in `out_dir` dated before `day` (briefs from before the store kept points)."""
    recorded = store.previous_brief(day) if store is not None else None
    from_files = _previous_from_files(out_dir, day, after=recorded.date if recorded else None)
    return from_files or recorded


def _previous_from_files(out_dir: Path, day: date, after: date | None) -> PreviousBrief | None:
    earlier = [folder for folder_day, folder in brief_folders(out_dir) if folder_day < day and (after is None or folder_day > after)]
    for folder in reversed(earlier):
        path = folder / f"brief-{folder.name}.json"
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return PreviousBrief(
                date.fromisoformat(folder.name),
                {t["key"]: t["label"] for t in data["themes"]},
                {t["key"]: [p["text"] for p in t["summary"]] for t in data["themes"]},
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A damaged old brief must not stop today's: compare with the one before it.
            log.warning("previous brief %s unreadable, skipped: %s", path, exc)
    return None


def compare(
    sections: Sequence[ThemeSection],
    previous: PreviousBrief | None,
    stories: Sequence[Story] = (),
    earlier: Sequence[StoryRecord] = (),
) -> Changes:
    """Today's stories and summaries against the previous brief's."""
    if previous is None:
        return Changes(None)
    said = [text for texts in previous.points.values() for text in texts]
    today = [p.text for s in sections for p in s.summary]
    sims = _similarity(today, said)
    changes = Changes(previous.date)
    row = 0
    for section in sections:
        new, continuing = [], []
        for point in section.summary:
            (continuing if sims.shape[1] and sims[row].max() >= CONTINUES else new).append(point)
            row += 1
        before = previous.points.get(section.key, [])
        kept = _similarity(before, [p.text for p in section.summary])
        dropped = sum(1 for i in range(len(before)) if not (kept.shape[1] and kept[i].max() >= CONTINUES))
        changes.themes.append(ThemeChange(section.key, section.label, tuple(new), tuple(continuing), dropped))
        if not section.summary and before:
            changes.quiet.append(QuietTheme(section.key, section.label, len(before)))
    current = {s.key for s in sections}
    for key, texts in previous.points.items():
        if key not in current and texts:
            changes.quiet.append(QuietTheme(key, previous.labels.get(key, key), len(texts)))
    _stories(changes, stories, [r for r in earlier if r.date == previous.date])
    return changes


def _stories(changes: Changes, stories: Sequence[Story], before: Sequence[StoryRecord]) -> None:
    """Story level: today's stories new, updated or unchanged; the previous brief's gone quiet."""
    for story in stories:
        if story.continues is None:
            changes.new_stories.append(story.id)
        elif story.continues.updated:
            changes.updated_stories.append(story.id)
        else:
            changes.unchanged_stories.append(story.id)
    continued = {s.continues.story for s in stories if s.continues is not None}
    changes.quiet_stories.extend(r for r in before if r.id not in continued)


def _similarity(rows: list[str], columns: list[str]):  # type: ignore[no-untyped-def]
    """Cosine similarity of each row text to each column text; 1.0 for the same words."""
    import numpy as np

    out = np.zeros((len(rows), len(columns)))
    if not rows or not columns:
        return out
    from .similar import print_codes
    from .tfidf import fit_transform

    try:
        matrix, _ = fit_transform(rows + columns)
        out = (matrix[: len(rows)] @ matrix[len(rows) :].T).toarray()
    except ValueError:  # nothing but stop words
        pass
    row_codes, column_codes = print_codes(rows, columns)
    return np.where(row_codes[:, None] == column_codes[None, :], 1.0, out)
