"""Command line of a deployment: `worker`, `status`, `run` and `check --deployment`. Thin, as cli.py is."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cliargs import _date
from .errors import ExitStatus

log = logging.getLogger("briefgen")


def add_commands(sub: Any, logging_only: argparse.ArgumentParser) -> None:
    deployment = argparse.ArgumentParser(add_help=False, parents=[logging_only])
    deployment.add_argument("--deployment", "-d", type=Path, required=True, metavar="FILE",
                            help="the deployment file: store, output and briefs (docs/deployment.md)")

    worker = sub.add_parser("worker", parents=[deployment], help="run a worker of a deployment until SIGTERM",
                            description="Run the jobs of a deployment (feed fetches, brief builds, email deliveries) "
                                        "until SIGTERM or Ctrl-C, finishing the jobs in hand. Run any number, on "
                                        "any number of machines; they share the work through PostgreSQL.")
    worker.set_defaults(run=cmd_worker)

    status = sub.add_parser("status", parents=[deployment], help="show a deployment's briefs, queue and workers",
                            description="Print each brief's last and next run and failures, the queue's depth "
                                        "and the workers alive.")
    status.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    status.set_defaults(run=cmd_status)

    run = sub.add_parser("run", parents=[deployment], help="queue a cycle of a deployment's briefs now",
                         description="Queue the feeds and builds of the deployment's briefs (or the ones named) "
                                     "now, as their schedules would; the workers do the work.")
    run.add_argument("--brief", action="append", metavar="NAME", help="only this brief (repeatable)")
    run.add_argument("--date", type=_date, help="brief date, YYYY-MM-DD (default: today in each brief's time zone)")
    run.set_defaults(run=cmd_run)


def cmd_worker(args: argparse.Namespace, config: None) -> int:
    from .deploy.settings import load_deployment
    from .deploy.worker import run

    return run(load_deployment(args.deployment))


def cmd_status(args: argparse.Namespace, config: None) -> int:
    from .deploy.settings import load_deployment
    from .deploy.status import status

    report = status(load_deployment(args.deployment))
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2, default=str))
    else:
        print("\n".join(report.lines()))
    return ExitStatus.OK


def cmd_run(args: argparse.Namespace, config: None) -> int:
    from .deploy.settings import load_deployment
    from .deploy.tasks import make_app, start
    from .deploy.worker import prepare

    deployment = load_deployment(args.deployment)
    names = args.brief or [b.name for b in deployment.briefs]
    unknown = [n for n in names if n not in {b.name for b in deployment.briefs}]
    if unknown:
        from .errors import UsageError

        raise UsageError(f"no brief named {', '.join(map(repr, unknown))} in {args.deployment}")
    prepare(deployment)
    app = make_app(deployment, pool_size=2)
    with app.open():
        started = start(app, deployment, names, datetime.now(UTC), day=args.date)
    for name in names:
        print(f"{name}: {'queued' if name in started else 'already queued for this moment'}")
    return ExitStatus.OK


def cmd_check_deployment(args: argparse.Namespace) -> int:
    from .deploy.settings import load_deployment
    from .deploy.status import check, migrate_all

    deployment = load_deployment(args.deployment)
    print(f"{args.deployment}: ok ({len(deployment.briefs)} brief(s): {', '.join(b.name for b in deployment.briefs)})")
    for brief in deployment.briefs:
        # As `check` says it of one config: the workers would only say it when they send.
        if brief.config.email is not None and brief.config.email.cleartext:
            log.warning("%s: %s", brief.path, brief.config.email.cleartext)
    if args.migrate:
        migrate_all(deployment)
    problems = check(deployment)
    for problem in problems:
        print(f"  {problem}")
    if problems:
        log.error("%d problem(s) in the database: `briefgen check --deployment %s --migrate` (or a worker's start) "
                  "applies the migrations", len(problems), args.deployment)
        return ExitStatus.STORE_ERROR
    print("database: reachable, up to date")
    return ExitStatus.OK
