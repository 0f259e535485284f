"""Splitting articles into passages: sentences, with abbreviations and quotations kept whole."""

from __future__ import annotations

import re

from ..models import Article, Passage
from .sentences import split_sentences

MIN_WORDS = 4
WORD_RE = re.compile(r"\w+")


def split(article: Article) -> list[Passage]:
    """The passages of one article, numbered in reading order."""
    passages: list[Passage] = []
    for p_index, paragraph in enumerate(article.text.split("\n\n")):
        for sentence in split_sentences(paragraph):
            if len(WORD_RE.findall(sentence)) < MIN_WORDS:
                continue
            index = len(passages)
            passages.append(
                Passage(
                    id=f"{article.id}-{index + 1}",
                    article_id=article.id,
                    text=sentence,
                    paragraph=p_index,
                    index=index,
                )
            )
    return passages


def fingerprint(text: str) -> str:
    """Text with case, punctuation and spacing removed: equal for the same sentence re-published."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def dedupe(passages: list[Passage]) -> tuple[list[Passage], dict[str, tuple[str, ...]]]:
    """Keep the first of each repeated sentence (wire copy, shared quotes) and, per kept
    passage, every article that carried it, so a point cites all of its sources."""
    first: dict[str, Passage] = {}
    carriers: dict[str, list[str]] = {}
    for passage in passages:
        key = fingerprint(passage.text)
        kept = first.setdefault(key, passage)
        sources = carriers.setdefault(kept.id, [])
        if passage.article_id not in sources:
            sources.append(passage.article_id)
    return list(first.values()), {pid: tuple(ids) for pid, ids in carriers.items()}
