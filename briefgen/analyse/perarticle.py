"""What is read one article at a time: the people, organisations and places it names
(entities), its quotations with their speakers (quotes) and its dated events (timeline).

Each reads an article on its own (with the day's common words), so for a large day they
run on forked workers while the parent tells the stories and composes the body: the
workers read the day from memory inherited at the fork rather than having every article
and passage pickled to them, and send back only what they found. The parent then merges
the day's repeated quotations and sorts the events, exactly as one pass would."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import EntityConfig
from ..models import Article, Passage, Quote, TimelineEvent
from . import quotes, timeline
from .entities import Recogniser
from .gazetteer import Gazetteer, Mention

# From this many articles, the work runs on worker processes (see forking).
PARALLEL_ARTICLES = 2000


@dataclass
class _Day:
    recogniser: Recogniser
    articles: Sequence[Article]
    # Per article (in the day's order): its passages, and its de-duplicated passages with
    # their place among the day's.
    split: list[list[Passage]]
    kept_passages: list[list[tuple[int, Passage]]]
    kept: dict[str, str | None]
    cited: dict[str, tuple[str, ...]]
    timeline_limit: int
    # The articles outside the brief's scope: read only for a sentence an article in scope carried too.
    outside: frozenset[str] = frozenset()


# The days being read, by a number of their own, set before the workers fork (they inherit
# them); keyed so that two analyses on two threads of one process (a scheduler's brief and
# its alert poll) never read each other's day.
_days: dict[int, _Day] = {}
_numbers = itertools.count()

Found = tuple[list[tuple[str, list[Mention]]], list[Quote], list[tuple[tuple, TimelineEvent]]]


@dataclass
class Read:
    """What the day's articles hold, read one by one."""

    # Per passage id, in the day's order: the mentions of each passage that names something
    # and stands for its sentence after de-duplication (what merging.collect counts).
    mentions: dict[str, list[Mention]]
    quotes: list[Quote]
    events: list[TimelineEvent]


class Begun:
    """The day's articles being read: `results()` collects what they hold.

    `split`: every passage of every article; `passages`: the day's passages after
    de-duplication (where the timeline reads dates), `kept` and `cited` as analysis has them."""

    def __init__(self, articles: Sequence[Article], split: Sequence[Passage], passages: Sequence[Passage],
                 entities: Sequence[EntityConfig], kept: dict[str, str | None], cited: dict[str, tuple[str, ...]],
                 timeline_limit: int, outside: frozenset[str] = frozenset()) -> None:
        from .. import forking

        of_article: dict[str, list[Passage]] = defaultdict(list)
        for passage in split:
            of_article[passage.article_id].append(passage)
        dated: dict[str, list[tuple[int, Passage]]] = defaultdict(list)
        for order, passage in enumerate(passages):
            dated[passage.article_id].append((order, passage))
        self.limit = timeline_limit
        self._number = next(_numbers)
        _days[self._number] = _Day(Recogniser(Gazetteer(entities), (a.text for a in articles)), articles,
                                   [of_article.get(a.id, []) for a in articles], [dated.get(a.id, []) for a in articles],
                                   kept, cited, timeline_limit, outside)
        # Several chunks a worker: what each sends back is held in this process until it is
        # merged, so smaller pieces keep this process's peak memory down.
        self._pending = forking.Chunks(_read, list(range(len(articles))), self._number, minimum=PARALLEL_ARTICLES,
                                       pieces=4)

    def results(self) -> Read:
        try:
            chunks: list[Found] = self._pending.results()
        finally:
            _days.pop(self._number, None)
        mentions: dict[str, list[Mention]] = {}
        said: list[Quote] = []
        events: list[tuple[tuple, TimelineEvent]] = []
        for found, told, dated in chunks:
            mentions.update(found)
            said.extend(told)
            events.extend(dated)
        return Read(mentions, quotes.merge(said), timeline.arrange(events, self.limit))


def _read(indices: list[int], number: int) -> list[Found]:
    """One chunk of the day's articles (contiguous, in citation order): what each holds."""
    day = _days[number]
    found: list[tuple[str, list[Mention]]] = []
    told: list[Quote] = []
    dated: list[tuple[tuple, TimelineEvent]] = []
    sources: dict[tuple[str, ...], tuple[str, ...]] = {}
    for n in indices:
        article, mine = day.articles[n], day.split[n]
        outside = article.id in day.outside
        if outside and all(day.outside.issuperset(day.cited.get(p.id, (article.id,))) for p in mine):
            continue  # nothing of it reaches the brief
        mentions = dict(zip([p.id for p in mine], day.recogniser.article(mine), strict=True))
        # Sent back: only what `merging.collect` counts, the mentions of passages that stand
        # for their sentence (a repeat is counted once, through its first telling); the rest
        # was about a third of what the parent had to unpickle.
        named_here = [(pid, named) for pid, named in mentions.items() if named and day.kept.get(pid) == pid]
        said = quotes.told(article, mine, mentions, day.kept, day.cited, sources)
        events = timeline.dated(article, day.kept_passages[n], day.cited, mine)
        if outside:
            # Only what an article in scope carried too.
            named_here = [(pid, named) for pid, named in named_here if not day.outside.issuperset(day.cited.get(pid, (article.id,)))]
            said = [q for q in said if not day.outside.issuperset(q.source_ids)]
            events = [e for e in events if not day.outside.issuperset(e[1].source_ids)]
        found.extend(named_here)
        told.extend(said)
        dated.extend(events)
    # The timeline keeps at most `timeline_limit` events of the day, and those are among the
    # ones each part would keep (most of the 14,000 events at 10,000 items were sent for nothing).
    return [(found, told, timeline.shortlist(dated, day.timeline_limit))]
