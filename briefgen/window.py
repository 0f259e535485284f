"""The span a brief covers, and which stored articles fall in it.

Unless `brief.window` or `--window` fixes a length, a brief starts where the previous
one (the newest brief dated before it) ended, and ends at the cut-off: `brief.cutoff`,
else the time `schedule.cron` fires on the brief date, else (a config without a
`schedule` section) the current time. So consecutive briefs tile time: no gap, no overlap.

Such a brief takes every stored article that no other brief carried (the store records
which articles each brief had) and that is dated (published, else first seen):

- in its window; or
- in the previous brief's window, but came in after that brief was made: published at
  05:59 and fetched at 06:05, after the 06:00 brief. It is a late arrival. Anything older
  is history (a new feed's archive), not news; or
- not at all, and first seen after the cut-off but before the brief was made: an undated
  item the brief's own fetch found is in it, not a day late.

So every article is in exactly one brief. A fixed window (`brief.window`, `--window`)
takes what is dated in it, whatever other briefs had; so does a source's own `window`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from .config import Config
from .models import Article, Window
from .store import Store

log = logging.getLogger(__name__)

# The first brief, with no previous one to start from, covers this much.
FIRST_SPAN = timedelta(hours=24)

# How a window's start was decided (`Window.basis`).
PREVIOUS = "previous brief"
FIRST = "first brief"


def brief_window(
    config: Config, day: date, store: Store, *, now: datetime, override: str | None = None, scheduled: bool = False
) -> Window:
    """The span of the brief for `day`: a fixed length when asked for, else from the previous brief's end."""
    tz = config.tz
    end, cutoff_basis = cutoff(config, day, now, scheduled)
    label = override or config.brief.window
    if label is not None:
        start = None if label == "all" else end - parse_duration(label)
        basis = "all" if label == "all" else ("--window" if override else "brief.window")
        return Window(label, start, end, basis, cutoff_basis, describe(start, end, day, tz))

    before = store.window_before(day, tz)
    own = store.brief_window(day, tz)
    previous = late_from = None
    if own is not None and own.basis in (PREVIOUS, FIRST) and own.start is not None:
        # Made again: it keeps the start it was published with.
        start, basis = own.start, own.basis
    elif before is not None:
        start, basis = before[1].end, PREVIOUS
    else:
        start, basis = end - FIRST_SPAN, FIRST
    if basis == PREVIOUS and before is not None:
        previous = before[0]
        late_from = before[1].start if before[1].start is not None else start - FIRST_SPAN
    after = store.window_after(day, tz)
    if after is not None and after[1].start is not None and start <= after[1].start < end:
        # A later brief was made first (a missed day made afterwards): it has what came after its start.
        log.info("the brief of %s covers from %s: the brief of %s ends there", after[0], after[1].start, day)
        end = after[1].start
    if start > end:
        log.warning("the previous brief (%s) ends at %s, after this brief's cut-off %s: this brief covers nothing",
                    previous, start, end)
        start = end
    return Window(span_label(end - start), start, end, basis, cutoff_basis, describe(start, end, day, tz),
                  previous, late_from)


def cutoff(config: Config, day: date, now: datetime, scheduled: bool = False) -> tuple[datetime, str]:
    """Where the brief for `day` ends, and what decided it."""
    tz = config.tz
    if config.brief.cutoff is not None:
        return datetime.combine(day, config.brief.cutoff, tz), "brief.cutoff"
    if scheduled or "schedule" in config.model_fields_set:
        return schedule_time(config, day), "schedule"
    # No schedule: the brief is made when it is asked for, and covers up to that moment.
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), tz)
    now = now.astimezone(tz)
    return (now, "current time") if now < end_of_day else (end_of_day, "end of day")


def schedule_time(config: Config, day: date) -> datetime:
    """When `schedule.cron` fires on `day`; on a day it skips (weekends), at the time it fires next."""
    from .config.cron import cron_trigger
    from .schedule import scheduled_on

    tz = config.tz
    trigger = cron_trigger(config.schedule.cron, tz)
    fire = scheduled_on(trigger, day, tz)
    if fire is None:
        following = trigger.get_next_fire_time(None, datetime.combine(day, time(0), tz))
        at = following.astimezone(tz).time() if following is not None else time(0)
        fire = datetime.combine(day, at, tz)
    return fire.astimezone(tz)


def parse_duration(label: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([hd])", label)
    if not match:
        raise ValueError(f"not a window: {label!r}")
    amount = int(match.group(1))
    return timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount)


def span_label(length: timedelta) -> str:
    """A tiled window's length as its label: "24h", "3h37m", "45m"."""
    minutes = max(0, int(length.total_seconds()) // 60)
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours}h"
    return f"{hours}h{rest:02d}m" if hours else f"{rest}m"


def describe(start: datetime | None, end: datetime, day: date, tz: tzinfo) -> str:
    """The span in words, as a reader of the brief for `day` says it: "since yesterday 06:00 KST"."""
    if start is None:
        return "all dates"
    start, end = start.astimezone(tz), end.astimezone(tz)
    text = f"since {_moment(start, day)}"
    if end.date() != day:
        text += f" until {_moment(end, day)}"
    return f"{text} {end.tzname()}"


def _moment(moment: datetime, day: date) -> str:
    days = (moment.date() - day).days
    clock = f"{moment:%H:%M}"
    if days == 0:
        return f"today {clock}"
    if days == -1:
        return f"yesterday {clock}"
    if days == 1:
        return "midnight" if clock == "00:00" else f"tomorrow {clock}"
    if -7 < days < 0:
        return f"{moment:%A} {clock}"
    return f"{moment.day} {moment:%b %Y} {clock}"


def earliest(span: Window) -> datetime | None:
    """The oldest date an article of this window may have: late arrivals reach back before its start."""
    if span.start is None:
        return None
    return min(span.start, span.late_from) if span.late_from is not None else span.start


def source_start(label: str | None, span: Window) -> datetime | None:
    """The oldest date a source's articles may have: its own window's, else the brief's."""
    if label is None:
        return earliest(span)
    return None if label == "all" else span.end - parse_duration(label)


def tiled(span: Window) -> bool:
    """Whether the window follows on from the previous brief's, rather than having a fixed length."""
    return span.basis in (PREVIOUS, FIRST)


def _in_tiled(article: Article, span: Window) -> bool:
    """Whether a tiled window takes an article (before asking whether another brief has it)."""
    moment = article.date
    if moment is None:
        return False
    if span.contains(moment) or span.arrived_late(moment):
        return True
    # Undated, and first seen after the cut-off by the time the brief was made.
    return article.published is None and moment >= span.end


def candidates(articles: Sequence[Article], span: Window) -> list[str]:
    """Ids of the articles a tiled window takes unless another brief carried them."""
    if not tiled(span):
        return []
    return [a.id for a in articles if a.window is None and _in_tiled(a, span)]


def select_articles(articles: Sequence[Article], span: Window, carried: Collection[str] = ()) -> list[Article]:
    """Articles in scope, in citation order: dated ones oldest first, then undated, by title.

    A source's own `window` is more specific than the brief's and wins over it. `carried`
    are articles another brief already has: a tiled window leaves them out."""
    chosen = []
    for article in articles:
        label = article.window or (None if span.start is not None else "all")
        if label == "all":
            chosen.append(article)
        elif label is not None:
            if article.date is not None and span.end - parse_duration(label) <= article.date < span.end:
                chosen.append(article)
        elif tiled(span):
            if _in_tiled(article, span) and article.id not in carried:
                chosen.append(article)
        elif span.contains(article.date):
            chosen.append(article)
    return sorted(chosen, key=lambda a: (a.published is None, a.published or span.end, a.title.casefold(), a.id))
