"""The types of the command line's arguments, each rejecting a bad value in one line."""

from __future__ import annotations

import argparse
from datetime import date
from typing import NoReturn

from .config import FORMATS, WINDOW_RE
from .errors import ExitStatus


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


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line that says where help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitStatus.USAGE, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")
