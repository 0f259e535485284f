"""The whole story of a brief, stage by stage. The CLI and the scheduler both call this."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .config import FORMATS, Config
from .errors import BriefgenError, DeliveryError, NoArticlesError, UsageError
from .models import (
    COVERAGE_FAILED,
    Article,
    Brief,
    Delivery,
    SourceHealth,
    SourceNote,
    Story,
    Window,
)
from .pause import pause_at
from .store import Store, default_path
from .store import open_store as store_for
from .window import brief_window, candidates, select_articles, source_start

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

# How far back a story of an earlier brief may be continued by one of today's.
STORY_MEMORY = timedelta(days=14)


@dataclass
class BuildResult:
    brief: Brief
    files: list[Path] = field(default_factory=list)
    # The archive page and the `latest` link, rebuilt after the brief was written.
    archive: list[Path] = field(default_factory=list)
    # Requested formats that were not made while the others were (format -> why): a PDF
    # past `output.render_timeout`.
    unrendered: dict[str, str] = field(default_factory=dict)

    @property
    def failed_sources(self) -> list[SourceNote]:
        """Every source problem of the run: failed files, and failed feeds from source health."""
        feeds = [SourceNote(h.source, h.target, h.reason or h.status) for h in self.brief.health if h.failed]
        return [n for n in self.brief.notes if n.level == "error"] + feeds


@dataclass
class FetchResult:
    """What `refresh` did: the run's source health and file notes."""

    health: list[SourceHealth]
    notes: list[SourceNote]
    # How many articles each path source gave: one that gave none and has errors is missing.
    read: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[SourceHealth]:
        return [h for h in self.health if h.failed]


def build_brief(
    config: Config,
    day: date,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = FORMATS,
    window: str | None = None,
    now: datetime | None = None,
    offline: bool = False,
    scheduled: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> BuildResult:
    """Ingest, store, select, analyse, render and write the brief for `day`.

    `scheduled`: the scheduler's run, whose window ends when the schedule fires on `day`.
    `transport`: where feed requests go instead of the network (a deployment's shared fetches)."""
    from . import analyse, coverage, forking, history, render, retention
    from .analyse import changes
    from .deliver.archive import write_archive
    from .deliver.files import write_brief

    now = now or datetime.now(config.tz).replace(microsecond=0)
    check_output(config, out_dir)
    # Render, started early: the PDF engine loads in a process of its own while the rest runs.
    printer = render.start_printer(formats, config.output.render_timeout)
    target = out_dir if out_dir is not None else config.resolve(config.output.dir)
    with open_store(config, target) as store:
        # Window: from where the previous brief ended (or a fixed length) to the cut-off.
        span = brief_window(config, day, store, now=now, override=window, scheduled=scheduled)
        # Ingest and store: every enabled source, feeds only for what changed; failures
        # become notes and source health, never exceptions.
        fetched = refresh(config, store, now=now, day=day, offline=offline, transport=transport)
        # Select: from the store, the articles whose date falls in the window (or whose source is
        # always in scope); following on from the previous brief, every one no other brief carried.
        stored = stored_articles(config, store, span, until=max(span.end, now) + timedelta(seconds=1))
        articles = select_articles(stored, span, store.briefed_elsewhere(candidates(stored, span), day))
        # Coverage: an empty brief says whether the day was quiet or the sources failed.
        covered = coverage.coverage(config, articles, fetched.health, fetched.notes, fetched.read)
        newest = {h.source: store.newest_article(h.source, config.tz) for h in fetched.health}
        health = coverage.dated_out(fetched.health, articles, span, newest)
        # A source's own window wins over the brief's: say so, or "24h" misleads for `window: all`.
        own = "; ".join(f"{s.name}: {s.window}" for s in config.sources if s.enabled and s.window)
        log.info("%d articles in the %s window (%s) ending %s%s", len(articles), span.label, span.description,
                 span.end, f" (own windows: {own})" if own else "")
        pause_at("analyse")
        # Recall: what the newest earlier brief said, for "What changed".
        previous = changes.previous_brief(target, day, store=store)
        # Analyse: stories, passages, themes, summaries, bottom line, quotes, entities, timeline, changes.
        # Stories of the briefs of the last STORY_MEMORY days, which today's may continue.
        earlier_stories = store.earlier_stories(day, day - STORY_MEMORY)
        # The analyst's verdicts on passages (`briefgen feedback`), which correct theme assignment.
        verdicts = store.feedback_records()
        # Every helper thread of the fetch must be gone by now, else the analysis gets no workers.
        log.debug("analysis: %s", f"no worker processes: {why}" if (why := forking.refusal())
                  else f"{forking.most()} worker processes available")
        result = analyse.analyse(articles, config, previous=previous, spans=store, day=day, window=span, earlier=earlier_stories,
                                 feedback=verdicts)
        # Alerts: the stories `briefgen watch` alerted on since, marked as such.
        stories = alerted_stories(store, result.stories)
        # History: earlier briefs from the store, for each theme's trend and the trend chart.
        earlier = history.earlier_briefs(target, day, store=store)
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
            notes=fetched.notes,
            passages=result.passages,
            history=earlier,
            stories=stories,
            health=health,
            quotes=result.quotes,
            entities=result.entities,
            timeline=result.timeline,
            changes=result.changes,
            emerging=result.emerging,
            scope=config.scope.label if config.scope else None,
            out_of_scope=result.out_of_scope,
            coverage=covered,
            failed_sections=result.failed_sections,
        )
        # Render: every requested format, in memory.
        pause_at("render")
        rendered = render.render(brief, config, formats, printer)
        # Write: into <out>/<date>/, atomically, then remember which articles went in.
        files = write_brief(target, day.isoformat(), rendered, missing=rendered.failed)
        store.record_brief(day, [a.id for a in articles])
        store.record_window(day, span)
        store.record_counts(brief.record())
        store.record_points(day, {t.key: [p.text for p in t.summary] for t in brief.themes})
        store.record_stories(day, brief.stories)
        # Retention: articles older than `store.retention_days` go; the briefs' records stay.
        if brief.coverage.status != COVERAGE_FAILED:
            retention.prune(config, store, day, now=now)
        recorded = {r.date: r for r in store.brief_records(date.min, date.max)}
    # Archive: <out>/index.html lists every brief (from the store's records), <out>/latest is the newest.
    pause_at("archive")
    archive = write_archive(target, config, recorded)
    return BuildResult(brief, files, archive, dict(rendered.failed))


def check_output(config: Config, out_dir: Path | None) -> None:
    """Stop before anything is written when the output folder cannot be briefgen's: inside a
    source folder (the config's own output.dir is checked with the config), or holding
    files briefgen did not write."""
    from .deliver.outdir import claim

    if out_dir is not None:
        problem = config.output_problem(out_dir)
        if problem:
            raise UsageError(f"--out: {problem}")
    claim(out_dir if out_dir is not None else config.resolve(config.output.dir))


def alerted_stories(store: Store, stories: Sequence[Story]) -> list[Story]:
    """The stories, each with the names of the alert rules that alerted on any of its articles."""
    rules = store.alerted_rules(a for s in stories for a in s.article_ids)
    marked = []
    for story in stories:
        alerted = tuple(sorted({r for a in story.article_ids for r in rules.get(a, ())}))
        # A story is copied only when it changes: copying 9,000 stories took a third of a second.
        marked.append(story if alerted == story.alerted else replace(story, alerted=alerted))
    return marked


def open_store(config: Config, out_dir: Path | None = None) -> Store:
    return store_for(config, out_dir)


def refresh(
    config: Config, store: Store, *, now: datetime, day: date | None = None, offline: bool = False, progress: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchResult:
    """Ingest every enabled source and store what is new: the brief's first two stages,
    and all of `briefgen fetch`."""
    from . import ingest

    context = ingest.IngestContext(now=now, store=store, offline=offline, progress=progress, transport=transport)
    ingested = ingest.ingest(config, context)
    health = store.save_run(ingested, config, now, day)
    read: dict[str, int] = {}
    for article in ingested.articles:
        origin = article.origin or article.source
        read[origin] = read.get(origin, 0) + 1
    return FetchResult(health, ingested.notes, read)


def stored_articles(config: Config, store: Store, span: Window, until: datetime | None = None) -> list[Article]:
    """The stored articles of every enabled source that may fall in `span`, each carrying its source's window and labels.

    `until`: the latest date to read, past the window's end (undated items first seen since)."""
    articles = []
    for source in config.sources:
        if not source.enabled:
            continue
        start = source_start(source.window, span)
        for article in store.load_articles(source.name, start, until or span.end, config.tz):
            # A local file is its own truth: once deleted, it leaves the brief, even under `window: all`.
            if source.path is not None and article.path and not config.resolve(article.path).exists():
                continue
            # The source's window and labels come from the config, never from what was stored.
            articles.append(replace(article, window=source.window, source_type=source.type, reliability=source.reliability,
                                    language=source.language or article.language))
    return articles


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
    # The brief was written but has no article because its sources failed or are missing.
    no_articles: NoArticlesError | None = None

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
    offline: bool = False,
    email: bool = False,
    wait: float = 0.0,
    skip_done: bool = False,
    scheduled: bool = False,
    now: datetime | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RunResult:
    """build_brief under the date's lock, recorded in the run ledger, then emailed when asked.

    The CLI's `generate` and the scheduler both come through here, so two of them can
    never write the same date's brief at once. `skip_done` (the scheduler) leaves a
    brief the ledger has as done alone; delivery still sends what it has not yet sent.
    A brief with no article because its sources failed is recorded as failed (the scheduler
    tries again) and is not emailed unless `email.send_empty`."""
    from . import ledger
    from .deliver.email import email_config, send_brief

    target = out_dir if out_dir is not None else config.resolve(config.output.dir)
    if email:
        email_config(config)  # no email settings: say so before making the brief
        formats = list(dict.fromkeys([*formats, *EMAIL_FORMATS]))
    asked = datetime.now(UTC).replace(microsecond=0)
    check_output(config, out_dir)
    with store_for(config, out_dir) as db, ledger.date_lock(db, day, wait) as held:
        last = held.last
        done = last is not None and last.status == "done"
        if done and skip_done:
            log.info("the brief for %s was already made (%s); not making it again", day, last.finished)
            result = RunResult(day, [Path(f) for f in last.files])
        elif done and held.waited and last.finished is not None and last.finished >= asked and _has(last.files, formats):
            # Two runs asked at once (the scheduler, and `generate --wait`): the one that waited
            # for the lock finds the brief made by the other meanwhile, and does not make it again.
            log.info("the brief for %s was made by %s while this run waited; not making it again", day, last.owner)
            result = RunResult(day, [Path(f) for f in last.files])
        else:
            if last is not None and last.status == "running":
                log.warning("the last run for %s (%s) never finished; running it again", day, last.owner)
            empty = None
            try:
                with ledger.recording(db, day) as files:
                    build = build_brief(config, day, out_dir=out_dir, formats=formats, window=window, offline=offline,
                                        scheduled=scheduled, now=now, transport=transport)
                    files.extend(build.files)
                    if build.brief.coverage.status == COVERAGE_FAILED:
                        # Written, and recorded as failed with the reason: a retry may find the sources back.
                        raise NoArticlesError(build.brief.coverage.notice or "no articles: the sources failed")
            except NoArticlesError as exc:
                empty = exc
            log.info("brief for %s written: %d files in %s", day, len(build.files), target / day.isoformat())
            result = RunResult(day, build.files, build, no_articles=empty)
        if email and result.no_articles is not None and not email_config(config).send_empty:
            log.warning("the brief for %s has no articles because its sources failed: not emailed "
                        "(email.send_empty: true sends such briefs too)", day)
        elif email:
            # Whatever happens to delivery, the brief is already written and recorded.
            try:
                with outbox_store(config, db, day, wait) as mail_db:
                    result.deliveries = send_brief(config, day, mail_db, target / day.isoformat())
            except DeliveryError as exc:
                result.delivery_error = exc
    return result


@contextmanager
def outbox_store(config: Config, db: Store, day: date, wait: float = 0.0) -> Iterator[Store]:
    """The store whose outbox says who has had the brief for `day`: always the configured
    one (`store:`, else the one in `output.dir`), whatever folder this run writes to, so that
    a brief written again elsewhere (`--out`) is not mailed again to those who have it.
    Its date lock is held too: a run writing to the configured folder may be sending."""
    from . import ledger

    home = default_path(config)
    # A shared (PostgreSQL) store is the configuration's whatever the folder: it is `db`.
    if not isinstance(home, Path) or home.resolve() == db.path.resolve():
        yield db
        return
    from .deliver.outbox import adopt

    with Store(home) as own, ledger.date_lock(own, day, wait):
        adopt(own, db, day)
        yield own


def _has(files: Sequence[str], formats: Sequence[str]) -> bool:
    """Whether `files` hold a brief in each of `formats`."""
    return set(formats) <= {Path(f).suffix.lstrip(".") for f in files}


def email_brief(
    config: Config,
    day: date,
    *,
    out_dir: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    wait: float = 0.0,
    only: Sequence[str] = (),
) -> list[Delivery] | list[Path]:
    """Email the already written brief for `day`: deliveries, or with `dry_run` the .eml files."""
    from . import ledger
    from .deliver.email import send_brief, write_eml

    folder = (out_dir if out_dir is not None else config.resolve(config.output.dir)) / day.isoformat()
    with store_for(config, out_dir) as db:
        if dry_run:
            with outbox_store(config, db, day, wait) as mail_db:
                return write_eml(config, day, mail_db, folder)
        # The date's lock: a scheduler sending the same brief at this moment is waited for.
        with ledger.date_lock(db, day, wait), outbox_store(config, db, day, wait) as mail_db:
            return send_brief(config, day, mail_db, folder, force=force, only=only)
