"""Command line: parse arguments, call the pipeline, map errors to exit codes. Nothing else."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .config import FORMATS, WINDOW_RE, Config, json_schema, load_config
from .errors import BriefgenError, ExitStatus
from .models import Delivery, SourceHealth

log = logging.getLogger("briefgen")

EPILOG = """exit codes: 0 ok, 1 unexpected error, 2 usage, 3 config error, 4 source failed (--strict),
5 render error, 6 output error, 7 delivery error, 8 locked, 130 interrupted"""


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-01-17") from None


def _formats(value: str) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or '(none)'}: choose from {','.join(FORMATS)}")
    return list(dict.fromkeys(chosen))


def _window(value: str) -> str:
    if not WINDOW_RE.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a window: use all, 24h, 7d...")
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds")
    return seconds


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Write an analyst's daily brief from articles and feeds.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", "-c", type=Path, default=Path("sources.yaml"), help="config file (default: ./sources.yaml)")
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    common.add_argument("--quiet", "-q", action="store_true", help="only print errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    gen = sub.add_parser("generate", parents=[common], help="write the brief for a date", epilog=EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Ingest the sources, analyse them and write the brief into <out>/<date>/.")
    gen.add_argument("--date", type=_date, help="brief date, YYYY-MM-DD (default: today in the config's time zone)")
    gen.add_argument("--out", type=Path, help="output folder (default: output.dir of the config)")
    gen.add_argument("--format", type=_formats, help=f"comma-separated formats (default: output.formats; any of {','.join(FORMATS)})")
    gen.add_argument("--window", type=_window, help="time window: all, 24h, 7d... (default: brief.window)")
    gen.add_argument("--strict", action="store_true", help="exit with code 4 when any source failed (the brief is still written)")
    gen.add_argument("--offline", action="store_true", help="fetch no feed: use only what the store holds")
    gen.add_argument("--email", action="store_true", help="then email it to the recipients of the config's email section")
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
    send.add_argument("--dry-run", action="store_true", help="write each message as an .eml file beside the brief; send nothing")
    send.add_argument("--wait", type=_seconds, default=0.0, metavar="SECONDS",
                      help="if another run holds this date, wait this long for it (default: exit with code 8)")
    send.set_defaults(run=cmd_send)

    sched = sub.add_parser("schedule", parents=[common], help="run in the foreground, making the brief on schedule",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Make (and email) the brief at schedule.cron until stopped by SIGTERM or "
                                       "Ctrl-C; on start, make today's brief if its time has passed without it.")
    sched.add_argument("--backfill", type=_count, default=0, metavar="N",
                       help="on start, also make the last N scheduled briefs that were missed")
    sched.set_defaults(run=cmd_schedule)

    check = sub.add_parser("check", parents=[common], help="validate the config and exit",
                           description="Validate the config file; report every problem by its path.")
    check.set_defaults(run=cmd_check)

    schema = sub.add_parser("schema", help="print the JSON Schema of the config file",
                            description="Print the JSON Schema of sources.yaml.")
    schema.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    schema.set_defaults(run=cmd_schema)
    return parser


def cmd_generate(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import run_brief

    day = args.date or datetime.now(config.tz).date()
    formats = args.format or config.output.formats
    out = args.out
    run = run_brief(config, day, out_dir=out, formats=formats, window=args.window, offline=args.offline,
                    email=args.email, wait=args.wait)
    assert run.build is not None
    result = run.build
    for path in result.files:
        print(path)
    for note in result.brief.notes:
        log.warning("%s: %s: %s", note.source, note.target, note.reason)
    if args.email:
        if run.delivery_error is not None:
            log.error("%s; the brief was written", run.delivery_error)
            return ExitStatus.DELIVERY_ERROR
        if _report(run.deliveries, day) != ExitStatus.OK:
            return ExitStatus.DELIVERY_ERROR
    if result.unrendered:
        # At 06:00 a missing PDF must not pass for success, but the rest of the brief is there.
        for fmt, why in result.unrendered.items():
            log.error("no %s: %s; the other formats were written", fmt.upper(), why)
        return ExitStatus.RENDER_ERROR
    if args.strict and result.failed_sources:
        names = ", ".join(sorted({n.source for n in result.failed_sources}))
        log.error("--strict: %d source problem(s) (%s); the brief was written", len(result.failed_sources), names)
        return ExitStatus.SOURCE_ERROR
    return ExitStatus.OK


def cmd_fetch(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import open_store, refresh

    now = datetime.now(config.tz).replace(microsecond=0)
    with open_store(config, args.out) as store:
        result = refresh(config, store, now=now, progress=not args.quiet)
        total = store.count_articles()
    _print_health(result.health)
    for note in result.notes:
        log.warning("%s: %s: %s", note.source, note.target, note.reason)
    new = sum(h.new_items for h in result.health)
    print(f"{len(result.health)} feeds, {new} new items; {total} articles stored")
    failed = sorted({h.source for h in result.failed} | {n.source for n in result.notes if n.level == "error"})
    if args.strict and failed:
        log.error("--strict: %d source(s) failed (%s)", len(failed), ", ".join(failed))
        return ExitStatus.SOURCE_ERROR
    return ExitStatus.OK


def cmd_sources_import(args: argparse.Namespace, config: Config | None) -> int:
    from .ingest.opml import import_opml

    added, skipped = import_opml(args.config, args.opml)
    for feed in added:
        print(f"added {feed.name}: {feed.url}")
    print(f"{args.config}: {len(added)} feed{'s' if len(added) != 1 else ''} added, "
          f"{len(skipped)} already there")
    return ExitStatus.OK


def cmd_sources_check(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import check_sources

    rows = check_sources(config, progress=not args.quiet)
    _print_health(rows, new=False)
    return ExitStatus.SOURCE_ERROR if any(r.failed for r in rows) else ExitStatus.OK


def _print_health(rows: Sequence[SourceHealth], new: bool = True) -> None:
    """A plain table (it may go to a pipe): source, status, items, new, time, detail."""
    if not rows:
        print("no feed sources enabled")
        return
    head = ["source", "status", "items", *(["new"] if new else []), "time", "detail"]
    table = [head]
    for row in rows:
        detail = row.reason or ""
        if row.stale and row.failing_since:
            detail += f" (stale: failing since {row.failing_since:%Y-%m-%d})"
        time_text = f"{row.duration:.1f} s" if row.duration is not None else "-"
        table.append([row.source, row.status, str(row.items), *([str(row.new_items)] if new else []), time_text, detail])
    widths = [max(len(r[i]) for r in table) for i in range(len(head) - 1)]
    for r in table:
        # Names and statuses read left-aligned, numbers right-aligned; the detail runs free.
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r[:-1], widths, strict=True))]
        print("  ".join([*cells, r[-1]]).rstrip())


def cmd_send(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import email_brief

    day = args.date or datetime.now(config.tz).date()
    outcome = email_brief(config, day, out_dir=args.out, force=args.force, dry_run=args.dry_run, wait=args.wait)
    if args.dry_run:
        for path in outcome:
            print(path)
        return ExitStatus.OK
    return _report([d for d in outcome if isinstance(d, Delivery)], day)


def cmd_schedule(args: argparse.Namespace, config: Config) -> int:
    from .schedule import Daemon

    return Daemon(config, backfill=args.backfill, log_level=logging.getLogger().level).run()


def _report(deliveries: list[Delivery], day: date) -> int:
    """One line per recipient on stdout; problems on stderr; DELIVERY_ERROR unless all were sent."""
    for d in deliveries:
        if d.status == "sent":
            print(f"{'sent' if d.tried else 'already sent'} {d.recipient} {d.message_id}")
        elif d.status == "ambiguous":
            log.error("%s: may have been delivered: %s; check with the recipient, then "
                      "`briefgen send --date %s --force` sends it again", d.recipient, d.error, day)
        else:
            log.error("%s: %s: %s", d.recipient, d.status, d.error)
    undelivered = [d for d in deliveries if d.status != "sent"]
    if undelivered:
        log.error("not delivered to %d of %d recipients (the brief is written); "
                  "`briefgen send --date %s` tries again", len(undelivered), len(deliveries), day)
        return ExitStatus.DELIVERY_ERROR
    return ExitStatus.OK


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    enabled = [s for s in config.sources if s.enabled]
    print(f"{args.config}: ok ({len(enabled)} sources enabled, {len(config.themes)} themes)")
    return ExitStatus.OK


def cmd_schema(args: argparse.Namespace, config: Config | None) -> int:
    print(json.dumps(json_schema(), indent=2))
    return ExitStatus.OK


NEEDS_CONFIG: set[Callable[..., int]] = {cmd_generate, cmd_check, cmd_fetch, cmd_sources_check, cmd_send, cmd_schedule}


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
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    level = logging.DEBUG if debug else logging.ERROR if getattr(args, "quiet", False) else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s" if debug else "briefgen: %(message)s")
    if not debug:
        # Library chatter (fontTools, weasyprint) is noise at the default level.
        for noisy in ("fontTools", "weasyprint", "trafilatura", "htmldate", "httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    previous = _on_sigterm(_terminated)
    try:
        config = load_config(args.config) if args.run in NEEDS_CONFIG else None
        return int(args.run(args, config))
    except BriefgenError as exc:
        if debug:
            raise
        print(f"briefgen: error: {exc}", file=sys.stderr)
        return int(exc.status)
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return int(ExitStatus.INTERRUPTED)
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        print(f"briefgen: unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return int(ExitStatus.ERROR)
    finally:
        if previous is not None:
            _on_sigterm(previous)


if __name__ == "__main__":
    sys.exit(main())
