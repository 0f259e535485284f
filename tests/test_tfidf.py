"""briefgen's TF-IDF and emerging-topic clustering give scikit-learn's numbers exactly
(the analysis does not import scikit-learn; these tests check it is not missed)."""

from __future__ import annotations

import numpy as np
import pytest

from briefgen.analyse import passages as passages_mod
from briefgen.analyse import tfidf
from briefgen.analyse.emerging import _clusters
from briefgen.config import load_config
from briefgen.ingest import ingest

from .conftest import DEFAULT_CONFIG

text = pytest.importorskip("sklearn.feature_extraction.text")
cluster = pytest.importorskip("sklearn.cluster")

SETTINGS = [
    ({}, tfidf.WORDS, (1, 1)),
    ({"ngram_range": (1, 2)}, tfidf.WORDS, (1, 2)),
    ({"token_pattern": r"(?u)\b[a-zA-Z][a-zA-Z-]+\b"}, r"(?u)\b[a-zA-Z][a-zA-Z-]+\b", (1, 1)),
    ({"ngram_range": (1, 2), "token_pattern": r"(?u)\b[^\W\d_][\w-]+\b"}, r"(?u)\b[^\W\d_][\w-]+\b", (1, 2)),
]


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    config = load_config(DEFAULT_CONFIG)
    split = [p.text for a in ingest(config).articles for p in passages_mod.split(a)]
    return split + ["the of and", "", "North Korea's DPRK-led U.S. 3.5 missile-test, missile-test!"]


@pytest.mark.parametrize(("options", "pattern", "ngrams"), SETTINGS)
def test_matrices_equal_scikit_learns_to_the_bit(sentences, options, pattern, ngrams):
    reference = text.TfidfVectorizer(stop_words="english", sublinear_tf=True, **options)
    expected = reference.fit_transform(sentences)
    matrix, terms = tfidf.fit_transform(sentences, pattern, ngrams)
    assert list(terms) == list(reference.get_feature_names_out())
    assert (matrix.indptr == expected.indptr).all() and (matrix.indices == expected.indices).all()
    assert (matrix.data == expected.data).all()
    assert ((matrix @ matrix.T).toarray() == (expected @ expected.T).toarray()).all()
    # fit, then transform: rows come back sorted by column.
    reference.fit(sentences)
    transformed = reference.transform(sentences)
    rows, _ = tfidf.fit_transform(sentences, pattern, ngrams, sorted_rows=True)
    assert (rows.indices == transformed.indices).all() and (rows.data == transformed.data).all()


def test_only_stop_words_is_an_error_as_in_scikit_learn():
    with pytest.raises(ValueError):
        tfidf.fit_transform(["the of and", "it is"])


def test_stop_words_are_scikit_learns():
    assert tfidf.ENGLISH_STOP_WORDS == text.ENGLISH_STOP_WORDS


@pytest.mark.parametrize("threshold", [0.5, 0.9, 0.99])
def test_clusters_are_agglomerative_clusterings(sentences, threshold):
    matrix, _ = tfidf.fit_transform(sentences, r"(?u)\b[^\W\d_][\w-]+\b", (1, 2))
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, None)
    expected = cluster.AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(distances)
    assert (_clusters((matrix @ matrix.T).toarray(), threshold) == expected).all()


def test_the_faster_word_pattern_finds_the_same_tokens_in_any_text():
    # Every maximal run of two or more word characters, with or without the boundaries:
    # single letters, digits, underscores, Hangul, marks, apostrophes and hyphens between.
    import random
    import re

    pieces = ["a", "I", "ab", "x1", "_", "__a", "1", "2024", "북한", "미", "é", "e\u0301", "’", "'", "-", " ", ".", "\n",
              "Kim", "Jong-un", "U.S.", "s", "'s", "\t", "#", "@"]
    rng = random.Random(18)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30))) for _ in range(3000)]
    slow, fast = re.compile(tfidf.WORDS), re.compile(tfidf._FASTER[tfidf.WORDS])
    assert [fast.findall(t) for t in texts] == [slow.findall(t) for t in texts]
