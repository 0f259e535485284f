"""The whole story of a brief, stage by stage. The CLI and the scheduler both call this."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .config import FORMATS, Config
from .errors import BriefgenError, DeliveryError
from .models import Article, Brief, Delivery, SourceNote, Window

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    brief: Brief
    files: list[Path] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[SourceNote]:
        return [n for n in self.brief.notes if n.level == "error"]


def build_brief(
    config: Config,
    day: date,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = FORMATS,
    window: str | None = None,
    now: datetime | None = None,
) -> BuildResult:
    """Ingest, select, analyse, render and write the brief for `day`."""
    from . import analyse, ingest, render
    from .deliver.files import write_brief

    now = now or datetime.now(config.tz).replace(microsecond=0)
    span = brief_window(config, day, window)
    # Ingest: every enabled source; failures become notes, never exceptions.
    ingested = ingest.ingest(config)
    # Select: the articles whose date falls in the window (or whose source is always in scope).
    articles = select_articles(ingested.articles, span)
    log.info("%d of %d articles in the %s window ending %s", len(articles), len(ingested.articles), span.label, span.end)
    # Analyse: passages, themes, summaries, bottom line.
    result = analyse.analyse(articles, config)
    brief = Brief(
        date=day,
        title=config.title,
        timezone=config.timezone,
        generated_at=now,
        window=span,
        articles=articles,
        bottom_line=result.bottom_line,
        themes=result.themes,
        other=result.other,
        notes=ingested.notes,
        passages=result.passages,
    )
    # Render and write: every format into <out>/<date>/, atomically.
    target = out_dir if out_dir is not None else config.resolve(config.output.dir)
    files = write_brief(target, day.isoformat(), render.render(brief, config, formats))
    return BuildResult(brief, files)


def brief_window(config: Config, day: date, override: str | None = None) -> Window:
    """The span a brief for `day` covers, ending at the cut-off on `day` (default: its end)."""
    label = override or config.brief.window
    cutoff = config.brief.cutoff
    if cutoff is None:
        end = datetime.combine(day + timedelta(days=1), time(0), config.tz)
    else:
        end = datetime.combine(day, cutoff, config.tz)
    return Window(label, None if label == "all" else end - parse_duration(label), end)


def parse_duration(label: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([hd])", label)
    if not match:
        raise ValueError(f"not a window: {label!r}")
    amount = int(match.group(1))
    return timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount)


def select_articles(articles: Sequence[Article], span: Window) -> list[Article]:
    """Articles in scope, in citation order: dated ones oldest first, then undated, by title.

    A source's own `window` is more specific than the brief's and wins over it."""
    chosen = []
    for article in articles:
        label = article.window or span.label
        if label == "all":
            chosen.append(article)
            continue
        start = span.end - parse_duration(label)
        if article.date is not None and start <= article.date < span.end:
            chosen.append(article)
    return sorted(chosen, key=lambda a: (a.published is None, a.published or span.end, a.title.casefold(), a.id))


# The formats an email is made from (see deliver/message.py); written whenever one is sent.
EMAIL_FORMATS = ("json", "md", "html", "pdf")


@dataclass
class RunResult:
    """One run for a brief date: what was built (None when it was already done) and sent."""

    day: date
    files: list[Path]
    build: BuildResult | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    delivery_error: BriefgenError | None = None

    @property
    def undelivered(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status != "sent"]


def run_brief(
    config: Config,
    day: date,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = FORMATS,
    window: str | None = None,
    email: bool = False,
    wait: float = 0.0,
    skip_done: bool = False,
) -> RunResult:
    """build_brief under the date's lock, recorded in the run ledger, then emailed when asked.

    The CLI's `generate` and the scheduler both come through here, so two of them can
    never write the same date's brief at once. `skip_done` (the scheduler) leaves a
    brief the ledger has as done alone; delivery still sends what it has not yet sent."""
    from . import ledger
    from .deliver.email import email_config, send_brief
    from .store import Store, default_path

    target = out_dir if out_dir is not None else config.resolve(config.output.dir)
    if email:
        email_config(config)  # no email settings: say so before making the brief
        formats = list(dict.fromkeys([*formats, *EMAIL_FORMATS]))
    with Store(default_path(config, out_dir)) as db, ledger.date_lock(db, day, wait) as last:
        if skip_done and last is not None and last.status == "done":
            log.info("the brief for %s was already made (%s); not making it again", day, last.finished)
            result = RunResult(day, [Path(f) for f in last.files])
        else:
            if last is not None and last.status == "running":
                log.warning("the last run for %s (%s) never finished; running it again", day, last.owner)
            with ledger.recording(db, day) as files:
                build = build_brief(config, day, out_dir=out_dir, formats=formats, window=window)
                files.extend(build.files)
            log.info("brief for %s written: %d files in %s", day, len(build.files), target / day.isoformat())
            result = RunResult(day, build.files, build)
        if email:
            # Whatever happens to delivery, the brief is already written and recorded.
            try:
                result.deliveries = send_brief(config, day, db, target / day.isoformat())
            except DeliveryError as exc:
                result.delivery_error = exc
    return result


def email_brief(
    config: Config,
    day: date,
    *,
    out_dir: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    wait: float = 0.0,
) -> list[Delivery] | list[Path]:
    """Email the already written brief for `day`: deliveries, or with `dry_run` the .eml files."""
    from . import ledger
    from .deliver.email import send_brief, write_eml
    from .store import Store, default_path

    folder = (out_dir if out_dir is not None else config.resolve(config.output.dir)) / day.isoformat()
    with Store(default_path(config, out_dir)) as db:
        if dry_run:
            return write_eml(config, day, db, folder)
        # The date's lock: a scheduler sending the same brief at this moment is waited for.
        with ledger.date_lock(db, day, wait):
            return send_brief(config, day, db, folder, force=force)
