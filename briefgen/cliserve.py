"""Command line of what happens between briefs: `serve` (the archive in a browser) and
`watch` (flash alerts). Kept apart from cli.py, which holds the brief's own commands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .config import Config
from .errors import ExitStatus


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return int(value)


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    serve = sub.add_parser("serve", parents=[common], help="serve the archive of briefs, with search, in a browser",
                           description="Serve the briefs, their stories, themes and entities, and a full-text search "
                                       "of every stored article and brief, on http://HOST:PORT/ (docs/serve.md). "
                                       "Every page has a JSON twin (?format=json). Binds 127.0.0.1 unless given "
                                       "another host, which needs --token.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=_port, default=8080, help="port to listen on (default: 8080)")
    serve.add_argument("--token", metavar="T", help="access token every request must carry (needed for a non-loopback --host)")
    serve.add_argument("--feedback", action="store_true",
                       help="take feedback on passages and stories from the brief pages (default: read-only)")
    serve.add_argument("--out", type=Path, help="output folder whose briefs and store to serve (default: output.dir of the config)")
    serve.add_argument("--store", metavar="URL",
                       help="the store to read: a postgresql:// URL (a deployment's shared store, the brief's namespace) "
                            "or a SQLite path; as BRIEFGEN_STORE")
    serve.set_defaults(run=cmd_serve)

    watch = sub.add_parser("watch", parents=[common], help="poll the feeds and send flash alerts on the config's rules",
                           description="Poll every enabled source each watch.interval (conditional GET), group the "
                                       "articles into stories and send one alert per story and rule under `alerts:` "
                                       "(email, webhook); docs/alerts.md. Runs until stopped, or once with --once.")
    watch.add_argument("--once", action="store_true", help="poll once, send what is due, and exit")
    watch.add_argument("--out", type=Path, help="output folder whose store to use (default: output.dir of the config)")
    watch.set_defaults(run=cmd_watch)


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    import os

    from .serve import serve
    from .store import STORE_ENV

    if args.store:
        # The flag wins over the environment and the file, as `generate --store` does.
        os.environ[STORE_ENV] = args.store
    serve(config, host=args.host, port=args.port, token=args.token, feedback=args.feedback, out_dir=args.out)
    return ExitStatus.OK


def cmd_watch(args: argparse.Namespace, config: Config) -> int:
    from .watch import watch

    watch(config, once=args.once, out_dir=args.out)
    return ExitStatus.OK
