"""The base every section of the schema shares, and the checks more than one section uses."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

WINDOW_RE = re.compile(r"^(all|\d+[hd])$")
# No number in the file may be larger: seconds, bytes, counts and weights beyond it are
# mistakes, and past it sleeps, timeouts and date arithmetic overflow.
MAX_NUMBER = 10**9


class Model(BaseModel):
    """A section of `sources.yaml`: frozen, and strict about its keys."""

    # Unknown keys are typos far more often than intent: reject them (with a hint).
    # Infinity and NaN parse (.inf, .nan, 1e999) but no timeout or weight can use them.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _usable_number(cls, value: Any) -> Any:
        numbers = value.values() if isinstance(value, dict) else [value]
        for number in numbers:
            if isinstance(number, int | float) and not isinstance(number, bool) and abs(number) > MAX_NUMBER:
                raise ValueError(f"{number:.4g} is too large to be used: at most {MAX_NUMBER:,}")
        return value


def shown(value: object) -> str:
    """`value` as an error message quotes it: a 5,000-digit number is cut, not printed whole."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(str(value)):,} characters)"


# A window longer than a century reaches before any feed, and far enough overflows dates.
MAX_WINDOW_DAYS = 36500


def window_problem(value: str) -> str | None:
    """Why `value` is not a window ('all', '24h', '7d'...), or None when it is one."""
    if not WINDOW_RE.match(value):
        return f"{shown(value)} is not a window: use 'all', hours like '24h' or days like '7d'"
    # Digits counted before int(): a 5,000-digit window is refused, not converted.
    if value != "all" and (len(value) > 10 or int(value[:-1]) / (24 if value.endswith("h") else 1) > MAX_WINDOW_DAYS):
        return f"{shown(value)} is longer than {MAX_WINDOW_DAYS} days: use 'all' for everything"
    return None


def check_window(value: str | None) -> str | None:
    problem = window_problem(value) if value is not None else None
    if problem:
        raise ValueError(problem)
    return value
