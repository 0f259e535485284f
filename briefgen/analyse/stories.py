"""Stories: the same report carried by several outlets (wire copy, lightly edited) is one
story with all its sources. MinHash-LSH finds the pairs in near-linear time: each article
is hashed once and only looked up against its own LSH buckets, never against every other."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Article, Passage, Story

# Articles whose word 3-grams overlap at least this much (Jaccard) tell the same story.
STORY_SIMILARITY = 0.5
# Inside a story, sentences sharing this share of their words say the same thing.
PASSAGE_SIMILARITY = 0.6
SHINGLE = 3
NUM_PERM = 128


def _shingles(text: str) -> set[bytes]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}


def cluster(articles: Sequence[Article]) -> list[Story]:
    """Group articles (in citation order) into stories; the first article of a story leads it."""
    from datasketch import MinHash, MinHashLSH

    shingles = [_shingles(a.text) for a in articles]
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hashable = [i for i, s in enumerate(shingles) if s]
    if len(hashable) > 1:
        lsh = MinHashLSH(threshold=STORY_SIMILARITY, num_perm=NUM_PERM)
        signatures = MinHash.bulk([shingles[i] for i in hashable], num_perm=NUM_PERM)
        for i, signature in zip(hashable, signatures, strict=True):
            for other in lsh.query(signature):
                j = int(other)
                # LSH proposes candidates; the exact overlap of the two decides.
                if _jaccard(shingles[i], shingles[j]) >= STORY_SIMILARITY:
                    parent[root(i)] = root(j)
            lsh.insert(str(i), signature)
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(root(i), []).append(i)
    stories = []
    for members in sorted(groups.values(), key=min):
        chosen = [articles[i] for i in sorted(members)]
        names: list[str] = []
        for article in chosen:
            for name in (article.source, *article.also_in):
                if name not in names:
                    names.append(name)
        stories.append(Story(f"s-{chosen[0].id}", tuple(a.id for a in chosen), tuple(names)))
    return stories


def merge_passages(
    passages: list[Passage], cited: dict[str, tuple[str, ...]], stories: Sequence[Story]
) -> tuple[list[Passage], dict[str, tuple[str, ...]]]:
    """Within each story, a sentence that repeats an earlier member's (near-verbatim) is
    dropped, and the kept one cites both articles: one story, told once."""
    story_of = {aid: s for s in stories if len(s.article_ids) > 1 for aid in s.article_ids}
    kept: list[Passage] = []
    cites = dict(cited)
    words_of: dict[str, set[str]] = {}
    by_story: dict[str, list[Passage]] = {}
    for passage in passages:
        story = story_of.get(passage.article_id)
        if story is None:
            kept.append(passage)
            continue
        words = set(re.findall(r"\w+", passage.text.casefold()))
        earlier = by_story.setdefault(story.id, [])
        twin = next(
            (p for p in earlier if p.article_id != passage.article_id and _jaccard(words, words_of[p.id]) >= PASSAGE_SIMILARITY),
            None,
        )
        if twin is None:
            words_of[passage.id] = words
            earlier.append(passage)
            kept.append(passage)
            continue
        carriers = list(cites.get(twin.id, (twin.article_id,)))
        for article_id in cites.get(passage.id, (passage.article_id,)):
            if article_id not in carriers:
                carriers.append(article_id)
        cites[twin.id] = tuple(carriers)
        cites.pop(passage.id, None)
    return kept, cites


def _jaccard(a: set[object], b: set[object]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
