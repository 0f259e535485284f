"""The most similar earlier text of each of today's, without the whole grid.

Story continuity asks, for each of the day's ~800 stories, which of the ~11,000 stories of
the last two weeks' briefs is most like it (TF-IDF cosine of headline and lead), and only
when that reaches a threshold. The whole grid (`changes._similarity`) is a dense 800 x 11,000
array made from the sparse product, then another for the same prints, then each row's
argmax: three arrays of 70 MB each, first touched in a cold process, cost more than the
product itself. Here the sparse product is read as it is: a pair sharing no term has
similarity 0 and cannot reach the threshold, so the work follows the pairs that share a term.
The answer is the grid's to the last bit (the same product; tests/test_story_similarity.py
compares the two).

Pruning pairs before the product by their rarest terms (Bayardo, Ma and Srikant's prefix
filter) was tried: on the benchmark's two weeks of stories 790 of 800 have a match and the
filter kept 1.4 million of the 4.9 million pairs sharing a term, and the exact sums of those
pairs outside scipy's product cost far more than the product."""

from __future__ import annotations

import numpy as np

from .passages import fingerprint

# Rows of the product computed at once.
CHUNK = 64


def print_codes(rows: list[str], columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each text's fingerprint as a number, the same number for the same print (the same
    words, case and punctuation aside): taken once per text, compared as numbers."""
    codes: dict[str, int] = {}
    row_codes = np.array([codes.setdefault(fingerprint(r), len(codes)) for r in rows], dtype=np.int64)
    column_codes = np.array([codes.setdefault(fingerprint(c), len(codes)) for c in columns], dtype=np.int64)
    return row_codes, column_codes


def most_similar(rows: list[str], columns: list[str], threshold: float) -> list[tuple[int, float] | None]:
    """For each row text, (column, similarity) of the first column text of greatest
    similarity (`changes._similarity`: TF-IDF cosine over all the texts, 1.0 for the same
    print) when that is at least `threshold` (> 0); else None."""
    found: list[tuple[int, float] | None] = [None] * len(rows)
    if not rows or not columns:
        return found
    from .tfidf import fit_transform

    row_codes, column_codes = print_codes(rows, columns)
    best_value = np.zeros(len(rows))
    best_column = np.full(len(rows), -1, dtype=np.int64)
    # The same earlier text (a story recorded day after day in the same words) is the same
    # vector, so it is multiplied once, as its first column: the lowest column of any tie.
    # (Fitted on every text all the same: each counts in the terms' weights.)
    firsts: dict[str, int] = {}
    for column, text in enumerate(columns):
        firsts.setdefault(text, column)
    distinct = np.fromiter(firsts.values(), dtype=np.int64, count=len(firsts))
    try:
        matrix, _ = fit_transform(rows + columns)
    except ValueError:  # nothing but stop words: only the prints can match
        matrix = None
    if matrix is not None:
        today, earlier = matrix[: len(rows)], matrix[len(rows) + distinct].T.tocsr()
        codes = column_codes[distinct]
        # Only a row whose print an earlier text has can meet it (44 of the archive day's 1,769).
        shares = np.isin(row_codes, codes)
        # A few rows at a time: each row of the product is that row's alone (the same sums),
        # and small arrays are reused where the whole product's would each be fresh memory.
        for first in range(0, len(rows), CHUNK):
            product = today[first : first + CHUNK] @ earlier
            _best_of_rows(product, row_codes[first : first + CHUNK], codes, len(distinct), shares[first : first + CHUNK],
                          best_value[first : first + CHUNK], best_column[first : first + CHUNK])
        found_any = best_column >= 0
        best_column[found_any] = distinct[best_column[found_any]]
    # A print shared with no term in common (texts of stop words only): 1.0 as well, and
    # the lowest such column counts on a tie with the product's 1.0.
    first_of_code: dict[int, int] = {}
    for column, code in enumerate(column_codes.tolist()):
        first_of_code.setdefault(code, column)
    for row, code in enumerate(row_codes.tolist()):
        column = first_of_code.get(code)
        if column is None or best_value[row] > 1.0:
            continue
        if best_value[row] < 1.0 or column < best_column[row]:
            best_value[row], best_column[row] = 1.0, column
    for row in np.flatnonzero(best_value >= threshold).tolist():
        found[row] = (int(best_column[row]), float(best_value[row]))
    return found


def _best_of_rows(product, row_codes: np.ndarray, column_codes: np.ndarray, columns: int,  # type: ignore[no-untyped-def]
                  shares: np.ndarray, best_value: np.ndarray, best_column: np.ndarray) -> None:
    """Each row's greatest value in the sparse `product` and the lowest column holding it,
    into `best_value` and `best_column`; the same print counts 1.0 whatever the vectors say
    (`shares`: whether each row's print is among `column_codes`)."""
    lengths = np.diff(product.indptr)
    row_of = np.repeat(np.arange(len(lengths)), lengths)
    values = product.data
    if shares.any():
        at = np.flatnonzero(shares[row_of])
        values[at[row_codes[row_of[at]] == column_codes[product.indices[at]]]] = 1.0
    filled = np.flatnonzero(lengths)
    if not len(filled):
        return
    starts = product.indptr[filled]
    best_value[filled] = np.maximum.reduceat(values, starts)
    # The lowest column of that value: argmax's choice on a tie.
    lowest = np.where(values == best_value[row_of], product.indices, columns)
    best_column[filled] = np.minimum.reduceat(lowest, starts)
