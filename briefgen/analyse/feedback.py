"""The analyst's feedback, applied on top of the theme rules.

A verdict ("this passage is / is not in theme X", `briefgen feedback`) decides its own
sentence wherever it appears again: the same fingerprint (case, punctuation and spacing
aside). Other sentences are moved by their nearest verdicts: each passage's TF-IDF cosine
similarity (words and word pairs, the day's own vectors) to each verdict's sentence; from
SIMILAR on, a verdict is evidence for the theme (`is`) or against it (`not`), growing with
the similarity. It adds to the score of a passage the rules put in the theme (which may
leave it), and puts in one they left out when it reaches the threshold alone (from FULL).

Each effect is written into the passage's evidence (`ThemeMatch.matched`: "feedback: not
(exact, #3)", "feedback +2.70: like #3 (is, 0.67)"), and a theme taken away, or asked for
and refused, is kept in `Passage.overruled`: the brief's appendix and its JSON show both.
Feedback never overrides an `exclude` nor the brief's scope: such a theme is refused, and
the refusal is shown.

Nearest neighbours rather than a trained classifier: it works from the first verdict
(a classifier needs verdicts both ways, and many, before it generalises rather than
learning names), every effect names the verdict behind it, and it reuses the day's TF-IDF
(one sparse product; no scikit-learn at run time)"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..config import ThemeConfig
from ..models import Feedback, Passage, ThemeMatch
from . import themes as theme_engine
from .passages import fingerprint

if TYPE_CHECKING:
    from .summarise import Vectors

# Cosine similarity from which a verdict counts for another sentence. On 626 real news
# sentences (tests/data), pairs at 0.5 or more are the same statement in near-identical
# words (UN boilerplate, wire copy); from 0.4, the same fact retold; below 0.3, only the
# same topic.
SIMILAR = 0.4
# Similarity at which a verdict weighs as much as the theme's threshold (three times as
# much at 1.0): a retold sentence then joins a theme on the verdict alone, or leaves one
# it was in with up to twice the threshold; at 0.5 a verdict only tips close calls.
FULL = 0.6
YAML_KEYS = {"text", "theme", "verdict"}


class FeedbackSource(Protocol):
    """Where recorded feedback is kept (the store)."""

    def feedback_records(self, theme: str | None = None) -> list[Feedback]: ...


def load(source: FeedbackSource | str | Path) -> list[Feedback]:
    """Recorded feedback: from a store, a store's file (read only), or a YAML file listing
    `{text, theme, verdict: is|not}` (for `briefgen themes test --feedback`)."""
    if not isinstance(source, str | Path):
        return source.feedback_records()
    path = Path(source)
    with path.open("rb") as head:
        is_store = head.read(16) == b"SQLite format 3\x00"
    if is_store:
        from ..store.feedback import read_feedback

        return read_feedback(path)
    from ..config.yamlload import safe_load

    return _from_yaml(path, safe_load(path.read_text(encoding="utf-8")))


def _from_yaml(path: Path, data: Any) -> list[Feedback]:
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of {{text, theme, verdict}}")
    records, problems = [], []
    for n, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not isinstance(entry.get("theme"), str):
            problems.append(f"[{n}]: needs a 'text' and a 'theme'")
        elif entry.get("verdict") not in ("is", "not"):
            problems.append(f"[{n}].verdict: 'is' or 'not'")
        elif set(entry) - YAML_KEYS:
            problems.append(f"[{n}]: unknown key {', '.join(map(repr, sorted(set(entry) - YAML_KEYS)))}")
        else:
            records.append(Feedback(entry["theme"], entry["text"], entry["verdict"] == "is", number=n + 1))
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return records


def vetoed(text: str, theme: ThemeConfig) -> str | None:
    """The `exclude` phrase of `theme` that vetoes `text`, as the theme rules find it, or None."""
    return _veto(_veto_model(theme), text)


def apply(
    passages: Sequence[Passage],
    themes: Sequence[ThemeConfig],
    records: Iterable[Feedback],
    prints: Mapping[str, str] | None = None,
    vectors: Vectors | None = None,
    outside: Collection[str] = (),
) -> None:
    """Correct the themes the rules gave `passages` (`passage.themes`) by the feedback
    `records`; what it takes away or refuses goes to `passage.overruled`.

    Works on any passages (a brief's, or `themes test`'s), with no store. `prints` (each
    passage's fingerprint by id) and `vectors` (their TF-IDF): when the caller has them
    already. `outside`: the ids of the articles the scope left out (`themes.assign` returns
    them), whose passages feedback does not put in a theme either."""
    configs = {t.key: t for t in themes}
    # Records of themes no longer configured are kept in the store and ignored here.
    chosen = [r for r in records if r.theme in configs]
    if not chosen or not passages:
        return
    if prints is None:
        prints = {p.id: fingerprint(p.text) for p in passages}
    judge = _Judge(themes, outside)
    # The same sentence: the newest verdict per theme decides it.
    exact: dict[str, dict[str, Feedback]] = {}
    for record in chosen:
        exact.setdefault(fingerprint(record.text), {})[record.theme] = record
    for passage in passages:
        for record in exact.get(prints[passage.id], {}).values():
            judge.exact(passage, record)
    # Sentences like a verdict's: evidence from the most similar verdict each way, per theme.
    texts = [r.text for r in chosen]
    for index, near in _neighbours(passages, texts, vectors).items():
        passage = passages[index]
        decided = exact.get(prints[passage.id], {})
        closest: dict[str, dict[bool, tuple[float, Feedback]]] = {}
        for column, similarity in near:
            record = chosen[column]
            if record.theme in decided:
                continue
            best = closest.setdefault(record.theme, {})
            if record.belongs not in best or similarity > best[record.belongs][0]:
                best[record.belongs] = (similarity, record)
        for theme in themes:
            if theme.key in closest:
                judge.similar(passage, theme.key, closest[theme.key])


class _Judge:
    """Applies verdicts to passages, theme by theme, writing down why."""

    def __init__(self, themes: Sequence[ThemeConfig], outside: Collection[str]):
        self.configs = {t.key: t for t in themes}
        self.order = {t.key: n for n, t in enumerate(themes)}
        self.outside = outside
        self._vetoes: dict[str, theme_engine.ThemeModel] = {}

    def exact(self, passage: Passage, record: Feedback) -> None:
        key = record.theme
        note = f"feedback: {record.verdict} (exact{_number(record)})"
        match = passage.match(key)
        if not record.belongs:
            if match is not None:
                passage.themes.remove(match)
                passage.overruled.append(ThemeMatch(key, match.score, (*match.matched, note)))
        elif match is not None:
            self._replace(passage, match, ThemeMatch(key, match.score, (*match.matched, note)))
        else:
            # The verdict on the sentence itself puts it in the theme, at the threshold.
            self._join(passage, key, self.configs[key].threshold, note)

    def similar(self, passage: Passage, key: str, closest: dict[bool, tuple[float, Feedback]]) -> None:
        threshold = self.configs[key].threshold
        weight = 0.0
        parts = []
        for belongs in (True, False):
            if belongs in closest:
                similarity, record = closest[belongs]
                weight += (1 if belongs else -1) * threshold * (similarity - SIMILAR) / (FULL - SIMILAR)
                parts.append(f"{_number(record, '#') or 'a verdict'} ({record.verdict}, {similarity:.2f})")
        if round(weight, 2) == 0:
            return
        note = f"feedback {weight:+.2f}: like {', '.join(parts)}"
        match = passage.match(key)
        if match is not None:
            # In the theme by the rules: the verdicts' evidence adds to (or takes from) their score.
            moved = ThemeMatch(key, round(match.score + weight, 3), (*match.matched, note))
            if moved.score >= threshold:
                self._replace(passage, match, moved)
            else:
                passage.themes.remove(match)
                passage.overruled.append(moved)
        elif weight >= threshold:
            # Left out by the rules (their score below the threshold is not kept): it joins
            # on the verdicts' evidence alone, from a sentence as close as FULL.
            self._join(passage, key, weight, note)

    def _join(self, passage: Passage, key: str, score: float, note: str) -> None:
        """Put the passage in the theme, unless its article is out of scope or an exclude
        vetoes it: then it is refused, and says so."""
        if passage.article_id in self.outside:
            passage.overruled.append(ThemeMatch(key, 0.0, ("out of scope", f"{note}, refused")))
            return
        if key not in self._vetoes:
            self._vetoes[key] = _veto_model(self.configs[key])
        veto = _veto(self._vetoes[key], passage.text)
        if veto is not None:
            passage.overruled.append(ThemeMatch(key, 0.0, (f"not: {veto}", f"{note}, vetoed by the exclude")))
            return
        passage.themes.append(ThemeMatch(key, round(score, 3), (note,)))
        passage.themes.sort(key=lambda m: self.order.get(m.theme, len(self.order)))

    @staticmethod
    def _replace(passage: Passage, old: ThemeMatch, new: ThemeMatch) -> None:
        passage.themes[passage.themes.index(old)] = new


def _veto_model(theme: ThemeConfig) -> theme_engine.ThemeModel:
    """The theme's compiled rules, matching only its `exclude` phrases (terms are not needed to find a veto)."""
    model = theme_engine.ThemeModel(theme)
    model.terms = []
    return model


def _veto(model: theme_engine.ThemeModel, text: str) -> str | None:
    """The exclude phrase that vetoes `text`, found by the theme rules' own matching, or None."""
    raw = theme_engine.tokens(text)
    _, matched, hit = model.evidence(raw, [theme_engine._stem(t) for t in raw])
    return matched[0].removeprefix("not: ") if hit else None


def _number(record: Feedback, prefix: str = ", #") -> str:
    return f"{prefix}{record.number}" if record.number is not None else ""


def _neighbours(
    passages: Sequence[Passage], texts: Sequence[str], vectors: Vectors | None
) -> dict[int, list[tuple[int, float]]]:
    """Per passage (by index) that is like a verdict's sentence: (verdict index, cosine
    similarity) for each verdict at SIMILAR or more.

    The passages' vectors are the day's TF-IDF (`vectors`, words and word pairs, built for
    the summaries; else made here, in one call); the verdicts' sentences are placed in the
    same space, weighed as the day weighs each term."""
    import numpy as np
    from scipy.sparse import csr_matrix

    from .tfidf import WORDS, text_terms

    if vectors is None:
        from .summarise import Vectors

        vectors = Vectors.build(passages)
    if vectors.matrix is None or vectors.term_hashes is None:
        return {}
    matrix, hashes = vectors.matrix, vectors.term_hashes
    documents = matrix.shape[0]  # type: ignore[attr-defined]
    # The day's smooth idf, as fit_transform computed it; a term the day lacks weighs as one
    # in no passage would (it counts towards the sentence's length, matches nothing).
    idf = np.log((1 + documents) / (1 + np.bincount(matrix.indices, minlength=len(hashes)))) + 1  # type: ignore[attr-defined]
    unseen = np.log(1 + documents) + 1
    order = np.argsort(hashes)
    ordered = hashes[order]
    data: list[float] = []
    columns: list[int] = []
    starts = [0]
    for text in texts:
        counts = Counter(text_terms(text, WORDS, (1, 2)))
        if not counts:
            starts.append(len(columns))
            continue
        tf = 1 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        keys = np.fromiter(map(hash, counts), dtype=np.int64, count=len(counts))
        at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
        known = ordered[at] == keys
        weights = tf * np.where(known, idf[order[at]], unseen)
        weights /= np.sqrt(np.sum(weights * weights))
        data.extend(weights[known])
        columns.extend(order[at][known])
        starts.append(len(columns))
    verdicts = csr_matrix((data, columns, starts), shape=(len(texts), len(hashes)))
    similarity = (matrix @ verdicts.T).tocoo()  # type: ignore[operator]
    near = similarity.data >= SIMILAR
    passage_of = {vectors.index[p.id]: n for n, p in enumerate(passages) if p.id in vectors.index}
    out: dict[int, list[tuple[int, float]]] = {}
    for row, column, value in zip(similarity.row[near].tolist(), similarity.col[near].tolist(),
                                  np.minimum(similarity.data[near], 1.0).tolist(), strict=True):
        if row in passage_of:
            out.setdefault(passage_of[row], []).append((column, value))
    return out
