"""Which year a day and month written without one fall in ("30 December", "5월 4일"): the one
nearest the article's date, unless that is well ahead of it in a sentence that does not look
ahead, since news reports the past. One rule for English and Korean dates; and the months'
names every reader of dates shares."""

from __future__ import annotations

import re
from datetime import date

# A month by the first three letters of its name ("Sept." is "sep").
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Words that put a sentence's date ahead of the article: "will meet on May 4", "the talks
# scheduled for March 2"; 오는 5월 4일, 개최할 예정, 다음 달.
LOOKS_AHEAD = re.compile(
    r"\b(?:will|shall|next|upcoming|coming|scheduled|planned|plans?|planning|due|expected|"
    r"set to|set for|slated|is to|are to|was to|were to|to be held|to begin|to start|to resume|ahead of|later this|until)\b|예정|계획|오는|다음|내년|것으로 보|할 것|될 것",
    re.IGNORECASE,
)
# A date this many days after the article, in a sentence that does not look ahead, is the
# year before: "his May 4 Executive Order" in a release of 29 November is last May.
AHEAD_DAYS = 60
# ... and so is a nearer one told as done: "in one night on January 9, shot down seven
# drones" in a report of 30 November is last January. (Not within a couple of days: a
# report dated in UTC tells of "Nov. 30" in Seoul on its 29th.)
_DONE = re.compile(
    r"\b(?:was|were|had|struck|fired|launched|attacked|shot|killed|seized|hijacked|sank|sunk|hit|conducted|"
    r"carried out|destroyed|intercepted|downed|targeted|detained|captured|boarded|exploded|crashed|died|fled|"
    r"occurred|happened|took place|ended|began|signed|agreed|met|visited|announced|declared|adopted|approved|voted)\b"
)
SOON_DAYS = 2


def nearest_year(month: int, day: int, near: date, text: str = "") -> int | None:
    """The year that puts month/day nearest `near` (30 December next to 16 January 2024 is
    2023), a year earlier when that is over AHEAD_DAYS ahead, or more than SOON_DAYS ahead
    in a sentence that tells it as done, and `text` does not look ahead."""
    best = None
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - near).days) < abs((best - near).days):
            best = candidate
    ahead = (best - near).days if best is not None else 0
    done = SOON_DAYS < ahead <= AHEAD_DAYS and _DONE.search(text) is not None and "would" not in text
    if best is not None and (ahead > AHEAD_DAYS or done) and LOOKS_AHEAD.search(text) is None:
        try:
            best = date(best.year - 1, month, day)
        except ValueError:
            pass  # (29 February with no leap year before it: the nearest stays)
    return best.year if best else None
