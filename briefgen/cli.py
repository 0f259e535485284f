"""Command line: parse arguments, call the pipeline, map errors to exit codes. Nothing else."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import __version__, cliserve, clistore, clithemes, logs, redact
from .checkup import health_table
from .cliargs import Parser, _count, _date, _formats, _seconds, _window
from .clideploy import add_commands as add_deployment_commands
from .completion import SHELLS, script
from .config import FORMATS, Config, json_schema, load_config
from .deliver.report import report_deliveries
from .errors import BriefgenError, ExitStatus
from .logs import FORMATS as LOG_FORMATS
from .models import Delivery
from .sanitise import printable, url_for_log

log = logging.getLogger("briefgen")

EPILOG = """exit codes: 0 ok, 1 unexpected error, 2 usage, 3 config error, 4 source failed (--strict),
5 render error, 6 output error, 7 delivery error, 8 locked, 9 no articles (sources failed),
10 output folder not briefgen's, 12 labelled file unusable, 13 below --min-f1, 14 store unreachable or unusable,
130 interrupted, 141 output closed by its reader"""


def _logging_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """-v, -q, --debug, --log-format: on the main parser, and again on every command so they
    work after it too (there with no default, so they never undo one given before it)."""
    flag: Any = argparse.SUPPRESS if suppress else False
    parser.add_argument("--verbose", "-v", action="store_true", default=flag, help="debug-level logs (no tracebacks)")
    parser.add_argument("--quiet", "-q", action="store_true", default=flag, help="only print errors")
    parser.add_argument("--debug", action="store_true", default=flag, help="show tracebacks and debug logs")
    parser.add_argument("--log-format", choices=LOG_FORMATS, default=argparse.SUPPRESS if suppress else "text",
                        help="text (default), or json: one object per line on stderr, for daemons")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="briefgen",
        description="Write an analyst's daily brief from articles and feeds.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    _logging_options(parser, suppress=False)
    logging_only = argparse.ArgumentParser(add_help=False)
    _logging_options(logging_only, suppress=True)
    common = argparse.ArgumentParser(add_help=False, parents=[logging_only])
    common.add_argument("--config", "-c", type=Path, default=Path("sources.yaml"), help="config file (default: ./sources.yaml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    init = sub.add_parser("init", parents=[logging_only], help="create a new project: config, articles/, templates/",
                          description="Create a working project in DIR (default: here): a commented sources.yaml "
                                      "with example themes, its JSON Schema, an empty articles/ folder and a "
                                      "templates/ folder. Never overwrites a file.")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR", help="project folder (default: .)")
    init.add_argument("--timezone", metavar="ZONE", help="IANA time zone of the brief (default: this machine's, else UTC)")
    init.set_defaults(run=cmd_init)

    check = sub.add_parser("check", parents=[common], help="validate the config and show what it would do",
                           description="Validate the config file (every problem by its path), then show the "
                                       "sources (files found, feeds reachable), themes, next scheduled runs and "
                                       "email settings. Exit 0 when usable, 3 when invalid, 4 when a source is not.")
    check.add_argument("--offline", action="store_true", help="do not probe the feeds")
    check.add_argument("--deployment", "-d", type=Path, metavar="FILE",
                       help="check a deployment instead: every brief config (as --offline), and the database (exit 14 when unusable)")
    check.add_argument("--migrate", action="store_true", help="with --deployment: apply pending migrations first")
    check.set_defaults(run=cmd_check)

    gen = sub.add_parser("generate", parents=[common], help="write the brief for a date", epilog=EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Ingest the sources, analyse them and write the brief into <out>/<date>/.")
    gen.add_argument("--date", type=_date, help="brief date, YYYY-MM-DD (default: today in the config's time zone)")
    gen.add_argument("--out", type=Path, help="output folder (default: output.dir of the config)")
    gen.add_argument("--format", type=_formats, help=f"comma-separated formats (default: output.formats; any of {','.join(FORMATS)})")
    gen.add_argument("--window", type=_window,
                     help="a fixed time window: all, 24h, 7d... (default: brief.window, else since the previous brief)")
    gen.add_argument("--strict", action="store_true", help="exit with code 4 when any source failed (the brief is still written)")
    gen.add_argument("--offline", action="store_true", help="fetch no feed: use only what the store holds")
    gen.add_argument("--email", action="store_true", help="then email it to the recipients of the config's email section")
    gen.add_argument("--store", metavar="URL",
                     help="the store: a postgresql:// URL (a deployment's shared store) or a SQLite path; as BRIEFGEN_STORE")
    gen.add_argument("--wait", type=_seconds, default=0.0, metavar="SECONDS",
                     help="if another run is making this date's brief, wait this long for it (default: exit with code 8)")
    gen.set_defaults(run=cmd_generate)

    fetch = sub.add_parser("fetch", parents=[common], help="fetch every source into the store, render nothing",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Ingest every enabled source into the store (feeds incrementally) and print their health.")
    fetch.add_argument("--out", type=Path, help="output folder whose store to use (default: output.dir of the config)")
    fetch.add_argument("--strict", action="store_true", help="exit with code 4 when any source failed")
    fetch.set_defaults(run=cmd_fetch)

    sources = sub.add_parser("sources", help="import feeds from OPML, or probe every source",
                             description="Manage and probe the config's sources.")
    sources_sub = sources.add_subparsers(dest="sources_command", metavar="ACTION")
    sources_sub.required = True
    imp = sources_sub.add_parser("import", parents=[common], help="add the feeds of an OPML file to the config",
                                 description="Append the feeds of an OPML file to the config's sources (as text: "
                                             "comments and layout are kept), then validate the result.")
    imp.add_argument("opml", type=Path, metavar="FILE.opml", help="OPML file, as feed readers export them")
    imp.set_defaults(run=cmd_sources_import)
    probe = sources_sub.add_parser("check", parents=[common], help="probe every enabled source and print a table",
                                   description="Fetch and parse every enabled source once (nothing is stored) "
                                               "and print a table of their health; exit 4 if any failed.")
    probe.set_defaults(run=cmd_sources_check)

    send = sub.add_parser("send", parents=[common], help="email a written brief to whoever has not had it",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                          description="Email the brief for a date to every recipient the outbox has not sent it to.")
    send.add_argument("--date", type=_date, help="brief date, YYYY-MM-DD (default: today in the config's time zone)")
    send.add_argument("--out", type=Path, help="output folder the brief was written to (default: output.dir of the config)")
    send.add_argument("--force", action="store_true", help="send again to every recipient, sent or not (same Message-IDs)")
    send.add_argument("--recipient", action="append", metavar="ADDRESS",
                      help="only this recipient of the config (repeatable); with --force, send it to them alone again")
    send.add_argument("--dry-run", action="store_true", help="write each message as an .eml file beside the brief; send nothing")
    send.add_argument("--wait", type=_seconds, default=0.0, metavar="SECONDS",
                      help="if another run holds this date, wait this long for it (default: exit with code 8)")
    send.set_defaults(run=cmd_send)

    clithemes.add_themes(sub, common)

    sched = sub.add_parser("schedule", parents=[common], help="run in the foreground, making the brief on schedule",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Make (and email) the brief at schedule.cron until stopped by SIGTERM or "
                                       "Ctrl-C; on start, make today's brief if its time has passed without it.")
    sched.add_argument("--backfill", type=_count, default=0, metavar="N",
                       help="on start, also make the last N scheduled briefs that were missed")
    sched.set_defaults(run=cmd_schedule)

    config = sub.add_parser("config", help="show the config file's schema", description="About sources.yaml itself.")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION")
    config_sub.required = True
    for name, target, helptext in (("schema", config_sub, "print the JSON Schema of sources.yaml"),
                                   ("schema", sub, "the same as `config schema`")):
        schema = target.add_parser(name, parents=[logging_only], help=helptext,
                                   description="Print the JSON Schema of sources.yaml (generated from the config models).")
        schema.set_defaults(run=cmd_schema)

    listing = sub.add_parser("list", parents=[common], help="list the briefs in the output folder",
                             description="List the briefs in the output folder: date, articles, passages per "
                                         "theme, and whether each was emailed.")
    listing.add_argument("--out", type=Path, help="output folder (default: output.dir of the config)")
    listing.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    listing.set_defaults(run=cmd_list)

    clithemes.add_feedback(sub, common)

    cliserve.add_commands(sub, common)
    clistore.add_commands(sub, common)

    completion = sub.add_parser("completion", help="print a shell completion script",
                                description="Print the completion script for bash, zsh or fish, e.g. "
                                            "`source <(briefgen completion bash)`.")
    completion.add_argument("shell", choices=SHELLS, help="the shell")
    completion.set_defaults(run=cmd_completion)
    add_deployment_commands(sub, logging_only)
    return parser


def cmd_generate(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import run_brief
    from .store import STORE_ENV

    if args.store:
        # The flag wins over the environment and the file: this process only.
        os.environ[STORE_ENV] = args.store

    day = args.date or datetime.now(config.tz).date()
    formats = args.format or config.output.formats
    out = args.out
    run = run_brief(config, day, out_dir=out, formats=formats, window=args.window, offline=args.offline,
                    email=args.email, wait=args.wait)
    result = run.build  # None when another run made the brief while this one waited for it
    for path in run.files:
        print(path)
    for note in result.brief.notes if result is not None else ():
        log.warning("%s: %s: %s", note.source, note.target, note.reason)
    if args.email:
        if run.delivery_error is not None:
            log.error("%s; the brief was written", run.delivery_error)
            return ExitStatus.DELIVERY_ERROR
        if report_deliveries(run.deliveries, day, config, out) != ExitStatus.OK:
            return ExitStatus.DELIVERY_ERROR
    if run.no_articles is not None:
        # The brief is written and says so at its top; a script must still see that it is empty.
        # The notice is whole sentences: "No articles: ... not because nothing happened."
        log.error("%s The brief was written and says so at its top.", run.no_articles)
        return ExitStatus.NO_ARTICLES
    if result is not None and result.unrendered:
        # At 06:00 a missing PDF must not pass for success, but the rest of the brief is there.
        for fmt, why in result.unrendered.items():
            log.error("no %s: %s; the other formats were written", fmt.upper(), why)
        return ExitStatus.RENDER_ERROR
    if args.strict and result is not None and result.failed_sources:
        names = ", ".join(sorted({n.source for n in result.failed_sources}))
        log.error("--strict: %d source problem(s) (%s); the brief was written: its source notes say why, "
                  "`briefgen check` probes them", len(result.failed_sources), names)
        return ExitStatus.SOURCE_ERROR
    return ExitStatus.OK


def cmd_fetch(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import open_store, refresh

    now = datetime.now(config.tz).replace(microsecond=0)
    with open_store(config, args.out) as store:
        result = refresh(config, store, now=now, progress=not args.quiet)
        total = store.count_articles()
    print("\n".join(health_table(result.health)))
    for note in result.notes:
        log.warning("%s: %s: %s", note.source, note.target, note.reason)
    new = sum(h.new_items for h in result.health)
    print(f"{len(result.health)} feeds, {new} new items; {total} articles stored")
    failed = sorted({h.source for h in result.failed} | {n.source for n in result.notes if n.level == "error"})
    if args.strict and failed:
        log.error("--strict: %d source(s) failed (%s); the table says why, `briefgen check` probes them again",
                  len(failed), ", ".join(failed))
        return ExitStatus.SOURCE_ERROR
    return ExitStatus.OK


def cmd_sources_import(args: argparse.Namespace, config: Config | None) -> int:
    from .ingest.opml import import_opml

    added, skipped = import_opml(args.config, args.opml)
    for feed in added:
        print(printable(f"added {feed.name}: {url_for_log(feed.url)}"))
    print(f"{args.config}: {len(added)} feed{'s' if len(added) != 1 else ''} added, "
          f"{len(skipped)} already there")
    return ExitStatus.OK


def cmd_sources_check(args: argparse.Namespace, config: Config) -> int:
    from .ingest import check_sources

    rows = check_sources(config, progress=not args.quiet)
    print("\n".join(health_table(rows, new=False)))
    return ExitStatus.SOURCE_ERROR if any(r.failed for r in rows) else ExitStatus.OK


def cmd_send(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import email_brief

    day = args.date or datetime.now(config.tz).date()
    outcome = email_brief(config, day, out_dir=args.out, force=args.force, dry_run=args.dry_run, wait=args.wait,
                          only=args.recipient or ())
    if args.dry_run:
        for path in outcome:
            print(path)
        return ExitStatus.OK
    return report_deliveries([d for d in outcome if isinstance(d, Delivery)], day, config, args.out)


def cmd_schedule(args: argparse.Namespace, config: Config) -> int:
    from .schedule import Daemon

    return Daemon(config, backfill=args.backfill, log_level=logging.getLogger().level,
                  log_format=args.log_format).run()


def cmd_check(args: argparse.Namespace, config: Config | None) -> int:
    from .checkup import checkup, verdict

    if args.deployment is not None:
        from .clideploy import cmd_check_deployment

        return cmd_check_deployment(args)
    assert config is not None

    enabled = [s for s in config.sources if s.enabled]
    print(f"{args.config}: ok ({len(enabled)} source{'s' if len(enabled) != 1 else ''} enabled, "
          f"{len(config.themes)} theme{'s' if len(config.themes) != 1 else ''})")
    report = checkup(config, offline=args.offline)
    if not args.quiet:
        print("\n".join(report.lines()))
    verdict(report)
    return ExitStatus.OK


def cmd_schema(args: argparse.Namespace, config: Config | None) -> int:
    print(json.dumps(json_schema(), indent=2))
    return ExitStatus.OK


def cmd_init(args: argparse.Namespace, config: Config | None) -> int:
    from .init import init_project

    project = init_project(args.dir, timezone=args.timezone)
    print(f"Created a briefgen project in {project.root}:")
    for line in project.summary():
        print(f"  {line}")
    print("Next:")
    for step in project.next_steps:
        print(f"  {step}")
    return ExitStatus.OK


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    from .listing import list_briefs, table

    listed = list_briefs(config, args.out)
    if args.json:
        print(json.dumps([item.as_json() for item in listed], indent=2))
    elif not listed:
        print(f"no briefs in {args.out or config.resolve(config.output.dir)} yet: `briefgen generate` writes one")
    else:
        print("\n".join(table(listed, [t.key for t in config.themes])))
    return ExitStatus.OK


def cmd_completion(args: argparse.Namespace, config: Config | None) -> int:
    print(script(build_parser(), args.shell), end="")
    return ExitStatus.OK


NEEDS_CONFIG: set[Callable[..., int]] = {cmd_generate, cmd_check, cmd_fetch, cmd_sources_check, cmd_send,
                                         cmd_schedule, cmd_list, clithemes.cmd_themes_test, clithemes.cmd_feedback,
                                         cliserve.cmd_serve, cliserve.cmd_watch, clistore.cmd_prune}


def _terminated(signum: int, frame: object) -> None:
    # SIGTERM ends a run like Ctrl-C does: the ledger records it as interrupted, locks are let go.
    raise KeyboardInterrupt


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler, returning the previous one (signals belong to the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        # `briefgen` alone is someone finding their way: the commands, not an error line.
        parser.print_help()
        return int(ExitStatus.USAGE)
    args = parser.parse_args(argv)
    debug = args.debug
    logs.setup(verbose=args.verbose, quiet=args.quiet, debug=debug, fmt=args.log_format)
    previous = _on_sigterm(_terminated)
    try:
        needs = args.run in NEEDS_CONFIG and getattr(args, "deployment", None) is None
        config = load_config(args.config) if needs else None
        if config is not None and config.email is not None and config.email.password_env:
            # Whichever command this is, no line it prints shows the SMTP password.
            redact.register(os.environ.get(config.email.password_env))
        return int(args.run(args, config))
    except BriefgenError as exc:
        if debug:
            logs.scrub_tracebacks()
            raise
        logs.error_line(str(exc), args.log_format)
        return int(exc.status)
    except KeyboardInterrupt:
        logs.error_line("interrupted", args.log_format)
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # `briefgen themes test | head`: the reader has what it wanted. Nothing more can be
        # printed, and Python's own flush of stdout at exit must not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitStatus.BROKEN_PIPE)
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            logs.scrub_tracebacks()
            raise
        logs.error_line(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                        args.log_format)
        return int(ExitStatus.ERROR)
    finally:
        if previous is not None:
            _on_sigterm(previous)


if __name__ == "__main__":
    sys.exit(main())
