"""Whether a brief has news and, when it has none, why: a quiet day, or sources that failed.

A brief with no article is a failure only when nothing could have given one: no source
was read, and at least one failed or is missing. Then `generate` exits with
NO_ARTICLES and the brief is not emailed (unless `email.send_empty`). When a source was
read and had nothing in the window, the day was quiet: the brief ships, and says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from .config import Config
from .models import COVERAGE_FAILED, COVERAGE_OK, COVERAGE_QUIET, Article, Coverage, SourceHealth, SourceNote, Window

# Sources named in a notice before the rest are counted ("and 12 more"): source health lists them all.
NAMED = 5


def coverage(
    config: Config,
    articles: Sequence[Article],
    health: Sequence[SourceHealth],
    notes: Sequence[SourceNote],
    read: Mapping[str, int],
) -> Coverage:
    """How the run's sources did, and what the top of an empty brief says.

    `read` is how many articles each path source gave this run."""
    rows = {h.source: h for h in health}
    ok: list[str] = []
    failed: list[str] = []
    unfetched: list[str] = []
    for source in config.sources:
        if not source.enabled:
            continue
        if source.path is not None:
            errors = [n for n in notes if n.source == source.name and n.level == "error"]
            (failed if errors and not read.get(source.name) else ok).append(source.name)
            continue
        row = rows.get(source.name)
        if row is None or row.status == "offline":
            unfetched.append(source.name)
        elif row.failed:
            failed.append(source.name)
        else:
            ok.append(source.name)
    result = Coverage(COVERAGE_OK, tuple(ok), tuple(failed))
    if articles:
        return result
    if not ok and (failed or not unfetched):
        problems = _problems(failed, rows, notes)
        notice = (
            f"No articles: {problems or 'no source is enabled'}. This brief is empty because "
            "its sources failed or are missing, not because nothing happened."
        )
        return dataclasses.replace(result, status=COVERAGE_FAILED, notice=notice)
    if ok:
        notice = f"A quiet day: {_count(len(ok), 'source')} read ({_names(ok)}), none with an article in this window."
    else:
        notice = f"A quiet day: nothing in this window among the stored items of {_names(unfetched)} (not fetched in this run)."
    if failed:
        notice += f" {_count(len(failed), 'other source')} failed: {_problems(failed, rows, notes)}."
    return dataclasses.replace(result, status=COVERAGE_QUIET, notice=notice)


def _problems(names: Sequence[str], rows: Mapping[str, SourceHealth], notes: Sequence[SourceNote]) -> str:
    """Each failed source with its reason: "Yonhap (HTTP 503); My articles (articles/: no file matches this path)"."""
    parts = []
    for name in names[:NAMED]:
        row = rows.get(name)
        if row is not None:
            parts.append(f"{name} ({row.reason or row.status})")
            continue
        note = next(n for n in notes if n.source == name and n.level == "error")
        parts.append(f"{name} ({note.target}: {note.reason})" if note.target else f"{name} ({note.reason})")
    if len(names) > NAMED:
        parts.append(f"and {len(names) - NAMED} more")
    return "; ".join(parts)


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMED])
    return shown + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def dated_out(
    health: Sequence[SourceHealth], articles: Sequence[Article], span: Window, newest: Mapping[str, datetime | None]
) -> list[SourceHealth]:
    """Health rows with the newest item's date, saying so of a feed whose items are all older than the window:
    it answers, so it is not failing, but it has had no news for this brief ("55 items, newest 2018-03-02")."""
    shown = {a.origin or a.source for a in articles}
    rows = []
    for row in health:
        last = newest.get(row.source)
        row = dataclasses.replace(row, newest=last)
        if (
            last is not None and span.start is not None and last < span.start
            and row.status in ("ok", "not modified") and row.source not in shown
        ):
            items = f"{row.items} item{'s' if row.items != 1 else ''}, " if row.items else ""
            old = f"{items}newest {last:%Y-%m-%d}: all older than this window"
            row = dataclasses.replace(row, reason=f"{row.reason}; {old}" if row.reason else old)
        rows.append(row)
    return rows
