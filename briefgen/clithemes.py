"""Command line of the analyst's tools for themes: `themes test` (measure them on labelled
passages) and `feedback` (verdicts the theme assignment learns from). Kept apart from
cli.py, which holds the brief's own commands."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from .cliargs import _date, _fraction, _number
from .config import Config
from .errors import ExitStatus

log = logging.getLogger("briefgen")


def add_themes(sub: Any, common: argparse.ArgumentParser) -> None:
    themes = sub.add_parser("themes", help="measure the themes on labelled passages",
                            description="Measure the configured themes against passages or articles you labelled.")
    themes_sub = themes.add_subparsers(dest="themes_command", metavar="ACTION")
    themes_sub.required = True
    scoring = themes_sub.add_parser("test", parents=[common], help="precision, recall and F1 per theme on labelled files",
                                    description="Score the config's themes on labelled YAML files (a list of passages "
                                                "{text, themes}, or of articles {title, passages}: docs/themes.md): "
                                                "precision, recall and F1 per theme, how the scope judged the articles "
                                                "labelled in or out of it, then every miss and false hit with its "
                                                "evidence; several files are also pooled. Exit 12 for a file that "
                                                "cannot be used, 13 below --min-f1.")
    scoring.add_argument("files", nargs="+", type=Path, metavar="LABELLED", help="labelled YAML files")
    scoring.add_argument("--summary", action="store_true", help="only the figures, not every miss")
    scoring.add_argument("--min-f1", type=_fraction, metavar="F1", help="exit 13 when a file's micro-F1 is below this")
    scoring.add_argument("--feedback", type=Path, metavar="STORE",
                         help="apply the verdicts `briefgen feedback` recorded in this store (or a YAML file of them)")
    scoring.set_defaults(run=cmd_themes_test)


def add_feedback(sub: Any, common: argparse.ArgumentParser) -> None:
    fb = sub.add_parser("feedback", parents=[common], help="record that a passage is, or is not, in a theme",
                        description="Record a verdict on a passage by the id the brief prints: later briefs put that "
                                    "sentence, and ones like it, in or out of the theme (an exclude still wins).")
    fb.add_argument("passage", nargs="?", metavar="PASSAGE_ID", help="a passage id as the brief prints it (ab1e7d1ce27e-4)")
    fb.add_argument("--theme", "-t", metavar="KEY", help="the theme's key (with --list: only its verdicts)")
    action = fb.add_mutually_exclusive_group()
    action.add_argument("--is", dest="verdict", action="store_const", const="is", help="the passage is in the theme")
    action.add_argument("--not", dest="verdict", action="store_const", const="not", help="the passage is not in the theme")
    action.add_argument("--list", action="store_true", help="list the verdicts kept, and whether each applies")
    action.add_argument("--remove", type=_number, metavar="N", help="forget verdict number N (as --list numbers them)")
    fb.add_argument("--date", type=_date, help="date of the brief the id is from (default: the newest with its article)")
    fb.add_argument("--out", type=Path, help="output folder whose store to use (default: output.dir of the config)")
    fb.set_defaults(run=cmd_feedback)


def cmd_themes_test(args: argparse.Namespace, config: Config) -> int:
    from .evaluate import run_files

    return run_files(config, args.files, verbose=not args.summary, min_f1=args.min_f1, feedback=args.feedback)


def cmd_feedback(args: argparse.Namespace, config: Config) -> int:
    from .feedback import run

    lines, warning = run(config, args.passage, args.theme, args.verdict, listing=args.list, remove=args.remove,
                         day=args.date, out_dir=args.out)
    print("\n".join(lines))
    if warning:
        log.warning("%s", warning)
    return ExitStatus.OK
