"""Stories across wordings: articles that report the same event in their own words (two
outlets on one launch) are one story, joined after the near-duplicate merge.

Each story so far is profiled by what its reporting opens with: the title and first
passages of its articles, as a TF-IDF vector, and the names and numbers in them. Two
stories are candidates when they share a name that is not everywhere in the day (an
inverted index, so no all-pairs comparison: a name in more than COMMON_NAME stories
proposes no pair); a candidate pair is one event when the two were published close
together, share at least SHARED_NAMES names or numbers, and their profiles are similar."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from ..config import EntityConfig
from ..models import Article, Passage, Story
from . import crosslang
from .stories import Groups, story_of

# Passages from the top of each article that make its profile: where news writing puts the event.
PROFILE_PASSAGES = 4
# Cosine similarity of two profiles from which their stories tell one event.
SAME_EVENT = 0.3
# Names and numbers two stories must share to be one event.
SHARED_NAMES = 2
# Two reports of one event are published within this of each other (undated ones are not joined).
SAME_DAY = timedelta(hours=36)
# A name in more stories than this proposes no pair: it is the day's topic, not an event.
COMMON_NAME = 40

# (Each starts with its first character, the word boundary before it tested after it: an
# expression that starts with a class of characters lets Python's engine skip to them.)
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])[\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*")
_POSSESSIVE = re.compile(r"['’]s$")
_NUMBER = re.compile(r"\d(?<!\w\d)[\d,.]*\b")
# Capitalised words that open sentences or are too general to identify an event.
_NOT_NAMES = frozenset(
    "The A An In On At As After Before But And Or If It He She They This That These Those "
    "We I His Her Its Their Our On Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December "
    "Mr Mrs Ms Dr Meanwhile However Also While When Where What Who Why How".split()
)


def profile_texts(stories: Sequence[Story], articles: dict[str, Article], passages: dict[str, list[Passage]]) -> list[str]:
    """Per story, the text it is compared by: each article's title and first passages."""
    out = []
    for story in stories:
        parts = []
        for article_id in story.article_ids:
            article = articles[article_id]
            parts.append(article.title)
            parts.extend(p.text for p in passages.get(article_id, [])[:PROFILE_PASSAGES])
        out.append("\n".join(parts))
    return out


def names(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """The capitalised names and the numbers in a text, folded to lower case. `memo`: the
    keys of each name and number already read (the day's stories repeat them)."""
    if memo is None:
        memo = {}
    found: set[str] = set()
    for name in _NAME.findall(text):
        keys = memo.get(name)
        if keys is None:
            keys = memo[name] = _name_keys(name)
        found.update(keys)
    for number in _NUMBER.findall(text):
        # (Keyed apart from names: a name never starts with a digit, a number always does.)
        keys = memo.get(number)
        if keys is None:
            stripped = number.rstrip(".,")
            keys = memo[number] = (stripped,) if len(stripped) >= 2 else ()
        found.update(keys)
    return found


def _name_keys(name: str) -> tuple[str, ...]:
    """What one capitalised run of words adds to `names`: the whole name and each of its
    words ("Foreign Minister Sergei Lavrov" and "Sergei Lavrov" share "sergei" and "lavrov")."""
    words = [_POSSESSIVE.sub("", w) for w in name.split() if w not in _NOT_NAMES]
    if not words:
        return ()
    return (" ".join(words).casefold(), *(w.casefold() for w in words if len(w) > 2 and w != "of"))


def join(
    stories: Sequence[Story], articles: Sequence[Article], passages: Sequence[Passage], entities: Sequence[EntityConfig] = ()
) -> list[Story]:
    """The stories with those that tell the same event in other words merged, in citation order;
    with the gazetteer (`entities`), also those that tell it in another language (crosslang)."""
    if len(stories) < 2:
        return list(stories)
    from .tfidf import WORDS, fit_transform

    by_id = {a.id: a for a in articles}
    of_article: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        of_article[passage.article_id].append(passage)
    texts = profile_texts(stories, by_id, of_article)
    try:
        matrix, _ = fit_transform(texts, WORDS, (1, 1))
    except ValueError:  # nothing but stop words anywhere
        return list(stories)
    memo: dict[str, tuple[str, ...]] = {}
    keys = [names(text, memo) for text in texts]
    when = [_published(story, by_id) for story in stories]
    firsts, seconds = candidates(keys, when)
    groups = Groups(len(stories))
    parent, root = groups.parent, groups.root
    if firsts:
        rows_i, rows_j = np.array(firsts), np.array(seconds)
        # Every candidate pair's cosine at once (rows are unit length).
        sims = np.asarray(matrix[rows_i].multiply(matrix[rows_j]).sum(axis=1)).ravel()
        cache: dict[tuple[int, int], float] = {}

        def similar(a: int, b: int) -> bool:
            key = (min(a, b), max(a, b))
            if key not in cache:
                cache[key] = float(matrix[a].multiply(matrix[b]).sum())
            return cache[key] >= SAME_EVENT

        for k in np.lexsort((rows_j, rows_i)):
            if sims[k] < SAME_EVENT:
                continue
            i, j = int(rows_i[k]), int(rows_j[k])
            a, b = root(i), root(j)
            # The pair, and the stories that lead their groups, must be alike: a chain of
            # each-a-little-like-the-next never makes one story of a whole day.
            if a != b and (a == i or similar(a, j)) and (b == j or similar(i, b)):
                parent[b] = a
    if entities:
        for i, j in crosslang.pairs(stories, texts, by_id, of_article, when, entities, _close):
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    order = {a.id: n for n, a in enumerate(articles)}
    joined = []
    for members in groups.members():
        if len(members) == 1:
            joined.append(stories[members[0]])
            continue
        ids = sorted({a for m in members for a in stories[m].article_ids}, key=order.__getitem__)
        joined.append(story_of([by_id[a] for a in ids]))
    return joined


def candidates(keys: Sequence[set[str]], when: Sequence[datetime | None]) -> tuple[list[int], list[int]]:
    """The pairs of stories worth comparing: sharing SHARED_NAMES names that are not
    everywhere, published close together. Counting through an index of names (each
    posting at most COMMON_NAME long) keeps this near-linear: never all pairs."""
    index: dict[str, list[int]] = defaultdict(list)
    for n, found in enumerate(keys):
        for name in found:
            index[name].append(n)
    firsts: list[int] = []
    seconds: list[int] = []
    for i in range(len(keys)):
        if when[i] is None:
            continue
        shared: Counter[int] = Counter()
        for name in keys[i]:
            posting = index[name]
            if len(posting) <= COMMON_NAME:
                # A posting is in story order: the stories after this one are a slice of it.
                shared.update(posting[bisect_right(posting, i):])
        for j, count in shared.items():
            if count >= SHARED_NAMES and _close(when[i], when[j]):
                firsts.append(i)
                seconds.append(j)
    return firsts, seconds


def _published(story: Story, articles: dict[str, Article]) -> datetime | None:
    dates = [articles[a].published for a in story.article_ids if articles[a].published is not None]
    return min(dates) if dates else None


def _close(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= SAME_DAY

