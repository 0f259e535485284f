"""Stories: the same report carried by several outlets (wire copy, lightly edited) is one
story with all its sources. MinHash-LSH finds the pairs in near-linear time: each article
is hashed once and only looked up against its own LSH buckets, never against every other.

The MinHash is computed for all articles at once with numpy: each word is hashed once
(BLAKE2b, 64 bits), a word 3-gram's hash mixes its words' hashes (splitmix64), and each of
NUM_PERM odd multipliers permutes the 3-gram hashes (modulo 2^64); an article's signature
is the minimum per permutation. Signatures are cut into BANDS bands of ROWS values; two
articles with one band alike are a candidate pair. 25 x 5 is datasketch's balance of
false positives (each costs one exact check) and false negatives at 0.5 and 128
permutations: it proposes 87% of the pairs at a 0.6 overlap and 99.9% at 0.75, the
wire copy this is for. LSH only proposes pairs; the exact overlap of their 3-grams decides."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from ..models import Article, Passage, Story

# Articles whose word 3-grams overlap at least this much (Jaccard) tell the same story.
STORY_SIMILARITY = 0.5
# Inside a story, sentences sharing this share of their words say the same thing.
PASSAGE_SIMILARITY = 0.6
SHINGLE = 3
NUM_PERM = 128
BANDS, ROWS = 25, 5
# 3-grams hashed per batch: bounds the (batch x NUM_PERM) matrix at about 16 MB.
BATCH = 16_384
WORD_RE = re.compile(r"\w+")

_PERMUTATIONS = np.random.RandomState(1).randint(1, 2**62, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of a 64-bit value (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))



def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_sets(texts: Sequence[str]) -> list[np.ndarray]:
    """Per text, the sorted distinct hashes of its word 3-grams (one 'gram' of all its
    words when it has fewer than three; none when it has no word). All texts at once:
    each distinct word is hashed once, the 3-grams of every text in one numpy pass."""
    return unpacked(packed_shingles(texts))


def packed_shingles(texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """`shingle_sets` as a worker sends it back: one array of every text's 3-grams and the
    bounds of each text's part (two arrays to pickle and keep, not one per text)."""
    # Each distinct word numbered in order of first appearance (a lookup in C).
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    number = vocabulary.__getitem__
    ids: list[int] = []
    counts: list[int] = []
    for text in texts:
        tokens = WORD_RE.findall(text.casefold())
        if 0 < len(tokens) < SHINGLE:
            tokens = [" ".join(tokens)]
        ids.extend(map(number, tokens))
        counts.append(len(tokens))
    hashes = np.fromiter((_word_hash(w) for w in vocabulary), dtype=np.uint64, count=len(vocabulary))
    words = hashes[np.array(ids, dtype=np.int64)]
    lengths = np.array(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(texts)), lengths)
    # A 3-gram starts at every word but a text's last two; a text of one 'gram' is that word.
    starts = np.ones(len(words), dtype=bool)
    ends = np.cumsum(lengths)[lengths >= SHINGLE]
    starts[ends - 1] = False
    starts[ends - 2] = False
    first = np.flatnonzero(starts)
    long = lengths[owner[first]] >= SHINGLE
    grams = np.empty(len(first), dtype=np.uint64)
    with np.errstate(over="ignore"):
        at = first[long]
        grams[long] = _mix(words[at] ^ _mix(words[at + 1] ^ _mix(words[at + 2] + np.uint64(SHINGLE))))
        grams[~long] = _mix(words[first[~long]])
    who = owner[first]
    # Sorted and distinct within each text.
    order = np.lexsort((grams, who))
    grams, who = grams[order], who[order]
    keep = np.ones(len(grams), dtype=bool)
    keep[1:] = (grams[1:] != grams[:-1]) | (who[1:] != who[:-1])
    grams, who = grams[keep], who[keep]
    return [(grams, np.searchsorted(who, np.arange(len(texts) + 1)))]


def unpacked(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """Per text, its part of `packed_shingles`' arrays (views, not copies)."""
    return [grams[bounds[n] : bounds[n + 1]] for grams, bounds in parts for n in range(len(bounds) - 1)]


def signatures(sets: Sequence[np.ndarray]) -> np.ndarray:
    """The MinHash signature (NUM_PERM values) of each non-empty 3-gram set, one row each."""
    out = np.empty((len(sets), NUM_PERM), dtype=np.uint64)
    start = 0
    with np.errstate(over="ignore"):
        while start < len(sets):
            # As many sets as fit in one batch (at least one).
            stop, size = start, 0
            while stop < len(sets) and (stop == start or size + len(sets[stop]) <= BATCH):
                size += len(sets[stop])
                stop += 1
            values = np.concatenate(sets[start:stop])
            # One row per permutation, so that each set's minimum is taken along a row
            # (contiguous memory): about three times faster than down the columns.
            permuted = _PERMUTATIONS[:, None] * values[None, :]
            offsets = np.cumsum([0] + [len(x) for x in sets[start : stop - 1]])
            out[start:stop] = np.minimum.reduceat(permuted, offsets, axis=1).T
            start = stop
    return out




class Groups:
    """Items joined into groups (union-find, paths halved): stories of articles, events of stories."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def members(self) -> list[list[int]]:
        """Every group, its members in order, the groups in order of their first member."""
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.root(i), []).append(i)
        return sorted(out.values(), key=min)


def story_of(articles: Sequence[Article]) -> Story:
    """The story of these articles (in citation order): its id is its first article's, its
    sources every outlet that carried one of them, in that order."""
    names: list[str] = []
    for article in articles:
        for name in (article.source, *article.also_in):
            if name not in names:
                names.append(name)
    return Story(f"s-{articles[0].id}", tuple(a.id for a in articles), tuple(names))


def cluster(articles: Sequence[Article], grams: Sequence[np.ndarray] | None = None) -> list[Story]:
    """Group articles (in citation order) into stories; the first article of a story leads
    it. `grams`: the articles' `shingle_sets`, when the caller has them already."""
    if grams is None:
        grams = shingle_sets([a.text for a in articles])
    groups = Groups(len(articles))
    parent, root = groups.parent, groups.root

    def overlap(i: int, j: int) -> float:
        """Jaccard similarity of two articles' 3-grams (sorted, distinct)."""
        a, b = grams[i], grams[j]
        # Both sorted and distinct (and not empty): each of a's found in b by bisection,
        # which costs a fraction of intersect1d's concatenate-and-sort for arrays this small.
        shared = int(np.count_nonzero(b[np.searchsorted(b, a).clip(max=len(b) - 1)] == a))
        return shared / (len(a) + len(b) - shared)

    hashable = [i for i, g in enumerate(grams) if len(g)]
    if len(hashable) > 1:
        sigs = signatures([grams[i] for i in hashable])
        buckets: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]
        # Each row's band keys, the bytes of its ROWS values, cut for all rows at once.
        band_keys = [
            np.ascontiguousarray(sigs[:, band * ROWS : (band + 1) * ROWS]).view(np.dtype((np.void, 8 * ROWS))).ravel().tolist()
            for band in range(BANDS)
        ]
        for i, keys in zip(hashable, zip(*band_keys, strict=True), strict=True):
            candidates: set[int] = set()
            for band, key in enumerate(keys):
                candidates.update(buckets[band].get(key, ()))
            for j in sorted(candidates):
                # LSH proposes candidates; the exact overlap of the two decides (unless
                # they are one story already).
                if root(i) != root(j) and overlap(i, j) >= STORY_SIMILARITY:
                    parent[root(i)] = root(j)
            for band, key in enumerate(keys):
                buckets[band].setdefault(key, []).append(i)
    return [story_of([articles[i] for i in members]) for members in groups.members()]


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
