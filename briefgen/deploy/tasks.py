"""The work of a deployment as Procrastinate tasks: one per feed fetch, brief build and email delivery.

The queue delivers each job at least once (a job whose worker died is run again by
another); the store makes the work happen at most once to completion: a brief is built
under its date's lock and skipped when the ledger has it done, an email is sent only from
the outbox's `pending` or `failed`, and a feed is fetched once per cycle (see `shared`).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from typing import Any

from ..config import Config
from ..errors import DeliveryError, NoArticlesError
from ..store.postgres import schema_name
from .settings import Brief, Deployment
from .shared import StoredTransport, connect, ensure_fetched, fetch_one, queue_schema, start_cycle

log = logging.getLogger(__name__)

FETCH, BUILD, DELIVER, TICK, WATCH = "briefgen.fetch", "briefgen.build", "briefgen.deliver", "briefgen.tick", "briefgen.watch"
QUEUES = ("fetch", "build", "deliver", "tick", "watch")
# How long a build or a delivery waits for its date's lock held by another (a retried job's twin).
LOCK_WAIT = 900.0


def brief_config(deployment: Deployment, brief: Brief) -> Config:
    """A brief's config as a deployment runs it: on the shared store."""
    return brief.config.with_store(deployment.store)


def feed_urls(config: Config) -> list[str]:
    return [s.url for s in config.sources if s.enabled and s.url and s.fetch]


def make_app(deployment: Deployment, *, pool_size: int = 4) -> Any:
    """The deployment's Procrastinate app, its tasks registered, its queue in a schema of its own."""
    import procrastinate
    from procrastinate import RetryStrategy

    connector = procrastinate.PsycopgConnector(
        conninfo=deployment.store,
        kwargs={"options": f"-c search_path={queue_schema(deployment.name)}",
                "application_name": f"briefgen worker {deployment.name}"[:63]},
        min_size=1, max_size=pool_size,
    )
    app = procrastinate.App(connector=connector)
    retry = RetryStrategy(max_attempts=deployment.worker.retries + 1, wait=2, exponential_wait=2,
                          retry_exceptions={Exception})

    @app.task(name=FETCH, queue="fetch", retry=retry)
    async def fetch(url: str, cycle: int) -> None:
        """Fetch one feed URL for a cycle, for every brief that lists it (on the worker's own
        event loop: a worker's fetches wait on the network together)."""
        settings = next((b.config.feeds for b in deployment.briefs if url in feed_urls(b.config)), None)
        if settings is None:
            log.info("%s is in no brief any more: not fetched", url)
            return
        await fetch_one(deployment.store, deployment.name, url, cycle, settings,
                        size=deployment.worker.concurrency + 2, wait=deployment.worker.fetch_wait)

    @app.task(name=BUILD, queue="build", retry=retry)
    def build(brief: str, day: str, cycle: int, scheduled: bool = False) -> None:
        """Make one brief for one date, once; then queue its deliveries."""
        build_once(deployment, brief, date.fromisoformat(day), cycle, scheduled)
        queue_deliveries(app, deployment, brief, day)

    @app.task(name=DELIVER, queue="deliver", retry=retry)
    def deliver(brief: str, day: str, recipient: str) -> None:
        """Email one brief to one recipient, once."""
        deliver_once(deployment, brief, date.fromisoformat(day), recipient)

    @app.task(name=WATCH, queue="watch")
    def watch(brief: str) -> None:
        """One flash-alert poll of a brief, when its `watch.interval` has passed (see alerting)."""
        from .alerting import poll_when_due

        poll_when_due(deployment, brief, brief_config(deployment, deployment.brief(brief)))

    for item in deployment.briefs:
        # Every brief's schedule is a periodic task: Procrastinate defers each minute's tick
        # once however many workers run; the tick starts a cycle when the brief's own cron
        # (in its time zone) fired in that minute, and offers a flash-alert poll.
        @app.periodic(cron="* * * * *", periodic_id=item.name)
        @app.task(name=f"{TICK}.{item.name}", queue="tick", queueing_lock=f"tick:{item.name}")
        def tick(timestamp: int, _name: str = item.name) -> None:
            from procrastinate.exceptions import AlreadyEnqueued

            from ..schedule import cron_trigger

            config = deployment.brief(_name).config
            trigger = cron_trigger(config.schedule.cron, config.tz)
            fired = fired_in(config, timestamp - 60, timestamp, trigger)
            if fired is not None:
                start(app, deployment, [_name], fired, scheduled=True)
            elif deployment.worker.catch_up:
                # Today's firing found no worker alive: its cycle (known by the fire time, so
                # started once) begins now, unless the date's brief is made or on its way.
                missed = missed_today(config, timestamp - 60, trigger)
                if missed is not None and start(app, deployment, [_name], missed, scheduled=True):
                    log.info("%s: catching up the brief due at %s", _name, missed.isoformat())
            if config.alerts:
                try:
                    app.configure_task(WATCH, queueing_lock=f"watch:{_name}").defer(brief=_name)
                except AlreadyEnqueued:
                    pass  # a poll is waiting already

    return app


def fired_in(config: Config, after: float, until: float, trigger: Any = None) -> datetime | None:
    """When the brief's schedule fired in (after, until], if it did (`trigger`: its cron
    trigger, when the caller has it already)."""
    from ..schedule import cron_trigger

    trigger = trigger or cron_trigger(config.schedule.cron, config.tz)
    start = datetime.fromtimestamp(after, config.tz) + timedelta(seconds=1)
    fire = trigger.get_next_fire_time(None, start)
    return fire if fire is not None and fire.timestamp() <= until else None


def missed_today(config: Config, until: float, trigger: Any = None) -> datetime | None:
    """Today's (in the brief's time zone) first firing of its schedule, if it came at or before `until`."""
    from ..schedule import cron_trigger, scheduled_on

    trigger = trigger or cron_trigger(config.schedule.cron, config.tz)
    fire = scheduled_on(trigger, datetime.fromtimestamp(until, config.tz).date(), config.tz)
    return fire if fire is not None and fire.timestamp() <= until else None


def start(app: Any, deployment: Deployment, names: list[str], moment: datetime, *, scheduled: bool = False,
          day: date | None = None) -> list[str]:
    """Start a cycle of these briefs at `moment`: every feed URL they use queued for fetching
    once, then each brief's build. Returns the briefs started (not those already started)."""
    from procrastinate.exceptions import AlreadyEnqueued

    cycle = int(moment.timestamp())
    started: list[str] = []
    urls: dict[str, None] = {}
    with connect(deployment.store, deployment.name) as conn:
        for name in names:
            config = deployment.brief(name).config
            brief_day = day or moment.astimezone(config.tz).date()
            if scheduled and build_taken(conn, deployment, name, brief_day):
                # A schedule firing more often than once a day: the date's brief is made or
                # being made, and a cycle now would only fetch its feeds again for nothing.
                log.info("%s %s: made or being made: no new cycle at %s", name, brief_day, moment.isoformat())
                continue
            if start_cycle(conn, name, cycle, brief_day.isoformat()):
                started.append(name)
                urls.update(dict.fromkeys(feed_urls(config)))
    for url in urls:
        try:
            app.configure_task(FETCH, queueing_lock=f"fetch:{url}").defer(url=url, cycle=cycle)
        except AlreadyEnqueued:
            pass  # a fetch of the URL is waiting already: it will do for this cycle too
    for name in started:
        config = deployment.brief(name).config
        brief_day = day or moment.astimezone(config.tz).date()
        try:
            app.configure_task(BUILD, queueing_lock=f"build:{name}:{brief_day}", priority=-1).defer(
                brief=name, day=brief_day.isoformat(), cycle=cycle, scheduled=scheduled)
        except AlreadyEnqueued:
            pass
    log.info("cycle %d: %d brief(s), %d feed URL(s) queued", cycle, len(started), len(urls))
    return started


def build_taken(conn: Any, deployment: Deployment, name: str, day: date) -> bool:
    """Whether a build of this brief for this date is queued or running, or the brief is made."""
    row = conn.execute(
        f"SELECT 1 FROM {queue_schema(deployment.name)}.procrastinate_jobs WHERE task_name = %s"
        " AND status::text IN ('todo', 'doing', 'succeeded') AND args->>'brief' = %s AND args->>'day' = %s LIMIT 1",
        (BUILD, name, day.isoformat()),
    ).fetchone()
    if row is not None:
        return True
    # Workers delete a build's job once it succeeds: that the brief is made, the brief's
    # own run ledger says (whoever made it: a worker, or `generate --store` by hand).
    runs = f"{schema_name(name)}.runs"
    if conn.execute("SELECT to_regclass(%s)", (runs,)).fetchone()[0] is None:
        return False
    done = conn.execute(f"SELECT 1 FROM {runs} WHERE brief_date = %s AND status = 'done'", (day.isoformat(),))
    return done.fetchone() is not None


def build_once(deployment: Deployment, name: str, day: date, cycle: int, scheduled: bool) -> None:
    from ..pipeline import run_brief

    brief = deployment.brief(name)
    config = brief_config(deployment, brief)
    started = time.monotonic()
    # The cycle's feeds: fetched by the fetch tasks, or here for any that nobody has taken.
    with connect(deployment.store, deployment.name) as conn:
        ensure_fetched(conn, feed_urls(config), cycle, config.feeds, wait=deployment.worker.fetch_wait)
    formats = list(config.output.formats)
    if config.email is not None:
        from ..pipeline import EMAIL_FORMATS

        formats = list(dict.fromkeys([*formats, *EMAIL_FORMATS]))
    result = run_brief(config, day, out_dir=deployment.out_dir(brief), formats=formats, wait=LOCK_WAIT,
                       skip_done=True, scheduled=scheduled, transport=StoredTransport(deployment.store, deployment.name, deployment.worker.concurrency + 2))
    if result.no_articles is not None:
        raise NoArticlesError(f"{name} {day}: {result.no_articles}")
    if result.build is None:
        log.info("%s %s: already made, not made again", name, day)
    else:
        log.info("%s %s: built in %.1f s", name, day, time.monotonic() - started)


def queue_deliveries(app: Any, deployment: Deployment, name: str, day: str) -> None:
    from procrastinate.exceptions import AlreadyEnqueued

    config = deployment.brief(name).config
    if config.email is None:
        return
    for recipient in config.email.recipients:
        try:
            app.configure_task(DELIVER, queueing_lock=f"deliver:{name}:{day}:{recipient}").defer(
                brief=name, day=day, recipient=recipient)
        except AlreadyEnqueued:
            pass


def deliver_once(deployment: Deployment, name: str, day: date, recipient: str) -> None:
    from .. import ledger
    from ..deliver.email import send_brief
    from ..store import open_store

    brief = deployment.brief(name)
    config = brief_config(deployment, brief)
    folder = deployment.out_dir(brief) / day.isoformat()
    # The date's lock: one sender of a brief at a time, so a recipient's row moves
    # pending -> sending -> sent under one owner, and a row left `sending` is ambiguous.
    with open_store(config) as db, ledger.date_lock(db, day, LOCK_WAIT):
        rows = send_brief(config, day, db, folder, only=[recipient])
    for row in rows:
        if row.status in ("failed",):
            raise DeliveryError(f"{name} {day}: {recipient}: {row.error}")
        if row.status == "ambiguous":
            # The line that resends to this recipient alone: this brief's config, folder and date, on
            # the deployment's store (named, not shown: its URL may hold a password).
            from ..deliver.report import send_command

            command = send_command(config, day, deployment.out_dir(brief), force=True, recipients=[recipient])
            log.warning("%s %s: %s may have had it already (%s): not sent again; ask them, and if it did not "
                        "arrive, `%s`, with BRIEFGEN_STORE set to the store of %s, sends it to them alone",
                        name, day, recipient, row.error, command, deployment.path)

