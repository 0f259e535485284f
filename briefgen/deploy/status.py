"""`briefgen status` and `briefgen check --deployment`: what a deployment is doing, and whether it can run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import StoreError
from ..store.migrations import MIGRATIONS
from ..store.postgres import describe, redact, schema_name
from .settings import Deployment
from .shared import connect, pending_migrations, queue_schema
from .tasks import QUEUES


@dataclass
class BriefStatus:
    name: str
    config: str
    schedule: str
    timezone: str
    last_date: str | None = None
    last_status: str | None = None
    last_finished: str | None = None
    last_error: str | None = None
    next_run: str | None = None
    failures: int = 0
    emails_sent: int = 0
    emails_unsent: int = 0


@dataclass
class Status:
    deployment: str
    store: str
    briefs: list[BriefStatus] = field(default_factory=list)
    queue: dict[str, dict[str, int]] = field(default_factory=dict)
    failed_jobs: int = 0
    workers: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [f"deployment {self.deployment} on {self.store}", "",
               "brief                 last run                      next run                   failures  emails"]
        for b in self.briefs:
            last = f"{b.last_date} {b.last_status}" if b.last_date else "never"
            emails = f"{b.emails_sent} sent" + (f", {b.emails_unsent} not" if b.emails_unsent else "")
            out.append(f"{b.name[:20]:<21} {last:<29} {(b.next_run or '-')[:25]:<26} {b.failures:>8}  {emails}")
            if b.last_error and b.last_status != "done":
                out.append(f"  {b.last_error[:150]}")
        out.append("")
        depth = ", ".join(f"{q}: {c.get('todo', 0)} waiting, {c.get('doing', 0)} running" for q, c in self.queue.items())
        out.append(f"queue: {depth or 'empty'}; {self.failed_jobs} failed job(s)")
        alive = ", ".join(f"{w['id']} (last seen {w['last_heartbeat']})" for w in self.workers)
        out.append(f"workers alive: {len(self.workers)}" + (f": {alive}" if alive else ""))
        return out


def status(deployment: Deployment, now: datetime | None = None) -> Status:
    """The briefs' last and next runs and failures, the queue's depth and the workers alive."""
    from ..schedule import cron_trigger

    now = now or datetime.now(UTC)
    result = Status(deployment.name, redact(deployment.store))
    try:
        conn = connect(deployment.store, deployment.name)
    except Exception as exc:
        raise StoreError(f"store {redact(deployment.store)}: cannot connect: {describe(exc, deployment.store)}") from None
    with conn:
        # In name order (docs/json.md), whatever the files are called or the list's order.
        for brief in sorted(deployment.briefs, key=lambda b: b.name):
            config = brief.config
            nxt = cron_trigger(config.schedule.cron, config.tz).get_next_fire_time(None, now.astimezone(config.tz))
            row = BriefStatus(brief.name, str(brief.path), config.schedule.cron, config.timezone,
                              next_run=nxt.isoformat() if nxt else None)
            schema = schema_name(brief.name)
            if conn.execute("SELECT to_regclass(%s)", (f"{schema}.runs",)).fetchone()[0] is not None:
                last = conn.execute(
                    f"SELECT brief_date, status, finished, error FROM {schema}.runs ORDER BY brief_date DESC LIMIT 1"
                ).fetchone()
                if last:
                    row.last_date, row.last_status, row.last_finished, row.last_error = last
                row.failures = conn.execute(
                    f"SELECT count(*) FROM {schema}.runs WHERE status IN ('failed', 'interrupted')").fetchone()[0]
                for status_name, count in conn.execute(f"SELECT status, count(*) FROM {schema}.outbox GROUP BY status"):
                    if status_name == "sent":
                        row.emails_sent += count
                    else:
                        row.emails_unsent += count
            result.briefs.append(row)
        queue = queue_schema(deployment.name)
        if conn.execute("SELECT to_regclass(%s)", (f"{queue}.procrastinate_jobs",)).fetchone()[0] is not None:
            result.queue = {q: {} for q in QUEUES}
            for name, state, count in conn.execute(
                f"SELECT queue_name, status, count(*) FROM {queue}.procrastinate_jobs GROUP BY queue_name, status"
            ):
                if state == "failed":
                    result.failed_jobs += count
                result.queue.setdefault(name, {})[state] = count
            for worker_id, seen in conn.execute(
                f"SELECT id, last_heartbeat FROM {queue}.procrastinate_workers"
                " WHERE last_heartbeat > now() - make_interval(secs => %s) ORDER BY id",
                (deployment.worker.stalled_after,),
            ):
                result.workers.append({"id": worker_id, "last_heartbeat": seen.isoformat()})
    return result


def check(deployment: Deployment) -> list[str]:
    """Problems that stop the deployment from running (an empty list: none), the database
    reached and each part's migrations compared with this version's."""
    problems: list[str] = []
    try:
        conn = connect(deployment.store, deployment.name)
    except Exception as exc:
        raise StoreError(f"store {redact(deployment.store)}: cannot connect: {describe(exc, deployment.store)}") from None
    with conn:
        pending = pending_migrations(conn, deployment.name)
        if pending:
            problems.append(f"the deployment's shared tables: {pending} migration(s) pending")
        queue = queue_schema(deployment.name)
        if conn.execute("SELECT to_regclass(%s)", (f"{queue}.procrastinate_jobs",)).fetchone()[0] is None:
            problems.append("the job queue is not created yet")
        for brief in deployment.briefs:
            schema = schema_name(brief.name)
            found = conn.execute("SELECT to_regclass(%s)", (f"{schema}.briefgen_schema",)).fetchone()[0]
            version = conn.execute(f"SELECT version FROM {schema}.briefgen_schema").fetchone()[0] if found else 0
            if version < len(MIGRATIONS):
                problems.append(f"{brief.name} ({brief.path}): store at version {version} of {len(MIGRATIONS)}: "
                                f"{len(MIGRATIONS) - version} migration(s) pending")
            elif version > len(MIGRATIONS):
                problems.append(f"{brief.name}: store at version {version}, newer than this briefgen "
                                f"({len(MIGRATIONS)}): upgrade briefgen on this machine")
    return problems


def migrate_all(deployment: Deployment) -> None:
    """Apply every pending migration: shared tables, queue, and each brief's store."""
    from ..store import Store
    from .worker import prepare

    prepare(deployment)
    for brief in deployment.briefs:
        Store(deployment.store, namespace=brief.name).close()
