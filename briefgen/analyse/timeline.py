"""The timeline: dated events found in the text, each resolved as far as the article allows.

A full date ("January 16, 2024") is explicit. A day and month without a year ("On Sept.
30", "30 December", "on New Year's Eve") takes the year that puts it nearest the
article's anchor: its published date, else the latest full date the article gives (in
its text or on the signature line of a post it embeds). A weekday ("On Sunday") is
resolved only against a published date. What cannot be resolved is kept and marked:
year-unknown events sort first, by month and day; unresolved ones last."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..language import KOREAN
from ..models import Article, EmbeddedPost, PartialDate, Passage, TimelineEvent
from . import kodates, leads
from .namewords import TITLE_ABBREVIATIONS
from .years import MONTHS, nearest_year

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HOLIDAYS = {"new year's eve": (12, 31), "new year's day": (1, 1), "christmas eve": (12, 24), "christmas day": (12, 25)}

# A full month name takes no full stop: in "2 January." the stop ends the sentence.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![a-z])"
)
_DAY = r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# ("and" joins a span only after "between", or of two days in a row: "Statements of 5 and 13
# December" are two days, "2 and 3 November" a span.)
_TO = r"\s*(?:-|\u2013|\u2014|to|until|through|(?P<and>and))\s*"
# Longest forms first: a range must not be read as two dates.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("md-md", re.compile(rf"\b(?:from\s+|(?P<between>between\s+))?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_TO}(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("md-d", re.compile(rf"\b(?:from\s+|(?P<between>between\s+))?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_TO}(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("d-dm", re.compile(rf"\b(?:from\s+|(?P<between>between\s+))?(?P<d1>{_DAY}){_TO}(?P<d2>{_DAY})\s+(?P<m1>{_MONTH})(?:\s+(?P<y>{_YEAR})\b)?")),
    ("md", re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("dm", re.compile(rf"\b(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH})(?![\w])(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("holiday", re.compile(r"\b(?P<h>New Year['\u2019]s (?:Eve|Day)|Christmas (?:Eve|Day))\b(?:,?\s+(?P<y>" + _YEAR + r")\b)?")),
    ("my", re.compile(rf"\b(?:in\s+|since\s+)?(?P<m1>{_MONTH})\s+(?P<y>{_YEAR})\b")),
    ("weekday", re.compile(r"\b(?P<rel>[Oo]n|[Ll]ast|[Nn]ext|[Tt]his|[Ss]ince|[Bb]y)\s+(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
                           r"(?:,?\s+(?:of\s+)?(?P<week>last|next|this)\s+week\b)?")),
    ("yesterday", re.compile(r"\b[Yy]esterday\b")),
    ("year", re.compile(rf"\b[Ii]n\s+(?P<y>{_YEAR})\b(?![-\u2013/])")),
]
# A weekday written with its date ("on Wednesday, June 8th") is that date, not another day.
WITH_DATE = re.compile(rf",?\s*\(?(?:the\s+)?(?:{_MONTH}\s+{_DAY}|{_DAY}\s+(?:of\s+)?{_MONTH})")
MAYBE_DATE = re.compile(r"\d|day\b|Eve\b|[Yy]esterday")
# What each pattern cannot match without: one search of the sentence for a month name
# spares it the six patterns that need one (most numbers in the news are not dates).
# (A month's first letter looked for first: twice as fast, the same matches.)
MONTH_RE = re.compile("(?=[ADFJMNOS])" + _MONTH)
# A range has a day number (or its suffix) right before the word that joins its ends: one
# search spares the three range patterns most sentences with a month cannot match.
RANGE_RE = re.compile(rf"\d(?:st|nd|rd|th)?{_TO}")
NEEDS: dict[str, tuple[re.Pattern[str], ...]] = {
    "md-md": (MONTH_RE, RANGE_RE), "md-d": (MONTH_RE, RANGE_RE), "d-dm": (MONTH_RE, RANGE_RE),
    "md": (MONTH_RE,), "dm": (MONTH_RE,), "my": (MONTH_RE,),
    "holiday": (re.compile(r"New Year|Christmas"),), "weekday": (re.compile(r"day\b"),),
    "yesterday": (re.compile(r"[Yy]esterday"),), "year": (re.compile(_YEAR),),
}
# Where one sentence of a long passage (a quotation kept whole) ends and the next begins,
# unless the full stop ends an abbreviation ("Sept. 30", "Mr. Kim", "U.S. Army").
SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z])")
# (... or a time's "a.m." and "p.m.": "at 11:57 a.m. (Hawaii time) Sept. 14".)
ABBREVIATION = re.compile(rf"(?:\b(?:{TITLE_ABBREVIATIONS}|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs)|\b[A-Z]|\.[A-Z]|\b[ap]\.m)$")


@dataclass(frozen=True)
class Anchor:
    """What an article's relative dates can be resolved against."""

    day: date | None
    # True when `day` is the article's own date (weekdays resolve only then).
    published: bool
    basis: str


def anchor(article: Article) -> Anchor:
    """The article's published date, else the latest full date it gives, else nothing."""
    if article.published is not None:
        day = article.published.date()
        return Anchor(day, True, f"the article's date, {day.isoformat()}")
    full: list[tuple[date, str]] = [(post.posted, _posted(post)) for post in article.embeds]
    for expression, start, _end, _status in _full_dates(article.text):
        full.append((start, expression))
    if not full:
        return Anchor(None, False, "")
    day, words = max(full)
    return Anchor(day, False, f"{words}, the latest full date in the article")


def _posted(post: EmbeddedPost) -> str:
    return f"{post.posted:%B} {post.posted.day}, {post.posted.year}"


def _full_dates(text: str) -> list[tuple[str, date, date | None, str]]:
    out = []
    for expression, start, end, status, _basis in _dates(text, Anchor(None, False, "")):
        if status == "explicit" and start is not None and (d := start.as_date()):
            out.append((expression, d, end.as_date() if end else None, status))
    return out


def _month(word: str) -> int:
    return MONTHS[word.casefold().rstrip(".")[:3]]


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]


def _dates(text: str, where: Anchor) -> list[tuple[str, PartialDate | None, PartialDate | None, str, str | None]]:
    """(verbatim expression, start, end, status, basis) for each date expression in `text`."""
    # Most sentences hold no date at all: one cheap search spares them ten patterns.
    if not MAYBE_DATE.search(text):
        return []
    taken: list[tuple[int, int]] = []
    found = []
    present: dict[re.Pattern[str], bool] = {}

    def has(need: re.Pattern[str]) -> bool:
        # Each needed word searched for once per text, however many patterns need it.
        if need not in present:
            present[need] = need.search(text) is not None
        return present[need]

    for kind, pattern in PATTERNS:
        if not all(map(has, NEEDS[kind])):
            continue
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if kind == "weekday" and WITH_DATE.match(text, m.end()):
                continue
            parsed = _parse(kind, m, where, text)
            if parsed is None:
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), (m.group(0), *parsed)))
    return [f for _, f in sorted(found, key=lambda x: x[0])]


def _parse(kind: str, m: re.Match[str], where: Anchor, text: str = "",
           ) -> tuple[PartialDate | None, PartialDate | None, str, str | None] | None:
    groups = m.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if kind == "year":
        return PartialDate(year), None, "explicit", None
    if kind == "my":
        return PartialDate(year, _month(groups["m1"])), None, "explicit", None
    if kind in ("weekday", "yesterday"):
        return _relative(kind, groups, where)
    if kind == "holiday":
        month, d1 = HOLIDAYS[groups["h"].replace("\u2019", "'").casefold()]
        m1 = m2 = month
        d2 = None
    else:
        m1 = _month(groups["m1"])
        m2 = _month(groups["m2"]) if groups.get("m2") else m1
        d1 = _day(groups["d1"])
        d2 = _day(groups["d2"]) if groups.get("d2") else None
        if d2 is not None and m2 == m1 and d2 <= d1:
            return None  # "May 5 to 3" is not a range we can read
        if groups.get("and") and not groups.get("between") and (m2 != m1 or d2 != d1 + 1):
            return None  # two days, not a span: the second is read alone
    try:
        date(year or 2000, m1, d1)  # 2000 is a leap year: 29 February stays valid
        if d2 is not None:
            date(year or 2000, m2, d2)
    except ValueError:
        return None
    status, basis = "explicit", None
    if year is None:
        if where.day is None:
            status, basis = "year-unknown", "the article gives no year"
        else:
            year = nearest_year(m1, d1, where.day, text)
            status, basis = "inferred", f"year from {where.basis}"
    start = PartialDate(year, m1, d1)
    end = None
    if d2 is not None:
        # A range over the new year ("December 30 to January 2") ends in the next year.
        end_year = year + 1 if year is not None and (m2, d2) < (m1, d1) else year
        end = PartialDate(end_year, m2, d2)
    return start, end, status, basis


def _relative(kind: str, groups: dict[str, str | None], where: Anchor) -> tuple[PartialDate | None, PartialDate | None, str, str | None]:
    if not where.published or where.day is None:
        return None, None, "unresolved", "the article's date is not known"
    today = where.day
    if kind == "yesterday":
        day = today - timedelta(days=1)
        return PartialDate(day.year, day.month, day.day), None, "inferred", f"the day before {where.basis}"
    weekday = WEEKDAYS.index((groups["w"] or "").casefold())
    rel = (groups["rel"] or "on").casefold()
    if groups.get("week"):
        # "On Monday last week": that day of the calendar week before the article's (or after).
        shift = {"last": -7, "next": 7, "this": 0}[groups["week"].casefold()]
        day = today - timedelta(days=today.weekday()) + timedelta(days=shift + weekday)
        return PartialDate(day.year, day.month, day.day), None, "inferred", f"the {groups['w']} of {groups['week']} week from {where.basis}"
    if rel == "next":
        day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
        return PartialDate(day.year, day.month, day.day), None, "inferred", f"the {groups['w']} after {where.basis}"
    # News reports the past: "on Sunday" is the latest Sunday up to the article's date.
    back = (today.weekday() - weekday) % 7
    if rel == "last" and back == 0:
        back = 7
    day = today - timedelta(days=back)
    return PartialDate(day.year, day.month, day.day), None, "inferred", f"the {groups['w']} up to {where.basis}"


def sentence_at(text: str, index: int) -> str:
    """The sentence of a (possibly long) passage that holds character `index`, verbatim."""
    start = 0
    for m in SENTENCE_END.finditer(text):
        if ABBREVIATION.search(text[: m.start()]):
            continue
        end = m.end() - len(m.group(0)) + len(m.group(0).rstrip())
        if end > index:
            return text[start:end]
        start = m.end()
    return text[start:]


def extract(
    articles: Sequence[Article],
    passages: Sequence[Passage],
    cited: dict[str, tuple[str, ...]],
    limit: int,
    split: Sequence[Passage] | None = None,
) -> list[TimelineEvent]:
    """Dated events of the day's passages, sorted, at most `limit` (the most recent kept).
    `split`: every passage of the articles (where a sentence finds the one it leans on),
    when `passages` are not all of them."""
    by_id = {a.id: a for a in articles}
    of_article: dict[str, list[tuple[int, Passage]]] = {}
    for order, passage in enumerate(passages):
        if passage.article_id in by_id:
            of_article.setdefault(passage.article_id, []).append((order, passage))
    whole: dict[str, list[Passage]] = {}
    for passage in passages if split is None else split:
        whole.setdefault(passage.article_id, []).append(passage)
    found = [e for a in of_article for e in dated(by_id[a], of_article[a], cited, whole.get(a, ()))]
    return arrange(found, limit)


def dated(article: Article, passages: Sequence[tuple[int, Passage]], cited: dict[str, tuple[str, ...]],
          split: Sequence[Passage] = ()) -> list[tuple[tuple, TimelineEvent]]:
    """The dated events of one article's passages (each with its place in the day's
    passages, which breaks ties when sorting), with their sort keys. `split`: every
    passage of the article, where a sentence that leans on the one before it finds it."""
    where = anchor(article)
    before = {p.index: p for p in split}
    events: list[tuple[tuple, TimelineEvent]] = []
    for order, passage in passages:
        sources = cited.get(passage.id, (passage.article_id,))
        found: list[tuple[int, str, PartialDate | None, PartialDate | None, str, str | None]] = []
        for expression, start, end, status, basis in _dates(passage.text, where):
            at = passage.text.find(expression)
            found.append((at, expression, start, end, status, basis))
        if passage.language == KOREAN:
            # 2024년 1월 16일, 지난 16일, 이날: Korean dates, resolved against the same anchor.
            found.extend(kodates.dates(passage.text, where))
        for post in article.embeds:
            # The post's own date, from the signature line ingest took out of the text.
            if passage.text in post.text:
                day = PartialDate(post.posted.year, post.posted.month, post.posted.day)
                found.append((0, _posted(post), day, None, "explicit", f"date of the post by {post.by}" if post.by else "date of the embedded post"))
        seen: set[tuple[str, str]] = set()
        for at, expression, start, end, status, basis in found:
            key = (start.iso() if start else expression, end.iso() if end else "")
            if key in seen:
                continue
            seen.add(key)
            text = sentence_at(passage.text, at) if at >= 0 else passage.text
            if leads.no_lead(text):
                # A question, a courtesy or a line that opens what follows ("The following
                # is a near-verbatim transcript of today's noon briefing") is no event.
                continue
            standing = _standing(text, passage, before.get(passage.index - 1))
            if standing is None:
                # It leans on a sentence it cannot be shown with: not shown alone either.
                continue
            text, context = standing
            event = TimelineEvent(start, end, status, expression, basis, text, passage.id, sources,
                                  context_passage_ids=context)
            events.append((_sort_key(event, order), event))
    return events


def _standing(text: str, passage: Passage, previous: Passage | None) -> tuple[str, tuple[str, ...]] | None:
    """`text` (a sentence of `passage`) as the timeline shows it: alone, or after the
    sentence before it when it opens with a pronoun or connective ("Meanwhile, Lavrov
    insisted on Tuesday..."), with that sentence's passage when it is another; None when
    that sentence leans on its own predecessor too, or there is none to take."""
    if not leads.dangling(text):
        return text, ()
    at = passage.text.find(text)
    if at > 0:
        # An earlier sentence of the same passage: the passage's words from it, verbatim.
        head = passage.text[:at].rstrip()
        prior = sentence_at(passage.text, len(head) - 1)
        if leads.dangling(prior):
            return None
        start = passage.text.find(prior)
        return passage.text[start : at + len(text)], ()
    if previous is None or previous.article_id != passage.article_id:
        return None
    shown = leads.standalone(passage, previous)
    if shown is None or len(shown) < 2:
        return None
    return f"{previous.text} {text}", (previous.id,)


def arrange(events: list[tuple[tuple, TimelineEvent]], limit: int) -> list[TimelineEvent]:
    """The day's dated events in order, at most `limit`: what can be placed in time, the
    most recent first, then year-unknown, then the rest."""
    return [e for _, e in shortlist(events, limit)]


def shortlist(events: list[tuple[tuple, TimelineEvent]], limit: int) -> list[tuple[tuple, TimelineEvent]]:
    """`arrange`'s choice with the sort keys kept. Its preference is a total order of the
    events that does not depend on the others, so what it keeps of a day is among what it
    keeps of each part: a worker sends back only its part's shortlist."""
    events = sorted(events, key=lambda x: x[0])
    if len(events) > limit:
        rank = {"explicit": 0, "inferred": 0, "year-unknown": 1, "unresolved": 2}
        keep = sorted(range(len(events)), key=lambda i: (rank[events[i][1].status], -i if rank[events[i][1].status] == 0 else i))[:limit]
        events = [events[i] for i in sorted(keep)]
    return events


def _sort_key(event: TimelineEvent, order: int) -> tuple:
    start = event.start
    if event.status == "unresolved" or start is None:
        return (2, 0, 0, 0, order)
    if start.year is None:
        return (0, start.month or 0, start.day or 0, 0, order)
    end = event.end or start
    return (1, start.year, start.month or 0, start.day or 0, (end.year or 0, end.month or 0, end.day or 0), order)
