"""Stories across languages: a Korean and an English report of one event share no words,
so `events` (which compares wordings) never joins them. Without translation, they are one
event when what they state agrees: the same names (the gazetteer links 러시아 to Russia,
김정은 to Kim Jong-un), the same numbers and the same dates (16일 resolved against the
article's date is 2024-01-16, as "Tuesday" or "January 16" is).

Only stories whose languages differ are compared, and only pairs that share a number or
a date are looked at (an index on those, never all pairs): an English-only day does no
work here beyond noticing that it has one language."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..config import EntityConfig
from ..language import KOREAN, has_hangul
from ..models import Article, Passage, Story

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

# Gazetteer names two reports must share (North Korea and Russia; Kim Jong-un and KCNA).
SHARED_NAMES = 2
# A number or date in more stories than this identifies nothing.
COMMON_FACT = 20
# Small numbers English spells out ("fired two missiles"; Korean writes 2발).
NUMBER_WORDS = {w: str(n) for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\d.,])\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Facts:
    """What a story's opening states, in a form both languages share."""

    language: str | None
    names: frozenset[str]
    numbers: frozenset[str]
    dates: frozenset[str]


def language_of(story: Story, articles: dict[str, Article]) -> str | None:
    """The language most of a story's articles are in."""
    counts: dict[str | None, int] = defaultdict(int)
    for article_id in story.article_ids:
        counts[articles[article_id].language] += 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def pairs(
    stories: Sequence[Story], texts: Sequence[str], articles: dict[str, Article],
    passages: dict[str, list[Passage]], when: Sequence[datetime | None], entities: Sequence[EntityConfig],
    close: Callable[[datetime | None, datetime | None], bool],
) -> list[tuple[int, int]]:
    """(i, j) of the stories in different languages that state the same names, numbers and dates."""
    if len({a.language for a in articles.values()} - {None}) < 2:
        return []  # a day in one language: nothing to compare
    languages = [language_of(s, articles) for s in stories]
    if len({lang for lang in languages if lang}) < 2:
        return []
    from .gazetteer import Gazetteer

    gazetteer = Gazetteer(entities)
    facts = [_facts(story, text, lang, articles, passages, gazetteer) for story, text, lang in zip(stories, texts, languages, strict=True)]
    index: dict[str, list[int]] = defaultdict(list)
    for n, fact in enumerate(facts):
        for key in fact.numbers | {f"date:{d}" for d in fact.dates}:
            index[key].append(n)
    found = []
    for i, mine in enumerate(facts):
        if mine.language != KOREAN or when[i] is None:
            continue
        seen: set[int] = set()
        for key in mine.numbers | {f"date:{d}" for d in mine.dates}:
            posting = index[key]
            if len(posting) <= COMMON_FACT:
                seen.update(j for j in posting if facts[j].language not in (KOREAN, None))
        for j in sorted(seen):
            if close(when[i], when[j]) and agree(mine, facts[j]):
                found.append((min(i, j), max(i, j)))
    return found


def agree(a: Facts, b: Facts) -> bool:
    """Same event: names shared, a number shared, and their dates (where both give any) the same."""
    if len(a.names & b.names) < SHARED_NAMES or not (a.numbers & b.numbers):
        return False
    return not (a.dates and b.dates) or bool(a.dates & b.dates)


def _facts(story: Story, text: str, language: str | None, articles: dict[str, Article],
           passages: dict[str, list[Passage]], gazetteer: Gazetteer) -> Facts:
    from . import kodates
    from .events import PROFILE_PASSAGES
    from .timeline import _dates, anchor

    names = frozenset(m.name.casefold() for m in gazetteer.find(text) if m.known)
    dates: set[str] = set()
    numbers: set[str] = set()
    for article_id in story.article_ids:
        article = articles[article_id]
        where = anchor(article)
        for passage in [article.title, *(p.text for p in passages.get(article_id, [])[:PROFILE_PASSAGES])]:
            spans = []
            if has_hangul(passage):
                for at, expression, start, _end, _status, _basis in kodates.dates(passage, where):
                    spans.append((at, at + len(expression)))
                    if start is not None and start.day is not None:
                        dates.add(start.iso())
            for expression, start, _end, _status, _basis in _dates(passage, where):
                at = passage.find(expression)
                spans.append((at, at + len(expression)))
                if start is not None and start.day is not None:
                    dates.add(start.iso())
            # Numbers outside the dates: the count, the distance, the altitude.
            for m in _NUMBER.finditer(passage):
                if not any(s <= m.start() < e for s, e in spans):
                    numbers.add(m.group(0).replace(",", ""))
            if not has_hangul(passage):
                numbers.update(NUMBER_WORDS[w.casefold()] for w in _NUMBER_WORD.findall(passage))
    return Facts(language, names, frozenset(numbers), frozenset(dates))
