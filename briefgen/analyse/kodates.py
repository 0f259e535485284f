"""Korean dates, read from the text without translation: 2024년 1월 16일 (explicit), 1월 16일
(year from the article's date), 16일 and 지난 16일 (the latest 16th up to the article's date:
Korean news names the day of the month alone), 이날 and 오늘 (the article's date), 어제 (the
day before), 오늘(24일) and 어제(11일) (the day the writer gives), 지난달 30일, and spans
("10일부터 24일까지")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..models import PartialDate
from .hangul import HANGUL
from .years import nearest_year

if TYPE_CHECKING:
    from .timeline import Anchor

_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_MONTH = r"(?:1[0-2]|0?[1-9])"
# A day count is not a date: 11일간, 3일째, 7일 동안.
_NOT_DURATION = r"(?!\s*(?:간|째|동안|만에|이내|전|후|마다))"
DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(rf"(?<!\d)(?P<y>(?:19|20)\d\d)년\s*(?P<m>{_MONTH})월\s*(?P<d>{_DAY})일{_NOT_DURATION}")),
    # "지난해 12월 22일", "내년 3월 1일": the year named beside the month, from the article's.
    ("md", re.compile(rf"(?:(?P<yrel>지난해|작년|올해|금년|내년)\s*)?(?<!\d)(?P<m>{_MONTH})월\s*(?P<d>{_DAY})일{_NOT_DURATION}")),
    ("ym", re.compile(rf"(?<!\d)(?P<y>(?:19|20)\d\d)년\s*(?P<m>{_MONTH})월")),
    # "오늘(24일)", "이날(6일)", "어제(11일)": the day the text gives is the day, whatever the
    # article's date says.
    ("today-d", re.compile(rf"(?<![{HANGUL}])(?P<drel>이날|오늘|어제|그제|그저께|내일)\s*\(\s*(?P<d>{_DAY})일\s*\)")),
    # "지난달 30일", "다음 달 5일": a day of the month before or after the article's.
    ("month-d", re.compile(rf"(?P<mrel>지난\s?달|전달|이번\s?달|이달|다음\s?달|내달)\s*(?P<d>{_DAY})일{_NOT_DURATION}")),
    ("d", re.compile(rf"(?:(?P<rel>지난|오는)\s*)?(?<![\d월])(?P<d>{_DAY})일{_NOT_DURATION}(?![{HANGUL}])|"
                     rf"(?:(?P<rel2>지난|오는)\s*)?(?<![\d월])(?P<d2>{_DAY})일(?=[은는이에도부까]|\s*(?:오전|오후|새벽|밤|낮|저녁))")),
    ("today", re.compile(rf"(?<![{HANGUL}])(?:이날|오늘(?!날))")),
    ("yesterday", re.compile(rf"(?<![{HANGUL}])어제")),
]


# "오늘(10일)부터 24일까지", "오는 27일부터 다음 달 9일까지": one span, from a date to a date.
_FROM_TO = re.compile(r"\s*부터\s*(?:오는\s*)?$")
_UNTIL = re.compile(r"\s*까지")


def dates(text: str, where: Anchor) -> list[tuple[int, str, PartialDate | None, PartialDate | None, str, str | None]]:
    """(offset, expression, start, end, status, basis) of each Korean date in `text`; a span
    ("X부터 Y까지") is one, its end the first such day from its start."""
    taken: list[tuple[int, int]] = []
    found = []
    for kind_, pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            parsed = _parse(kind_, m.groupdict(), where, text)
            if parsed is None:
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), kind_, m.groupdict(), m.group(0).strip(), *parsed))
    found.sort(key=lambda f: f[0])
    out = []
    k = 0
    while k < len(found):
        at, end, _kind, _groups, expression, start, _, status, basis = found[k]
        if k + 1 < len(found) and start is not None and (first := start.as_date()) is not None:
            n_at, n_end, n_kind, groups, _, n_start, _, _, _ = found[k + 1]
            until = _UNTIL.match(text, n_end)
            if _FROM_TO.match(text[end:n_at]) and until is not None:
                # (A day of the month alone ends the span at the first such day from its start.)
                last = _nearest_day(first, int(groups.get("d") or groups.get("d2") or 0), True) if n_kind == "d" else (
                    n_start.as_date() if n_start is not None else None)
                if last is not None and last >= first:
                    out.append((at, text[at : until.end()].strip(), start, PartialDate(last.year, last.month, last.day),
                                status, basis))
                    k += 2
                    continue
        out.append((at, expression, start, None, status, basis))
        k += 1
    return out


def _parse(
    kind_: str, g: dict[str, str | None], where: Anchor, text: str = ""
) -> tuple[PartialDate | None, PartialDate | None, str, str | None] | None:
    """(start, end, status, basis) of one Korean date expression's match, or None when it is no date."""
    if kind_ in ("ymd", "md", "ym"):
        month = int(g["m"] or 0)
        day = int(g["d"]) if g.get("d") else None
        year = int(g["y"]) if g.get("y") else None
        try:
            date(year or 2000, month, day or 1)
        except ValueError:
            return None
        if year is not None:
            return PartialDate(year, month, day), None, "explicit", None
        if where.day is None:
            return PartialDate(None, month, day), None, "year-unknown", "the article gives no year"
        if g.get("yrel"):
            shift = {"지난해": -1, "작년": -1, "내년": 1}.get(g["yrel"] or "", 0)
            return PartialDate(where.day.year + shift, month, day), None, "inferred", f"{g['yrel']}: from {where.basis}"
        year = nearest_year(month, day or 1, where.day, text)
        return PartialDate(year, month, day), None, "inferred", f"year from {where.basis}"
    if where.day is None or not where.published:
        return None, None, "unresolved", "the article's date is not known"
    today = where.day
    if kind_ == "today":
        return PartialDate(today.year, today.month, today.day), None, "inferred", where.basis
    if kind_ in ("today-d", "month-d"):
        number = int(g["d"] or 0)
        shift = {"지난": -1, "전달": -1, "다음": 1, "내달": 1}.get((g.get("mrel") or "")[:2], 0)
        # (Yesterday's or tomorrow's day given: the nearest to that day.)
        near = today + timedelta(days={"어제": -1, "그제": -2, "그저께": -2, "내일": 1}.get(g.get("drel") or "", 0))
        found = _in_month(today, number, shift) if kind_ == "month-d" else min(
            (d for d in (_in_month(near, number, k) for k in (-1, 0, 1)) if d is not None),
            key=lambda d: abs((d - near).days), default=None)
        if found is None:
            return None
        month = {-1: "the month before", 0: "the month of", 1: "the month after"}[shift]
        basis = f"day {number} of {month} {where.basis}" if kind_ == "month-d" else f"day {number}, the nearest to {where.basis}"
        return PartialDate(found.year, found.month, found.day), None, "inferred", basis
    if kind_ == "yesterday":
        day = today - timedelta(days=1)
        return PartialDate(day.year, day.month, day.day), None, "inferred", f"the day before {where.basis}"
    number = int(g.get("d") or g.get("d2") or 0)
    ahead = (g.get("rel") or g.get("rel2")) == "오는"
    found = _nearest_day(today, number, ahead)
    if found is None:
        return None
    which = "the next" if ahead else "the latest"
    return PartialDate(found.year, found.month, found.day), None, "inferred", f"{which} day {number} from {where.basis}"


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _in_month(today: date, number: int, shift: int) -> date | None:
    """Day `number` of the month `shift` months from `today`'s, if there is one."""
    month = today.month + shift
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, number) if _valid(year, month, number) else None


def _nearest_day(today: date, number: int, ahead: bool) -> date | None:
    """The latest day `number` of a month up to `today` (or the next one from it)."""
    year, month = today.year, today.month
    for _ in range(3):
        if _valid(year, month, number):
            candidate = date(year, month, number)
            if (candidate >= today) if ahead else (candidate <= today):
                return candidate
        month += 1 if ahead else -1
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    return None
