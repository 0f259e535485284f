"""Crontab lines, read into APScheduler triggers: the config validates `schedule.cron` with
this, and the scheduler and the window run on it, so it lives below both."""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_trigger(expr: str, tz: tzinfo | str) -> CronTrigger:
    """A trigger for a crontab line: 5 fields, or 6 with seconds first."""
    fields = expr.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ValueError(
            f"{expr!r} is not a cron line: give 5 fields (minute hour day month weekday), "
            "or 6 with seconds first"
        )
    second, minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            second=second, minute=minute, hour=hour, day=day, month=month,
            day_of_week=_weekdays(weekday), timezone=tz,
        )
    except ValueError as exc:
        raise ValueError(f"{expr!r} is not a cron line: {exc}") from None


def _weekdays(spec: str) -> str:
    """Crontab weekdays (0 and 7 are Sunday) as names: APScheduler 3 counts 0 as Monday."""
    if spec == "*" or re.search(r"[a-z]", spec, re.I):
        return spec
    days: set[int] = set()
    for item in spec.split(","):
        match = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", item)
        if not match:
            raise ValueError(f"weekday {item!r} is not valid")
        _, first, last, step = match.groups()
        low = 0 if first is None else int(first)
        high = 6 if first is None else int(last if last is not None else (7 if step else first))
        if not (0 <= low <= high <= 7) or (step is not None and int(step) < 1):
            raise ValueError(f"weekday {item!r} is not valid (0-7, 0 and 7 being Sunday)")
        days.update(d % 7 for d in range(low, high + 1, int(step or 1)))
    return ",".join(WEEKDAYS[d] for d in sorted(days))
