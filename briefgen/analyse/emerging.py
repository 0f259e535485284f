"""Emerging topics: passages no theme claimed, clustered, each cluster named by its top terms.

TF-IDF vectors and average-linkage agglomerative clustering on cosine distance
(scikit-learn; deterministic, no random seed involved). A cluster is shown only with
enough support: `brief.emerging_min_passages` passages from `brief.emerging_min_articles`
distinct articles. The distance matrix is quadratic, so at most MAX_PASSAGES passages
(the most recent) are clustered."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..config import BriefConfig
from ..models import EmergingTopic, Passage, SummaryPoint

log = logging.getLogger(__name__)

MAX_PASSAGES = 2000
# Clusters merge while their passages are on average at least this similar (1 - distance).
DISTANCE = 0.9
TERMS = 3
# A phrase replaces its word in a label when it carries this share of the word's weight.
PHRASE_SHARE = 0.6
POINTS = 3


def find(passages: Sequence[Passage], cited: dict[str, tuple[str, ...]], brief: BriefConfig) -> list[EmergingTopic]:
    """The best-supported clusters of unthemed passages, largest first, at most `brief.emerging_topics`."""
    if brief.emerging_topics == 0 or len(passages) < brief.emerging_min_passages:
        return []
    if len(passages) > MAX_PASSAGES:
        log.info("emerging topics: clustering the last %d of %d unthemed passages", MAX_PASSAGES, len(passages))
        passages = passages[-MAX_PASSAGES:]
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Words only: numbers and dates would group passages by when, not by what.
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2), token_pattern=r"(?u)\b[^\W\d_][\w-]+\b"
    )
    try:
        matrix = vectorizer.fit_transform([p.text for p in passages])
    except ValueError:  # no vocabulary left
        return []
    terms = vectorizer.get_feature_names_out()
    sims = (matrix @ matrix.T).toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=DISTANCE
    ).fit_predict(np.clip(1.0 - sims, 0.0, None))
    topics: list[tuple[tuple[int, float], EmergingTopic]] = []
    for label in sorted(set(labels)):
        members = np.flatnonzero(labels == label)
        sources = tuple(dict.fromkeys(a for i in members for a in cited.get(passages[i].id, (passages[i].article_id,))))
        if len(members) < brief.emerging_min_passages or len(sources) < brief.emerging_min_articles:
            continue
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        # The most central passages speak for the cluster.
        central = members[np.argsort(-sims[np.ix_(members, members)].mean(axis=1), kind="stable")][:POINTS]
        points = tuple(
            SummaryPoint(passages[i].text, cited.get(passages[i].id, (passages[i].article_id,)), passages[i].id,
                         round(float(sims[i, members].mean()), 4))
            for i in sorted(central)
        )
        cohesion = float(sims[np.ix_(members, members)].mean())
        topic = EmergingTopic(_label(centroid, terms), tuple(passages[i].id for i in members), sources, points)
        topics.append(((-len(members), -cohesion), topic))
    topics.sort(key=lambda t: t[0])
    return [t for _, t in topics[: brief.emerging_topics]]


def _label(centroid: np.ndarray, terms: np.ndarray) -> tuple[str, ...]:
    """The cluster's heaviest terms; a word gives way to a phrase holding it that weighs
    nearly as much ("kim jong-un" over "jong-un"), and no word is named twice."""
    order = [i for i in np.argsort(-centroid, kind="stable") if centroid[i] > 0]
    weight = {str(terms[i]): float(centroid[i]) for i in order}
    chosen: list[str] = []
    for index in order:
        if len(chosen) == TERMS:
            break
        term = str(terms[index])
        if " " not in term:
            phrases = [p for p in weight if " " in p and term in p.split() and weight[p] >= PHRASE_SHARE * weight[term]]
            term = max(phrases, key=lambda p: (weight[p], p)) if phrases else term
        words = set(term.split())
        if any(words & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
    return tuple(chosen)
