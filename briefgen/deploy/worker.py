"""`briefgen worker`: run a deployment's jobs until SIGTERM, surviving a database that goes away.

Any number of workers run on any number of machines. Each one, besides its jobs, looks
out for workers that stopped giving signs of life (killed, or their machine lost) and
puts their jobs back in the queue for another, one looker at a time.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from typing import Any

from ..errors import StoreError
from ..store.postgres import describe, lock_key, redact
from .settings import Deployment
from .shared import close_fetchers, connect, migrate, queue_schema
from .tasks import QUEUES, make_app

log = logging.getLogger(__name__)

# Seconds between attempts to reach a database that went away.
RECONNECT = 2.0


def prepare(deployment: Deployment) -> None:
    """Create or migrate what the deployment keeps in the database: its shared tables and its
    queue (Procrastinate's schema, in a schema of the deployment's own)."""
    try:
        conn = connect(deployment.store, deployment.name)
    except Exception as exc:
        raise StoreError(f"store {redact(deployment.store)}: cannot connect: {describe(exc, deployment.store)}") from None
    with conn:
        migrate(conn, deployment.name)
        schema = queue_schema(deployment.name)
        key = lock_key("queue", schema)
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            if conn.execute("SELECT to_regclass(%s)", (f"{schema}.procrastinate_jobs",)).fetchone()[0] is None:
                from procrastinate.schema import SchemaManager

                log.info("deployment %s: creating its queue in %s", deployment.name, redact(deployment.store))
                conn.execute(f"SET search_path TO {schema}")
                conn.execute(SchemaManager.get_schema())
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def run(deployment: Deployment) -> int:
    """Run jobs until SIGTERM or SIGINT; the jobs in hand are finished first. Returns the exit code."""
    stop = threading.Event()
    prepare(deployment)

    def on_signal(signum: int, frame: Any) -> None:
        log.info("worker: %s received, finishing the jobs in hand", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    rescuer = threading.Thread(target=_rescue_loop, args=(deployment, stop), name="briefgen-rescue", daemon=True)
    rescuer.start()
    while not stop.is_set():
        try:
            asyncio.run(_work(deployment, stop))
        except Exception as exc:  # noqa: BLE001 - the database went away: wait for it, then go on
            if stop.is_set():
                break
            log.warning("worker: lost the database (%s); reconnecting in %g s",
                        describe(exc, deployment.store), RECONNECT)
            stop.wait(RECONNECT)
    log.info("worker: stopped")
    return 0


async def _work(deployment: Deployment, stop: threading.Event) -> None:
    asyncio.get_running_loop().set_exception_handler(_unretrieved)
    try:
        await _jobs(deployment, stop)
    finally:
        await close_fetchers()


def _unretrieved(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """When the queue's connection fails, Procrastinate stops its worker without collecting
    the jobs it was running, and asyncio reports each as an error with a traceback: say
    once per job, as a warning, what happened to it (it is retried after the reconnect)."""
    from procrastinate.exceptions import ConnectorException

    error = context.get("exception")
    task = context.get("future")
    if isinstance(error, ConnectorException) and isinstance(task, asyncio.Task):
        log.warning("worker: job %s lost its database connection; it is retried",
                    task.get_name().removeprefix("process job "))
        return
    loop.default_exception_handler(context)


async def _jobs(deployment: Deployment, stop: threading.Event) -> None:
    app = make_app(deployment, pool_size=deployment.worker.concurrency + 2)
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(
            queues=list(QUEUES),
            concurrency=deployment.worker.concurrency,
            install_signal_handlers=False,
            update_heartbeat_interval=deployment.worker.heartbeat,
            stalled_worker_timeout=deployment.worker.stalled_after,
            # A stop finishes the jobs in hand. Past this, Procrastinate cancels the async ones
            # (fetches: the build fetches what they left); a build or a delivery runs in a
            # thread that cannot be cancelled, and is waited for to its end.
            shutdown_graceful_timeout=60,
            delete_jobs="successful",
            fetch_job_polling_interval=1.0,
        ))
        log.info("worker: running the jobs of deployment %s (%d briefs), %d at a time",
                 deployment.name, len(deployment.briefs), deployment.worker.concurrency)
        while not worker.done() and not stop.is_set():
            await asyncio.sleep(0.2)
        if not worker.done():
            worker.cancel()
        elif not stop.is_set():
            # Procrastinate stops its worker when its connection to the queue fails: say so,
            # since the jobs in hand failed with it and will be retried after the reconnect.
            log.warning("worker: the job queue's connection failed; reconnecting")
        try:
            await worker
        except asyncio.CancelledError:
            pass


def _rescue_loop(deployment: Deployment, stop: threading.Event) -> None:
    while not stop.wait(deployment.worker.heartbeat):
        try:
            rescued = rescue_stalled(deployment)
        except Exception as exc:  # noqa: BLE001 - the database is away: the next round tries again
            log.debug("worker: stalled-job check failed: %s", describe(exc, deployment.store))
            continue
        if rescued:
            log.warning("worker: %d job(s) of workers that stopped answering put back in the queue", rescued)


def rescue_stalled(deployment: Deployment) -> int:
    """Put back in the queue the jobs of workers silent for `stalled_after` seconds; one
    process at a time does this (an advisory lock), so a job is never put back twice."""
    schema = queue_schema(deployment.name)
    with connect(deployment.store, deployment.name) as conn:
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key("rescue", schema),)).fetchone()[0]:
            return 0
        conn.execute(f"SET search_path TO {schema}")
        conn.execute("SELECT procrastinate_prune_stalled_workers_v1(%s)", (deployment.worker.stalled_after,))
        rows = conn.execute(
            "SELECT j.id FROM procrastinate_jobs j LEFT JOIN procrastinate_workers w ON w.id = j.worker_id"
            " WHERE j.status = 'doing' AND (j.worker_id IS NULL OR w.last_heartbeat < now() - make_interval(secs => %s))",
            (deployment.worker.stalled_after,),
        ).fetchall()
        for (job_id,) in rows:
            conn.execute("SELECT procrastinate_retry_job_v2(%s, now(), NULL, NULL, NULL)", (job_id,))
        return len(rows)

