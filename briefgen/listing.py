"""`briefgen list`: the briefs in the output folder, with their counts and whether they went out.

Counts come from each brief's JSON (`<out>/<date>/brief-<date>.json`, as the archive reads
them); "emailed" comes from the outbox in the store. The store is only read, never
created: an output folder without one has emailed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .config import Config
from .deliver.archive import entries
from .models import ThemeCount


@dataclass(frozen=True)
class Listed:
    """One brief on disk."""

    date: date
    folder: Path
    formats: tuple[str, ...]
    articles: int | None  # None when its JSON is missing or damaged
    themes: tuple[ThemeCount, ...]
    sent: int  # recipients the outbox has as sent
    recipients: int  # recipients in the outbox for this date

    @property
    def emailed(self) -> str:
        """"yes" (every recipient), "partial", or "no"."""
        if self.recipients and self.sent == self.recipients:
            return "yes"
        return "partial" if self.sent else "no"

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "folder": str(self.folder),
            "formats": list(self.formats),
            "articles": self.articles,
            "themes": [{"key": t.key, "label": t.label, "points": t.points, "passages": t.passages,
                        "articles": t.articles} for t in self.themes],
            "emailed": self.emailed,
            "sent": self.sent,
            "recipients": self.recipients,
        }


def list_briefs(config: Config, out_dir: Path | None = None) -> list[Listed]:
    """Every brief in the output folder, newest first."""
    from .store import default_path

    out = out_dir if out_dir is not None else config.resolve(config.output.dir)
    found = entries(out)
    # The configured store's outbox says who was emailed, whatever folder is listed (docs/email.md).
    target = default_path(config)
    outbox = _outbox(target) if isinstance(target, Path) else _shared_outbox(config)
    listed = []
    for entry in found:
        sent, total = outbox.get(entry.date.isoformat(), (0, 0))
        record = entry.record
        listed.append(Listed(
            date=entry.date,
            folder=out / entry.folder,
            formats=tuple(entry.files),
            articles=record.articles if record is not None else None,
            themes=record.themes if record is not None else (),
            sent=sent,
            recipients=total,
        ))
    return listed


def _outbox(path: Path) -> dict[str, tuple[int, int]]:
    """Per brief date: recipients sent, recipients in all. Read-only: a missing store stays missing."""
    import sqlite3

    if not path.is_file():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute(
                "SELECT brief_date, SUM(status = 'sent'), COUNT(*) FROM outbox GROUP BY brief_date"
            ).fetchall()
    except sqlite3.Error:
        # A store from before the outbox existed (or none at all) has sent nothing.
        return {}
    return {day: (int(sent), int(total)) for day, sent, total in rows}


def _shared_outbox(config: Config) -> dict[str, tuple[int, int]]:
    """Per brief date: recipients sent, recipients in all, from a shared (PostgreSQL) store."""
    from .store import open_store

    with open_store(config) as db:
        rows = db.conn.execute("SELECT brief_date, status FROM outbox").fetchall()
    counts: dict[str, tuple[int, int]] = {}
    for day, status in rows:
        sent, total = counts.get(day, (0, 0))
        counts[day] = (sent + (status == "sent"), total + 1)
    return counts


def table(listed: list[Listed], theme_order: list[str]) -> list[str]:
    """A plain table: date, articles, passages per theme (config order first), emailed."""
    keys = list(theme_order)
    for item in listed:
        keys += [t.key for t in item.themes if t.key not in keys]
    head = ["date", "articles", *keys, "emailed"]
    rows = [head]
    for item in listed:
        counts = {t.key: str(t.passages) for t in item.themes}
        articles = "?" if item.articles is None else str(item.articles)
        emailed = item.emailed if item.emailed != "partial" else f"partial ({item.sent}/{item.recipients})"
        rows.append([item.date.isoformat(), articles, *(counts.get(k, "-") for k in keys), emailed])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    # Dates and the emailed column read left-aligned, counts right-aligned.
    return ["  ".join(c.ljust(w) if i in (0, len(head) - 1) else c.rjust(w)
                      for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip() for r in rows]
