"""`briefgen check`: what a valid config would do, section by section, and whether it is usable.

A source is unusable when its folder or file is missing or, online, its feed cannot be
fetched and parsed; the report says so, and the CLI exits with SOURCE_ERROR. An empty
folder, an unset email password or an unknown template folder are warnings: the brief
can still be made.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .config import Config, SourceConfig, ThemeConfig
from .lint import alternatives, lint, lint_scope
from .models import SourceHealth
from .redact import shown_url
from .sanitise import printable, redact_urls

RUNS_SHOWN = 5
TERMS_SHOWN = 5


@dataclass
class Row:
    """One line of the report: a name, its status and what it means."""

    name: str
    status: str  # "ok", "warning", "failed", "off" or "info"
    detail: str


@dataclass
class Report:
    """The whole check: sections of rows, in the order they are shown."""

    sections: list[tuple[str, list[Row]]] = field(default_factory=list)

    @property
    def failed(self) -> list[Row]:
        return [r for _, rows in self.sections for r in rows if r.status == "failed"]

    @property
    def warnings(self) -> list[Row]:
        return [r for _, rows in self.sections for r in rows if r.status == "warning"]

    def lines(self) -> list[str]:
        out = []
        for title, rows in self.sections:
            out.append(f"{title}:")
            width = max((len(r.name) for r in rows), default=0)
            for row in rows:
                status = "" if row.status == "info" else f"{row.status}: "
                # A detail may quote a server or a file name: escaped, URLs without secrets.
                detail = redact_urls(printable(row.detail))
                out.append(f"  {printable(row.name).ljust(width)}  {status}{detail}".rstrip())
        return out


def checkup(config: Config, *, offline: bool = False, now: datetime | None = None) -> Report:
    """Look at every part of a valid config; feeds are fetched once unless `offline`."""
    now = now or datetime.now(config.tz)
    report = Report()
    report.sections.append(("sources", source_rows(config, offline=offline, now=now)))
    report.sections.append(("scope", [scope_row(config)]))
    report.sections.append(("themes", [theme_row(t) for t in config.themes]))
    report.sections.append(("schedule", schedule_rows(config, now)))
    report.sections.append(("email", email_rows(config)))
    report.sections.append(("output", output_rows(config)))
    return report


def source_rows(config: Config, *, offline: bool, now: datetime) -> list[Row]:
    """Each source in config order: files found in a folder, a feed's answer when online."""
    feeds = [s for s in config.sources if s.enabled and s.url is not None and s.fetch]
    health = {}
    if feeds and not offline:
        # Imported only when there is a feed to probe: HTTP and feed parsing are heavy to load.
        from . import ingest

        # The report says how each feed did: the fetcher's own line per feed would say it twice.
        quiet = logging.getLogger(ingest.__name__)
        level = quiet.level
        quiet.setLevel(max(level, logging.ERROR))
        try:
            result = ingest.ingest(config, ingest.IngestContext(now=now.replace(microsecond=0), progress=False), feeds)
        finally:
            quiet.setLevel(level)
        health = {h.source: h for h in result.health}
    rows = []
    for source in config.sources:
        if not source.enabled:
            rows.append(Row(source.name, "off", f"{_target(source)} (enabled: false)"))
        elif source.path is not None:
            rows.append(_folder_row(source, config))
        elif not source.fetch:
            rows.append(Row(source.name, "info", f"{_target(source)}: never fetched (fetch: false); its stored items are used"))
        elif offline:
            rows.append(Row(source.name, "info", f"{_target(source)}: not probed (--offline)"))
        else:
            h = health.get(source.name)
            if h is None or h.failed:
                reason = h.reason if h is not None else "not probed"
                rows.append(Row(source.name, "failed", f"{_target(source)}: {reason}"))
            else:
                took = f" in {h.duration:.1f} s" if h.duration is not None else ""
                rows.append(Row(source.name, "ok", f"{_target(source)}: reachable, {h.items} item{'s' if h.items != 1 else ''}{took}"))
    return rows


def _target(source: SourceConfig) -> str:
    # Also quoted whole by `verdict`'s error: the URL's token must not reach it.
    return f"feed {shown_url(source.url)}" if source.url is not None else f"files {source.path}"


def _folder_row(source: SourceConfig, config: Config) -> Row:
    from .ingest.files import read_files

    assert source.path is not None
    target = config.resolve(source.path)
    if not any(ch in source.path for ch in "*?[") and not target.exists():
        return Row(source.name, "failed", f"{_target(source)}: {target} does not exist")
    result = read_files(source, config)
    bad = [n for n in result.notes if n.reason != "no file matches this path"]
    count = len(result.articles)
    if not count and not bad:
        return Row(source.name, "warning", f"{_target(source)}: no articles yet: put .txt, .md or .html files in {target}")
    detail = f"{_target(source)}: {count} article{'s' if count != 1 else ''}"
    if bad:
        detail += f"; {len(bad)} file{'s' if len(bad) != 1 else ''} skipped ({bad[0].target}: {bad[0].reason})"
    return Row(source.name, "warning" if bad else "ok", detail)


def _first_few(items: Sequence[str]) -> str:
    """The first TERMS_SHOWN of a list, then how many more."""
    return ", ".join(items[:TERMS_SHOWN]) + (f" (+{len(items) - TERMS_SHOWN} more)" if len(items) > TERMS_SHOWN else "")


def scope_row(config: Config) -> Row:
    """What the brief is about as a whole, and what is wrong in how it says so."""
    scope = config.scope
    if scope is None:
        return Row("scope", "info", "none: every article counts (`scope:` leaves out articles about something else)")
    names, excluded = alternatives(scope.terms), alternatives(scope.exclude)
    detail = (f"{scope.label}: {len(names)} name{'s' if len(names) != 1 else ''}, {_first_few(names)}; an article is "
              f"in when its title or lead names it, or passages come back to it (min_share {scope.min_share:g})")
    if excluded:
        detail += f"; {len(excluded)} excluded: {_first_few(excluded)}"
    found = lint_scope(scope)
    if found.never or found.common:
        return Row("scope", "warning", detail + "; " + "; ".join([*found.never, *found.common]))
    return Row("scope", "info", detail)


def theme_row(theme: ThemeConfig) -> Row:
    """A theme's evidence in brief, and a hint when it is unlikely to match much."""
    terms = [t.split("|")[0] for t, w in sorted(theme.terms.items(), key=lambda kv: -kv[1]) if w > 0]
    shown = _first_few(terms)
    detail = f"{theme.label}: terms {shown or 'none'}; {len(theme.examples)} example{'s' if len(theme.examples) != 1 else ''}; threshold {theme.threshold:g}"
    hints = []
    strongest = max((w for w in theme.terms.values() if w > 0), default=0.0)
    if strongest < theme.threshold:
        hints.append(f"no term reaches the threshold alone: a passage needs several terms{' or a close example' if theme.examples else ''}")
    found = lint(theme)
    if hints:
        detail += " (hint: " + "; ".join(hints) + ")"
    for note in found.notes:
        detail += f"; {note}"
    if found.never or found.common:
        # Rules that can never matter, or match nearly everything, are mistakes, not style.
        return Row(theme.key, "warning", detail + "; " + "; ".join([*found.never, *found.common]))
    return Row(theme.key, "info", detail)


def next_runs(config: Config, now: datetime, count: int = RUNS_SHOWN) -> list[datetime]:
    """The scheduler's next `count` fire times after `now`, in the config's time zone."""
    from .config.cron import cron_trigger

    trigger = cron_trigger(config.schedule.cron, config.tz)
    runs: list[datetime] = []
    previous = None
    cursor = now
    while len(runs) < count:
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None:
            break
        runs.append(fire.astimezone(config.tz))
        previous, cursor = fire, fire + timedelta(seconds=1)
    return runs


def schedule_rows(config: Config, now: datetime) -> list[Row]:
    runs = next_runs(config, now)
    rows = [Row("cron", "info", f"{config.schedule.cron!r} in {config.timezone}; `briefgen schedule` runs it")]
    rows += [Row("next" if n == 0 else "", "info", f"{fire:%a %Y-%m-%d %H:%M:%S %Z}") for n, fire in enumerate(runs)]
    return rows + window_rows(config, now)


def window_rows(config: Config, now: datetime) -> list[Row]:
    """What each scheduled brief covers, and a warning where the window and the schedule
    leave a gap (news in no brief), an overlap (news in two) or a delay."""
    from .window import cutoff, parse_duration

    label = config.brief.window
    at = f"brief.cutoff {config.brief.cutoff:%H:%M}" if config.brief.cutoff else "the time the schedule fires"
    if label is None:
        rows = [Row("window", "info", f"each brief covers everything since the previous brief's cut-off ({at}); "
                                      "the first covers 24h")]
    elif label == "all":
        return [Row("window", "info", "brief.window: all: every brief covers all dates, the articles of the one before too")]
    else:
        rows = [Row("window", "info", f"brief.window {label}: each brief covers the {label} before its cut-off ({at})")]
    # One brief a day: the first fire time of each date, with the window that brief would have.
    fires: dict[date, datetime] = {}
    for fire in next_runs(config, now, RUNS_SHOWN + 2):
        fires.setdefault(fire.date(), fire)
    briefs = [(fire, cutoff(config, day, fire, scheduled=True)[0]) for day, fire in fires.items()]
    fire, end = briefs[0] if briefs else (None, None)
    if fire is not None and end is not None and config.brief.cutoff is not None and end != fire.replace(microsecond=0):
        span = f"{min(fire, end):%H:%M} to {max(fire, end):%H:%M}"
        if end > fire:
            lost = "is never briefed" if label is not None else "comes a day late"
            rows.append(Row("", "warning", f"brief.cutoff {end:%H:%M} is after the scheduled time {fire:%H:%M}: the brief is "
                                           f"made before its window ends, and what is published from {span} after it {lost}; "
                                           "remove brief.cutoff to end each brief when it is made"))
        else:
            rows.append(Row("", "warning", f"brief.cutoff {end:%H:%M} is before the scheduled time {fire:%H:%M}: what is "
                                           f"published from {span} waits for the next day's brief; remove brief.cutoff "
                                           "to end each brief when it is made"))
    if label is None:
        return rows
    length = parse_duration(label)
    for (_, first), (later, second) in zip(briefs, briefs[1:], strict=False):
        start = second - length
        if start > first:
            rows.append(Row("", "warning", f"brief.window {label} leaves a gap: what is published from "
                                           f"{first:%a %H:%M} to {start:%a %H:%M %Z} is in no brief; remove brief.window "
                                           "so that each brief starts where the previous one ended"))
            break
        if start < first:
            rows.append(Row("", "warning", f"brief.window {label} overlaps: what is published from {start:%a %H:%M} to "
                                           f"{first:%a %H:%M %Z} is in two briefs (of {first:%a} and {later:%a}); remove "
                                           "brief.window so that each brief starts where the previous one ended"))
            break
    return rows


def email_rows(config: Config) -> list[Row]:
    """Email settings; the password only as set or unset, never its value."""
    email = config.email
    if email is None:
        return [Row("email", "info", "not configured: nothing is emailed (add an `email:` section to send briefs)")]
    rows = [
        Row("server", "info", f"{email.host}:{email.smtp_port} ({email.security})"),
        Row("from", "info", email.from_),
    ]
    for kind in ("to", "cc", "bcc"):
        people = getattr(email, kind)
        if people:
            rows.append(Row(kind, "info", ", ".join(people)))
    if email.username and email.password_env:
        rows.append(Row("login", "info", email.username))
        if os.environ.get(email.password_env):
            rows.append(Row("password", "ok", f"set (in ${email.password_env})"))
        else:
            rows.append(Row("password", "warning", f"unset: ${email.password_env} must hold it wherever briefgen sends"))
        if email.cleartext:
            rows.append(Row("security", "warning", email.cleartext))
    else:
        rows.append(Row("login", "info", "none (the server takes mail without one)"))
    return rows


def output_rows(config: Config) -> list[Row]:
    rows = [Row("dir", "info", f"{config.resolve(config.output.dir)} ({', '.join(config.output.formats)})")]
    if config.output.templates:
        folder = config.resolve(config.output.templates)
        if folder.is_dir():
            rows.append(Row("templates", "ok", f"{folder} shadows the shipped templates"))
        else:
            rows.append(Row("templates", "failed", f"{folder} does not exist: create it or remove output.templates"))
    else:
        rows.append(Row("templates", "info", "the shipped ones"))
    return rows


def health_table(rows: Sequence[SourceHealth], new: bool = True) -> list[str]:
    """A plain table (it may go to a pipe): source, status, items, new, time, detail."""
    if not rows:
        return ["no feed sources enabled"]
    head = ["source", "status", "items", *(["new"] if new else []), "time", "detail"]
    table = [head]
    for row in rows:
        detail = row.reason or ""
        if row.stale and row.failing_since:
            detail += f" (stale: failing since {row.failing_since:%Y-%m-%d})"
        time_text = f"{row.duration:.1f} s" if row.duration is not None else "-"
        detail = redact_urls(printable(detail))
        table.append([printable(row.source), row.status, str(row.items), *([str(row.new_items)] if new else []), time_text, detail])
    widths = [max(len(r[i]) for r in table) for i in range(len(head) - 1)]
    lines = []
    for r in table:
        # Names and statuses read left-aligned, numbers right-aligned; the detail runs free.
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r[:-1], widths, strict=True))]
        lines.append("  ".join([*cells, r[-1]]).rstrip())
    return lines


def verdict(report: Report) -> None:
    """Raise the one-line error that makes the config unusable, if any: sources first."""
    from .errors import RenderError, SourceError

    failed = {title: [r for r in rows if r.status == "failed"] for title, rows in report.sections}
    if failed["sources"]:
        rows = failed["sources"]
        names = ", ".join(r.name for r in rows)
        first = rows[0].detail
        raise SourceError(
            f"{len(rows)} source{'s' if len(rows) != 1 else ''} unusable ({names}): {first}; "
            "fix the path or URL (or check the network), or set `enabled: false`"
        )
    if failed["output"]:
        raise RenderError(f"output.templates: {failed['output'][0].detail}")
