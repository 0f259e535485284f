"""`briefgen schedule`: the daily brief at the configured time, in the foreground, for years.

Each run happens in a child process that calls `pipeline.run_brief`, so a run that hangs
(a source that never answers) can be stopped at its deadline and the next day still
comes. The run ledger makes runs idempotent: a date already done is not made again,
whoever (another scheduler, a manual `generate`) made it.
"""

from __future__ import annotations

import logging
import multiprocessing
import shlex
import signal
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from .config import Config
from .config.cron import cron_trigger
from .deliver.report import send_command
from .errors import BriefgenError, ExitStatus

log = logging.getLogger(__name__)

KILL_GRACE = 10.0  # seconds a stopped or overdue run gets to finish cleanly before it is killed
LOOKBACK_DAYS = 30  # how far back missed days are looked for and reported
BACKFILL_LIMIT_DAYS = 366


class DeadlineExceeded(BaseException):
    """A scheduled run went past `schedule.deadline`.

    A BaseException, like KeyboardInterrupt, so that code catching a failing source's
    Exception cannot swallow it and carry on."""


def scheduled_on(trigger: CronTrigger, day: date, tz: tzinfo) -> datetime | None:
    """The first time the trigger fires on `day`, or None when it does not."""
    start = datetime.combine(day, datetime.min.time(), tz)
    fire = trigger.get_next_fire_time(None, start)
    return fire if fire is not None and fire.astimezone(tz).date() == day else None


def last_scheduled_day(trigger: CronTrigger, now: datetime, tz: tzinfo) -> date | None:
    """The brief date of the latest fire time at or before `now`."""
    day = now.astimezone(tz).date()
    for back in range(BACKFILL_LIMIT_DAYS):
        fire = scheduled_on(trigger, day - timedelta(days=back), tz)
        if fire is not None and fire <= now:
            return day - timedelta(days=back)
    return None


@dataclass
class Plan:
    """What to do on start: dates to make now (oldest first), and missed dates to report."""

    run: list[date] = field(default_factory=list)
    missed: list[date] = field(default_factory=list)


def plan(
    trigger: CronTrigger,
    tz: tzinfo,
    now: datetime,
    done: set[date],
    first_run: date | None,
    next_fire: datetime | None,
    backfill: int = 0,
) -> Plan:
    """Catch-up on start: today's brief if its time has passed unmade, `backfill` missed days before it.

    `next_fire` is when the scheduler will fire next: today's brief is caught up only if
    that is not going to make it anyway. Missed days are only counted from the first run
    in the ledger, so a new installation does not report its whole past as missed."""
    today = now.astimezone(tz).date()
    result = Plan()
    earlier = [
        d for d in (today - timedelta(days=n) for n in range(1, BACKFILL_LIMIT_DAYS + 1))
        if d not in done and scheduled_on(trigger, d, tz) is not None
    ]
    chosen = sorted(earlier[:backfill])
    result.run.extend(chosen)
    horizon = today - timedelta(days=LOOKBACK_DAYS)
    result.missed = sorted(
        d for d in earlier
        if d not in chosen and d >= horizon and first_run is not None and d >= first_run
    )
    fire = scheduled_on(trigger, today, tz)
    if fire is not None and fire <= now and today not in done and (next_fire is None or fire < next_fire):
        result.run.append(today)
    return result


class Daemon:
    """The scheduler: a cron job and the catch-up on start, one run at a time, each in a child."""

    def __init__(self, config: Config, *, backfill: int = 0, log_level: int = logging.INFO,
                 log_format: str = "text"):
        self.config = config
        # Children log as the daemon does: a log collector reading JSON gets JSON from runs too.
        self.log_format = log_format
        self.tz = config.tz
        self.trigger = cron_trigger(config.schedule.cron, self.tz)
        self.backfill = backfill
        self.log_level = log_level
        self.stop = threading.Event()
        self.scheduler: BackgroundScheduler | None = None

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; a run in progress is stopped within KILL_GRACE seconds."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        if self.log_level > logging.DEBUG:
            # APScheduler narrates every job at INFO; our own lines say what matters.
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        scheduler = BackgroundScheduler(
            timezone=self.tz,
            # One worker: the cron job and the catch-up queue behind each other, never overlap.
            # Flash alerts (`alerts:`) poll on a worker of their own: a brief never waits for one.
            executors={"default": ThreadPoolExecutor(1), "watch": ThreadPoolExecutor(1)},
            # A late run still runs (APScheduler's default grace of 1 s would drop the day),
            # and a backlog of fire times runs once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.scheduler = scheduler
        try:
            job = scheduler.add_job(self._scheduled, self.trigger, id="brief", name="daily brief")
            if self.config.alerts:
                from .watch import watch_job

                scheduler.add_job(watch_job(self.config), "interval", seconds=self.config.watch.interval, id="watch",
                                  name="flash alerts", executor="watch", next_run_time=datetime.now(self.tz))
            scheduler.start()
            self._catch_up_on_start(scheduler, job.next_run_time)
            log.info("scheduler started (%s, %s); next brief at %s",
                     self.config.schedule.cron, self.config.timezone, _when(job.next_run_time))
            while not self.stop.wait(0.5):
                pass
            log.info("stopping")
            scheduler.shutdown(wait=True)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("stopped")
        return ExitStatus.OK

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("%s received", signal.Signals(signum).name)
        self.stop.set()

    def _catch_up_on_start(self, scheduler: BackgroundScheduler, next_fire: datetime | None) -> None:
        from . import ledger
        from .store import open_store

        with open_store(self.config) as db:
            runs = ledger.runs(db)
        done = {r.date for r in runs if r.status == "done"}
        todo = plan(
            self.trigger, self.tz, datetime.now(self.tz), done,
            runs[0].date if runs else None, next_fire, self.backfill,
        )
        if todo.missed:
            log.warning(
                "missed scheduled briefs: %s (make them with `briefgen schedule --backfill %d` "
                "or `briefgen generate --date DATE`)",
                ", ".join(map(str, todo.missed)), len(todo.missed),
            )
        if todo.run:
            log.info("catching up: %s", ", ".join(map(str, todo.run)))
            scheduler.add_job(self._catch_up, args=[todo.run], id="catch-up", name="catch-up")

    def _scheduled(self) -> None:
        day = last_scheduled_day(self.trigger, datetime.now(self.tz), self.tz)
        if day is not None:
            self.attempt(day)
        job_next = self._next_fire()
        if job_next is not None:
            log.info("next brief at %s", _when(job_next))

    def _next_fire(self) -> datetime | None:
        return self.trigger.get_next_fire_time(None, datetime.now(self.tz))

    def _catch_up(self, days: Iterable[date]) -> None:
        for day in days:
            if self.stop.is_set():
                return
            self.attempt(day)

    def attempt(self, day: date, number: int = 1) -> None:
        """Run `day`; when it fails, try again after `schedule.retry_delay`, up to `retries`
        more times, so a transient failure (SMTP down, a store locked) does not lose the day."""
        code = self.run_date(day)
        if code in (None, ExitStatus.OK) or self.stop.is_set():
            return
        retries = self.config.schedule.retries
        if number > retries:
            log.error(
                "giving up on the brief for %s after %d attempt(s); make it with "
                "`%s` or send it with `%s`",
                day, number, _generate_command(self.config, day), send_command(self.config, day),
            )
            return
        if self.scheduler is None:
            return
        when = datetime.now(self.tz) + timedelta(seconds=self.config.schedule.retry_delay)
        log.warning("the brief for %s failed; attempt %d of %d at %s", day, number + 1, retries + 1, _when(when))
        self.scheduler.add_job(
            self.attempt, "date", run_date=when, args=[day, number + 1],
            id=f"retry-{day}", name=f"retry {day}", replace_existing=True,
        )

    def run_date(self, day: date) -> int | None:
        """Make (and email) the brief for `day` in a child process, within the deadline."""
        if self.stop.is_set():
            return None
        deadline = self.config.schedule.deadline
        context = multiprocessing.get_context("spawn")
        child = context.Process(
            target=_child, args=(self.config, day, deadline, self.log_level, self.log_format), name=f"briefgen-{day}"
        )
        child.start()
        # The child stops itself at the deadline; this is the backstop for one that cannot.
        give_up = time.monotonic() + deadline + KILL_GRACE
        overdue = False
        while child.is_alive():
            child.join(0.2)
            if child.is_alive() and self.stop.is_set():
                _end(child)
            elif child.is_alive() and time.monotonic() > give_up:
                log.error("the run for %s is past its deadline of %d s and does not stop: killing it", day, deadline)
                _end(child)
                overdue = True
        if child.exitcode == ExitStatus.OK:
            log.info("run for %s finished", day)
        else:
            log.warning("run for %s ended with exit code %s", day, child.exitcode)
            # A run killed here, or one that died before it could say how it ended, is left
            # `running` in the ledger: say it here (a no-op when the run said it itself).
            if overdue:
                self._record_killed(day, f"killed after the deadline of {deadline} s")
            elif self.stop.is_set():
                self._record_killed(day, f"stopped with the scheduler (exit code {child.exitcode})", "interrupted")
            else:
                self._record_killed(day, f"its process ended with exit code {child.exitcode}")
        return child.exitcode

    def _record_killed(self, day: date, reason: str, status: str = "failed") -> None:
        from . import ledger
        from .store import open_store

        try:
            with open_store(self.config) as db:
                ledger.mark_failed(db, day, reason, status)
        except Exception as exc:  # noqa: BLE001 - the next run finds the row `running` and makes the brief again
            log.warning("could not record how the run for %s ended: %s", day, exc)


def _end(child: Any) -> None:
    """SIGTERM (the child records itself as interrupted), then SIGKILL if it will not go."""
    child.terminate()
    child.join(KILL_GRACE)
    if child.is_alive():
        child.kill()
        child.join()


def _child(config: Config, day: date, deadline: int, level: int, log_format: str = "text") -> None:
    """One run, in its own process: `scheduled_run` with a deadline; the exit code says how it went."""
    debug = level <= logging.DEBUG
    if log_format == "json":
        from . import logs

        logs.setup(debug=debug, quiet=level >= logging.ERROR, fmt="json")
    fmt = "%(levelname)s %(name)s[%(process)d]: %(message)s" if debug else "briefgen[%(process)d]: %(message)s"
    from .logs import SafeFormatter

    logging.basicConfig(level=level, format=fmt)
    for handler in logging.getLogger().handlers:
        if not getattr(handler, "_briefgen", False):
            # Content reaches these lines too: escaped, URLs without secrets, like the CLI's.
            handler.setFormatter(SafeFormatter(fmt))
    if not debug:
        for noisy in ("fontTools", "weasyprint", "trafilatura", "htmldate"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    def overdue(signum: int, frame: FrameType | None) -> None:
        raise DeadlineExceeded(f"stopped at its deadline of {deadline} s")

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGALRM, overdue)
    signal.setitimer(signal.ITIMER_REAL, deadline)
    try:
        code = scheduled_run(config, day, wait=deadline)
    except KeyboardInterrupt:
        log.warning("the run for %s was stopped", day)
        code = ExitStatus.INTERRUPTED
    except DeadlineExceeded:
        log.error("the run for %s went past its deadline of %d s and was stopped", day, deadline)
        code = ExitStatus.INTERRUPTED
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    sys.exit(code)


def scheduled_run(config: Config, day: date, *, wait: float = 0.0, now: datetime | None = None) -> int:
    """Make the brief for `day` as the scheduler does (its window ends when the schedule fires
    on `day`) and email it; return the exit code. `now` is the clock, for tests."""
    from .pipeline import run_brief

    try:
        result = run_brief(
            config, day, formats=config.output.formats, email=config.email is not None,
            wait=wait, skip_done=True, scheduled=True, now=now,
        )
    except BriefgenError as exc:
        log.error("the brief for %s failed: %s", day, exc)
        return exc.status
    except Exception:
        log.exception("the brief for %s failed", day)
        return ExitStatus.ERROR
    if result.delivery_error is not None or result.undelivered:
        for delivery in result.undelivered:
            log.error("not delivered to %s: %s: %s", delivery.recipient, delivery.status, delivery.error)
            if delivery.status == "ambiguous":
                log.error("%s may have it: ask them, and if it did not arrive, `%s` sends it to them alone",
                          delivery.recipient, send_command(config, day, force=True, recipients=[delivery.recipient]))
        if result.delivery_error is not None:
            log.error("delivery of %s failed: %s", day, result.delivery_error)
        return ExitStatus.DELIVERY_ERROR
    if result.no_articles is not None:
        log.error("the brief for %s has no articles: %s", day, result.no_articles)
        return ExitStatus.NO_ARTICLES
    return ExitStatus.OK


def _generate_command(config: Config, day: date) -> str:
    config_args = ["--config", str(config.path)] if config.path is not None else []
    return shlex.join(["briefgen", "generate", *config_args, "--date", day.isoformat(), "--email"])


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z") if moment else "never"
