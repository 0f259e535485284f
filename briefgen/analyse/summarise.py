"""Extractive summaries: the most central, non-redundant passages, verbatim and cited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import Passage, SummaryPoint

# Two passages this similar say the same thing; the second adds nothing to a summary.
REDUNDANT = 0.5
# Weight of redundancy against importance when picking the next point (maximal marginal relevance).
MMR_PENALTY = 0.7
# Past this many words a passage reads as a long quotation, not a summary point.
LONG_PASSAGE = 55


@dataclass
class Vectors:
    """One TF-IDF matrix for all of the day's passages, rows in passage order."""

    index: dict[str, int]
    matrix: object  # scipy sparse matrix, L2-normalised rows
    # The hashes of the columns' terms (words and word pairs), in column order: enough to
    # place another text in the day's space (analyse.feedback), at 8 bytes a term where the
    # terms themselves would keep a string each.
    term_hashes: np.ndarray | None = None

    @classmethod
    def build(cls, passages: Sequence[Passage]) -> Vectors:
        from .tfidf import WORDS, fit_transform

        index = {p.id: i for i, p in enumerate(passages)}
        if not passages:
            return cls(index, None)
        try:
            matrix, terms = fit_transform([p.text for p in passages], WORDS, (1, 2))
        except ValueError:  # only stop words in the whole day: no vocabulary
            return cls(index, None)
        return cls(index, matrix, np.fromiter(map(hash, terms), dtype=np.int64, count=len(terms)))

    def similarity(self, passages: Sequence[Passage]) -> np.ndarray:
        """Pairwise cosine similarity: for small sets only (it is quadratic)."""
        if self.matrix is None or not passages:
            return np.zeros((len(passages), len(passages)))
        rows = self.rows(passages)
        return (rows @ rows.T).toarray()

    def rows(self, passages: Sequence[Passage]):  # type: ignore[no-untyped-def]
        return self.matrix[[self.index[p.id] for p in passages]]  # type: ignore[index]


class _Similarities:
    """What selection needs of the pairwise similarities of n passages, in O(n) memory:
    each row's sum (centrality) and the columns of the passages chosen so far."""

    def __init__(self, vectors: Vectors, passages: Sequence[Passage]):
        self.n = len(passages)
        self._rows = None if vectors.matrix is None else vectors.rows(passages)
        self._columns: dict[int, np.ndarray] = {}

    def row_sums(self) -> np.ndarray:
        if self._rows is None:
            return np.zeros(self.n)
        total = np.asarray(self._rows.sum(axis=0)).ravel()
        return np.asarray(self._rows @ total).ravel()

    def column(self, j: int) -> np.ndarray:
        """Similarity of every passage to passage j."""
        if j not in self._columns:
            if self._rows is None:
                self._columns[j] = np.zeros(self.n)
            else:
                self._columns[j] = (self._rows @ self._rows[j].T).toarray().ravel()
        return self._columns[j]


def importance(passages: Sequence[Passage], sims: np.ndarray | _Similarities, theme: str | None) -> np.ndarray:
    """How much each passage matters: centrality among its peers, theme evidence, position, length."""
    n = len(passages)
    if n == 0:
        return np.zeros(0)
    sums = sims.row_sums() if isinstance(sims, _Similarities) else sims.sum(axis=1)
    centrality = (sums - 1.0) / max(n - 1, 1) if n > 1 else np.zeros(1)
    if centrality.max() > 0:
        centrality = centrality / centrality.max()
    if theme is not None:
        scores = np.array([(p.match(theme).score if p.match(theme) else 0.0) for p in passages])
    else:
        scores = np.array([max((m.score for m in p.themes), default=0.0) for p in passages])
    evidence = scores / scores.max() if scores.max() > 0 else scores
    lead = np.array([1.0 / (1.0 + p.index / 5.0) for p in passages])
    words = np.array([len(p.text.split()) for p in passages])
    length = np.where(words > LONG_PASSAGE, 0.5, 1.0) * np.where(words < 8, 0.7, 1.0)
    question = np.array([0.5 if p.text.rstrip().endswith("?") else 1.0 for p in passages])
    return (0.45 * centrality + 0.4 * evidence + 0.15 * lead) * length * question


def select(
    passages: Sequence[Passage],
    vectors: Vectors,
    limit: int,
    theme: str | None = None,
    cited: dict[str, tuple[str, ...]] | None = None,
) -> list[SummaryPoint]:
    """Pick up to `limit` passages by maximal marginal relevance; never two that say the same.

    Linear in the number of passages: centrality is each row's dot product with the sum
    of all rows (the row sums of the similarity matrix, never built), and redundancy needs
    only the columns of the few passages already chosen."""
    if not passages or limit <= 0:
        return []
    sims = _Similarities(vectors, passages)
    weight = importance(passages, sims, theme)
    chosen: list[int] = []
    # Highest gain first; among equals the lowest index (the earlier passage).
    open_ = np.ones(len(passages), dtype=bool)
    overlap = np.zeros(len(passages))
    while open_.any() and len(chosen) < limit:
        gain = np.where(open_, weight - MMR_PENALTY * overlap, -np.inf)
        best = int(np.argmax(gain))
        open_[best] = False
        if any(sims.column(j)[best] >= REDUNDANT for j in chosen):
            continue
        chosen.append(best)
        overlap = np.maximum(overlap, sims.column(best))
    points = []
    for i in chosen:
        p = passages[i]
        sources = (cited or {}).get(p.id, (p.article_id,))
        points.append(SummaryPoint(p.text, sources, p.id, round(float(weight[i]), 4), tuple(m.theme for m in p.themes)))
    return points


def bottom_line(sections: dict[str, list[SummaryPoint]], passages: dict[str, Passage], vectors: Vectors, limit: int) -> list[SummaryPoint]:
    """The most important points across themes: each theme's best first, then the strongest rest."""
    pool: list[SummaryPoint] = []
    seen: set[str] = set()
    for points in sections.values():
        for point in points:
            if point.passage_id not in seen:
                seen.add(point.passage_id)
                pool.append(point)
    if not pool:
        return []
    # A passage that feeds several themes matters more across the brief.
    ranked = sorted(pool, key=lambda p: -(p.score * (1 + 0.25 * (len(p.themes) - 1))))
    firsts = [points[0].passage_id for points in sections.values() if points]
    order = [p for p in ranked if p.passage_id in firsts] + [p for p in ranked if p.passage_id not in firsts]
    sims = vectors.similarity([passages[p.passage_id] for p in order])
    picked: list[int] = []
    for i in range(len(order)):
        if len(picked) >= limit:
            break
        if all(sims[i, j] < REDUNDANT for j in picked):
            picked.append(i)
    return [order[i] for i in picked]
