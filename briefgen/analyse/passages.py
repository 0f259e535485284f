"""Splitting articles into passages: sentences, with abbreviations and quotations kept whole."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

from .. import language
from ..models import Article, Passage
from .sentences import sentence_spans

MIN_WORDS = 4
R = TypeVar("R")
# From this many articles to split, splitting runs on worker processes (see forking).
PARALLEL_ARTICLES = 1000
WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=8)
def words_at_least(count: int) -> re.Pattern[str]:
    """Found where a text has `count` words or more (what counting WORD_RE's finds tells,
    without finding the rest of a sentence's words)."""
    return re.compile(r"\w+" + r"\W+\w+" * (count - 1))


# Bump when sentence splitting changes: cached spans of an older splitter are then ignored.
SPLITTER = "2"
# (paragraph number, start, end) of each passage in its paragraph.
Span = tuple[int, int, int]


class SpanCache(Protocol):
    """Where the spans of articles already split are kept between runs (the store)."""

    def load_spans(self, keys: Sequence[str]) -> dict[str, list[Span]]: ...

    def save_spans(self, spans: dict[str, list[Span]]) -> None: ...


def key(article: Article) -> str:
    """What an article's passages depend on: its text (and the splitter's version)."""
    return hashlib.sha256(f"{SPLITTER}\x00{article.text}".encode()).hexdigest()


def spans(text: str) -> list[Span]:
    """Where the passages of a text are: sentences of MIN_WORDS words or more, in reading order."""
    return _spans(text.split("\n\n"), paragraph_spans)


def _spans(paragraphs: Sequence[str], of: Callable[[str], list[tuple[int, int]]]) -> list[Span]:
    return [(p_index, start, end) for p_index, paragraph in enumerate(paragraphs) for start, end in of(paragraph)]


def paragraph_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of the passages of one paragraph: a pure function of its text, so a
    paragraph that wire copy repeats across articles is split once."""
    split, least = sentence_spans, MIN_WORDS
    if language.has_hangul(paragraph) and language.detect(paragraph) == language.KOREAN:
        # Korean sentences end and quote by Korean rules, and say more in fewer words.
        from . import korean

        split, least = korean.sentence_spans, korean.MIN_WORDS
    enough = words_at_least(least).search
    return [(start, end) for start, end in split(paragraph) if enough(paragraph, start, end)]


def passages_at(article: Article, where: Sequence[Span]) -> list[Passage]:
    """The passages of one article at the given spans, numbered in reading order; verbatim by construction."""
    paragraphs = article.text.split("\n\n")
    # Only an article with Hangul can mix languages: the others' passages are in the
    # article's language, told once (passages are many: a scan each would show in the time).
    mixed = language.has_hangul(article.text)
    same = article.language or (None if mixed else language.detect(article.text))
    out = []
    for index, (p, start, end) in enumerate(where):
        text = paragraphs[p][start:end]
        out.append(Passage(id=f"{article.id}-{index + 1}", article_id=article.id, text=text, paragraph=p, index=index,
                           language=language.of_passage(text, article.language) if mixed else same))
    return out


def split(article: Article) -> list[Passage]:
    """The passages of one article, numbered in reading order."""
    return passages_at(article, spans(article.text))


def split_all(articles: Sequence[Article], cache: SpanCache | None = None) -> list[Passage]:
    """Every article's passages in citation order; articles whose text is in `cache` are not split again."""
    return split_beside(articles, cache)[0]


def split_beside(articles: Sequence[Article], cache: SpanCache | None = None,
                 beside: Callable[[list[str]], list[R]] | None = None) -> tuple[list[Passage], list[R]]:
    """`split_all`, and `beside(texts)` of every article's text, computed on the same
    workers while the paragraphs are split (a stage that needs a pure function of each
    text gets it from workers the day forks anyway, while this process only waits)."""
    from .. import forking

    keys = [key(a) for a in articles] if cache is not None else []
    known = cache.load_spans(keys) if cache is not None else {}
    todo = [n for n in range(len(articles)) if cache is None or keys[n] not in known]
    if len(todo) >= PARALLEL_ARTICLES:
        # Korean text is split by an analyser that workers had better inherit than each load.
        from . import korean

        korean.prepare(articles[n].text for n in todo if articles[n].language != language.ENGLISH)
    # Splitting is a pure function of each paragraph: each distinct one is split once (wire
    # copy repeats paragraphs word for word), many of them on workers.
    texts = [articles[n].text.split("\n\n") for n in todo]
    distinct = list(dict.fromkeys(p for paragraphs in texts for p in paragraphs))
    splitting = forking.Chunks(_spans_of, distinct, minimum=PARALLEL_ARTICLES)
    reading = forking.Chunks(beside, [a.text for a in articles], minimum=PARALLEL_ARTICLES, share=splitting) if beside else None
    found = dict(zip(distinct, splitting.results(), strict=True))
    new = {n: _spans(paragraphs, found.__getitem__) for n, paragraphs in zip(todo, texts, strict=True)}
    out: list[Passage] = []
    for n, article in enumerate(articles):
        out.extend(passages_at(article, new[n] if n in new else known[keys[n]]))
    if cache is not None and new:
        cache.save_spans({keys[n]: where for n, where in new.items()})
    return out, reading.results() if reading is not None else []


def _spans_of(paragraphs: Sequence[str]) -> list[list[tuple[int, int]]]:
    return [paragraph_spans(paragraph) for paragraph in paragraphs]


@lru_cache(maxsize=1 << 16)
def fingerprint(text: str) -> str:
    """Text with case, punctuation and spacing removed: equal for the same sentence re-published.

    Cached: de-duplication, stories, leads and the body each ask for the same sentences'
    prints (about 200,000 asks for 60,000 passages at 10,000 items); `analyse` empties the
    cache when it is done, so a long-running scheduler does not keep a day's prints."""
    return " ".join(WORD_RE.findall(text.casefold()))


def dedupe(
    passages: list[Passage], prints: dict[str, str] | None = None
) -> tuple[list[Passage], dict[str, tuple[str, ...]]]:
    """Keep the first of each repeated sentence (wire copy, shared quotes) and, per kept
    passage, every article that carried it, so a point cites all of its sources.

    `prints`: each passage's fingerprint by id, when the caller has them already."""
    first: dict[str, Passage] = {}
    carriers: dict[str, list[str]] = {}
    for passage in passages:
        key = prints[passage.id] if prints is not None else fingerprint(passage.text)
        kept = first.setdefault(key, passage)
        sources = carriers.setdefault(kept.id, [])
        if passage.article_id not in sources:
            sources.append(passage.article_id)
    return list(first.values()), {pid: tuple(ids) for pid, ids in carriers.items()}
