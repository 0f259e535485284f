"""TF-IDF as scikit-learn's TfidfVectorizer computes it, for the settings briefgen uses:
lower-cased text, a token regular expression, English stop words removed, word n-grams,
sublinear tf (1 + ln tf), smooth idf (ln((1 + n) / (1 + df)) + 1), rows scaled to unit
length. One sparse matrix (scipy CSR) per call, columns in alphabetical order of terms.

Written out here so that a brief does not import scikit-learn (about a second at start-up)
for a few array operations. The operations are scikit-learn's own, in its order (a row's
entries in order of first appearance when fitted, sorted when transformed with a fitted
vocabulary; each row's norm summed left to right), so every number comes out the same:
tests/test_tfidf.py compares the two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from itertools import filterfalse

import numpy as np

# scikit-learn's ENGLISH_STOP_WORDS (BSD-3-Clause), from the Glasgow Information Retrieval Group.
ENGLISH_STOP_WORDS = frozenset(
    """
a about above across after afterwards again against all almost alone along already also
although always am among amongst amoungst amount an and another any anyhow anyone anything
anyway anywhere are around as at back be became because become becomes becoming been before
beforehand behind being below beside besides between beyond bill both bottom but by call can
cannot cant co con could couldnt cry de describe detail do done down due during each eg
eight either eleven else elsewhere empty enough etc even ever every everyone everything
everywhere except few fifteen fifty fill find fire first five for former formerly forty
found four from front full further get give go had has hasnt have he hence her here
hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
inc indeed interest into is it its itself keep last latter latterly least less ltd made many
may me meanwhile might mill mine more moreover most mostly move much must my myself name
namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
of off often on once one only onto or other others otherwise our ours ourselves out over own
part per perhaps please put rather re same see seem seemed seeming seems serious several she
should show side since sincere six sixty so some somehow someone something sometime
sometimes somewhere still such system take ten than that the their them themselves then
thence there thereafter thereby therefore therein thereupon these they thick thin third this
those though three through throughout thru thus to together too top toward towards twelve
twenty two un under until up upon us very via was we well were what whatever when whence
whenever where whereafter whereas whereby wherein whereupon wherever whether which while
whither who whoever whole whom whose why will with within without would yet you your yours
yourself yourselves
""".split()
)
WORDS = r"(?u)\b\w\w+\b"
# Patterns that find the same tokens faster: every maximal run of two or more word
# characters either way (a search can only begin a match at the start of a run, as a run
# of one fails and the next character is no word character), without testing the boundaries.
_FASTER = {WORDS: r"(?u)\w\w+"}


def fit_transform(
    texts: Sequence[str],
    token_pattern: str = WORDS,
    ngram_range: tuple[int, int] = (1, 1),
    *,
    sorted_rows: bool = False,
):  # type: ignore[no-untyped-def]
    """(matrix, terms): TfidfVectorizer(stop_words="english", sublinear_tf=True,
    token_pattern=..., ngram_range=...).fit_transform(texts) and its feature names.

    `sorted_rows` gives each row's entries in column order, as `.transform` of a fitted
    vectorizer gives them (`fit(texts)` then `transform(texts)`).

    ValueError when no text has a term (only stop words), as scikit-learn raises."""
    from scipy.sparse import csr_matrix

    tokenize = re.compile(_FASTER.get(token_pattern, token_pattern)).findall
    low, high = ngram_range
    # Ids in order of first appearance, as scikit-learn numbers its vocabulary (and as it
    # does, by a defaultdict whose default is its own length: a lookup in C).
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    number = vocabulary.__getitem__
    ids: list[int] = []
    lengths: list[int] = []
    # (filterfalse with the set's own membership test: the stop words dropped in C.)
    stop = ENGLISH_STOP_WORDS.__contains__
    for text in texts:
        tokens = list(filterfalse(stop, tokenize(text.lower())))
        grams = _ngrams(tokens, low, high)
        ids.extend(map(number, grams))
        lengths.append(len(grams))
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    terms = sorted(vocabulary)
    alphabetical = np.empty(len(terms), dtype=np.int64)
    for new, term in enumerate(terms):
        alphabetical[vocabulary[term]] = new
    rows = len(texts)
    # Counts per (row, id), each row in id order: scikit-learn sorts each row by
    # first-appearance id, then renumbers the columns alphabetically.
    # (In place where it can be: these arrays have an entry per term occurrence of the day.)
    keys = np.repeat(np.arange(rows, dtype=np.int64), lengths)
    keys *= len(terms)
    keys += np.fromiter(ids, dtype=np.int64, count=len(ids))
    del ids
    unique, counts = np.unique(keys, return_counts=True)
    del keys
    row_of, first_ids = np.divmod(unique, len(terms))
    del unique
    starts = np.searchsorted(row_of, np.arange(rows + 1)).astype(np.int64)
    del row_of
    columns = alphabetical[first_ids]
    del first_ids
    data = counts.astype(np.float64)
    del counts
    if sorted_rows:
        order = np.lexsort((columns, np.repeat(np.arange(rows), np.diff(starts))))
        columns, data = columns[order], data[order]
    # Sublinear tf, smooth idf: TfidfTransformer's steps, in its order.
    np.log(data, data)
    data += 1.0
    df = np.bincount(columns, minlength=len(terms)).astype(np.float64)
    df += 1.0
    idf = np.full_like(df, fill_value=rows + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    data *= idf[columns]
    _normalise_rows(data, starts)
    matrix = csr_matrix((data, columns.astype(np.int32), starts.astype(np.int32)), shape=(rows, len(terms)))
    return matrix, np.array(terms, dtype=object)


def text_terms(text: str, token_pattern: str = WORDS, ngram_range: tuple[int, int] = (1, 1)) -> list[str]:
    """The terms `fit_transform` counts in one text, with their repeats, in its order."""
    tokens = [t for t in re.findall(_FASTER.get(token_pattern, token_pattern), text.lower()) if t not in ENGLISH_STOP_WORDS]
    return _ngrams(tokens, *ngram_range)


def _ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """scikit-learn's _word_ngrams: unigrams first (when wanted), then each longer n."""
    if high == 1:
        return tokens
    out = list(tokens) if low == 1 else []
    if high == 2 and low <= 2:
        out.extend(map(" ".join, zip(tokens[:-1], tokens[1:], strict=True)))
        return out
    for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _normalise_rows(data: np.ndarray, starts: np.ndarray) -> None:
    """Scale each row to unit length in place, its squares summed left to right (as
    scikit-learn's inplace_csr_row_normalize_l2 does); rows of zeros stay zero."""
    lengths = np.diff(starts)
    sums = np.zeros(len(lengths))
    for position in range(int(lengths.max()) if len(lengths) else 0):
        rows = np.flatnonzero(lengths > position)
        at = starts[rows] + position
        sums[rows] += data[at] * data[at]
    norms = np.sqrt(sums)
    norms[sums == 0.0] = 1.0
    data /= np.repeat(norms, lengths)
