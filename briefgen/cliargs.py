"""The types of the command line's arguments, each rejecting a bad value in one line."""

from __future__ import annotations

import argparse
from datetime import date
from typing import NoReturn

from .config import FORMATS, window_problem
from .config.base import shown
from .errors import ExitStatus

# Brief dates a brief can be made for: its window and history reach days to a year around
# the date, and the calendar (and timestamps) end at year 9999 on one side, year 1 on the other.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(9000, 12, 31)
# Seconds to wait, counts, numbers: past this they are mistakes, and sleeps overflow.
MAX_NUMBER = 10**9


def _date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(value)} is not a date like 2024-01-17") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"{shown(value)} is outside the dates a brief can have ({FIRST_DATE} to {LAST_DATE})")
    return day


def _formats(value: str) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or '(none)'}: choose from {','.join(FORMATS)}")
    return list(dict.fromkeys(chosen))


def _window(value: str) -> str:
    problem = window_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    # `not <=` also refuses NaN, which compares false with everything.
    if not 0 <= seconds <= MAX_NUMBER:
        raise argparse.ArgumentTypeError(f"{shown(value)} is not a number of seconds from 0 to {MAX_NUMBER:,}")
    return seconds


def _count(value: str) -> int:
    # A digit count before int(): a 5,000-digit string is refused, not converted.
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) > 36500:
        raise argparse.ArgumentTypeError(f"{shown(value)} is not a number of days from 0 to 36500")
    return int(value)


def _number(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise argparse.ArgumentTypeError(f"{shown(value)} is not a number from 0 to 999999999")
    return int(value)


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{shown(value)} is not a number from 0 to 1")
    return number


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line that says where help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitStatus.USAGE, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")
