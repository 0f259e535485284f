"""Who is named and who is quoted: each article's people, organisations and places
(entities) and its quotations with their speakers (quotes), found article by article.

Both read one article at a time (with the day's common words), so for a large day they
run on forked workers while the parent tells the stories and composes the body: the
workers read the day from memory inherited at the fork rather than having every article
and passage pickled to them, and send back only what they found. The parent then merges
the day's repeated quotations in citation order, exactly as one pass would."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import EntityConfig
from ..models import Article, Passage, Quote
from . import quotes
from .entities import Gazetteer, Mention, Recogniser

# From this many articles, the work runs on worker processes (see forking).
PARALLEL_ARTICLES = 2000


@dataclass
class _Day:
    recogniser: Recogniser
    articles: Sequence[Article]
    of_article: list[list[Passage]]
    kept: dict[str, str | None]
    cited: dict[str, tuple[str, ...]]


# The day being read, set before the workers fork (one day at a time per process).
_day: _Day | None = None

Found = tuple[list[tuple[str, list[Mention]]], list[Quote]]


class Begun:
    """The day's mentions and quotations, begun: `results()` collects them."""

    def __init__(self, articles: Sequence[Article], passages: Sequence[Passage], entities: Sequence[EntityConfig],
                 kept: dict[str, str | None], cited: dict[str, tuple[str, ...]]) -> None:
        from .. import forking

        global _day
        of_article: dict[str, list[Passage]] = defaultdict(list)
        for passage in passages:
            of_article[passage.article_id].append(passage)
        _day = _Day(Recogniser(Gazetteer(entities), (a.text for a in articles)), articles,
                    [of_article.get(a.id, []) for a in articles], kept, cited)
        self._pending = forking.Chunks(_read, list(range(len(articles))), minimum=PARALLEL_ARTICLES)

    def results(self) -> tuple[dict[str, list[Mention]], list[Quote]]:
        """(mentions per passage id of every passage, the day's quotations merged)."""
        global _day
        try:
            chunks: list[Found] = self._pending.results()
        finally:
            _day = None
        mentions: dict[str, list[Mention]] = {}
        said: list[Quote] = []
        for found, told in chunks:
            mentions.update(found)
            said.extend(told)
        return mentions, quotes.merge(said)


def _read(indices: list[int]) -> list[Found]:
    """One chunk of the day's articles (contiguous, in citation order): its mentions and quotations."""
    day = _day
    assert day is not None
    found: list[tuple[str, list[Mention]]] = []
    told: list[Quote] = []
    for n in indices:
        mine = day.of_article[n]
        mentions = dict(zip([p.id for p in mine], day.recogniser.article(mine), strict=True))
        found.extend(mentions.items())
        told.extend(quotes.told(day.articles[n], mine, mentions, day.kept, day.cited))
    return [(found, told)]
