"""Theme assignment: weighted evidence from terms and phrases, context that argues
against a theme, vetoes, and similarity to example sentences. Multi-label.

A term is a word or phrase ('ballistic', 'joint exercise'); a trailing * matches any
ending ('launch*'); 'a|b|c' lists alternatives that count once, which is how a concept
('Russia|Moscow|Kremlin') or a kind of context ('fitness|gym|jogging') is weighed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import copysign

from ..config import ScopeConfig, ThemeConfig
from ..language import KOREAN, has_hangul
from ..models import Passage, ThemeMatch
from ..rules import (
    KEEP_PLURAL,
    Overlaps,
    _longest_first,
    _Pattern,
    _stem,
    _Term,
    _total,
    _unique,
    tokens,
)
from . import korean as korean_mod
from .context import Articles, Own
from .termindex import REQUIRED, TermIndex

__all__ = ["KEEP_PLURAL", "Articles", "Assignment", "ThemeModel", "_Pattern", "_Term", "_stem", "assign", "begin", "score_all", "tokens"]

# Similarity to an example below this is noise from shared function words and names.
EXAMPLE_FLOOR = 0.12
# From this many passages, term evidence is computed on worker processes (see forking).
PARALLEL_PASSAGES = 5000


class ThemeModel:
    """The compiled form of one theme's configuration."""

    def __init__(self, theme: ThemeConfig):
        self.key = theme.key
        self.threshold = theme.threshold
        self.terms = _unique([_Term.parse(t, w) for t, w in theme.terms.items()])
        self.vetoes = [_Term.parse(t, 1.0) for t in theme.exclude]
        self.requires = [_Term.parse(t, 1.0) for t in theme.requires]
        self.title_meets_requires = theme.title_meets_requires
        # Which terms found in a passage could have matched a word in common.
        self.overlaps = Overlaps(self.terms)
        self.examples = list(theme.examples)
        self.example_weight = theme.example_weight

    def evidence(
        self, raw: list[str], stemmed: list[str], candidates: dict[int, set[int]] | None = None,
        positions: dict[str, list[int]] | None = None,
    ) -> tuple[float, list[str], bool]:
        """Score from terms, the matched terms (with weights), and whether a veto fired.

        With `candidates` (from `TermIndex`: veto -1 - n or term n -> the alternatives found
        in the passage) and `positions`, nothing else is tested."""
        if candidates is None or positions is None:
            for veto in self.vetoes:
                hit = veto.found(raw, stemmed)
                if hit is not None:
                    return 0.0, [f"not: {hit}"], True
            terms = [(n, term, term.found(raw, stemmed), None) for n, term in enumerate(self.terms)]
        else:
            if not candidates:
                # Most passages have no word of most themes.
                return 0.0, [], False
            # Vetoes are keys -1 - n, all-of groups far below them: the vetoes in configured
            # order. A term's hit is its first alternative found, as `_Term.found` gives it.
            vetoes = [c for c in candidates if REQUIRED < c < 0]
            if vetoes:
                c = max(vetoes)
                return 0.0, [f"not: {self.vetoes[-1 - c].alternatives[min(candidates[c])].text}"], True
            terms = [
                (n, self.terms[n], self.terms[n].alternatives[min(candidates[n])].text, candidates[n])
                for n in sorted(c for c in candidates if 0 <= c)
            ]
        hits = [t for t in terms if t[2] is not None]
        if not self.overlaps.matter(hits):
            # No two of the terms found can share a word: nothing to resolve. (With terms that
            # could, a term is shown by its longest find, even when no other took its words.)
            return _total([(term, hit) for _, term, hit, _ in hits])
        return _longest_first([(term, hit, which) for _, term, hit, which in hits], raw, stemmed, positions)


def score_all(passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None = None) -> list[list[ThemeMatch]]:
    """Every theme's score and evidence for every passage, whether or not it reaches the
    threshold (a vetoed theme scores 0): what `assign` decides on, kept for explanations."""
    return [[match for match, _ in row] for row in _Scoring(passages, themes, articles).rows()]


def unhelped(passage: Passage, match: ThemeMatch | None, themes: Sequence[ThemeConfig], passages: Sequence[Passage],
             titles: dict[str, str]) -> str | None:
    """For `briefgen themes test`: why the article of a passage that missed a theme, with
    some evidence of its own and none from its article, gave it nothing (`context.unhelped`)."""
    from .context import unhelped as why

    theme = next((t for t in themes if match is not None and t.key == match.theme), None)
    if theme is None or match is None or not 0 < match.score < theme.threshold or not theme.context \
            or any(m.startswith(("article:", "requires:", "out of scope")) for m in match.matched):
        return None
    siblings = sorted((p for p in passages if p.article_id == passage.article_id), key=lambda p: p.index)
    title = titles.get(passage.article_id, "")
    alone = [theme.model_copy(update={"context": 0.0})]
    scored = [row[0].score for row in score_all([*siblings, Passage("title", "title", title, 0, 0)], alone)]
    passing = [s >= theme.threshold for s in scored[:-1]]
    at = siblings.index(passage)
    neighbour = any(passing[j] for j in (at - 1, at + 1) if 0 <= j < len(passing))
    return why(match.score, theme.threshold, bool(title.strip()) and scored[-1] >= theme.threshold,
               sum(passing), len(siblings), neighbour)


def assign(passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None = None) -> set[str]:
    """Set `passage.themes` for every passage: each theme whose evidence reaches its
    threshold; returns the ids of the articles the scope left out."""
    assignment = begin(passages, themes, articles)
    assignment.finish()
    return assignment.out_of_scope


class Assignment:
    """A theme assignment begun (`begin`): term matching may be running on worker
    processes while the caller does other work; `finish` sets `passage.themes`."""

    def __init__(self, passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None,
                 evidence: TermEvidence | None = None):
        self._passages = passages
        self._scoring = _Scoring(passages, themes, articles, evidence)
        self.out_of_scope: set[str] = set()

    def left_out(self) -> set[str]:
        """The articles the scope leaves out, before `finish` (judged once)."""
        return self._scoring.judge_scope()

    def finish(self) -> None:
        for passage, row in zip(self._passages, self._scoring.rows(), strict=True):
            passage.themes = [match for match, passed in row if passed]
        self.out_of_scope = self._scoring.out_of_scope


def begin(passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None = None,
          evidence: TermEvidence | None = None) -> Assignment:
    """Start assigning themes; call `finish()` on the result before reading `passage.themes`.
    With `articles` (titles, scope), each passage is judged with its article. `evidence`:
    the day's term evidence begun earlier (`TermEvidence`), which then need not wait for
    de-duplication; any text it lacks is judged here."""
    return Assignment(passages, themes, articles, evidence)


Evidence = list[tuple[float, list[str], bool, tuple[int, ...]]]


class TermEvidence:
    """Every theme's term evidence for a day's texts: a pure function of each text, so it
    can start as soon as the sentences are split, on workers for many texts (each distinct
    text once: wire copy repeats titles and sentences word for word)."""

    def __init__(self, texts: Iterable[str], themes: Sequence[ThemeConfig], korean: Iterable[str] = (),
                 scope: ScopeConfig | None = None):
        from .. import forking

        self.models = [ThemeModel(t) for t in themes]
        self._distinct = list(dict.fromkeys(texts))
        if len(self._distinct) >= PARALLEL_PASSAGES:
            # Workers inherit the Korean analyser loaded here rather than each loading it.
            korean_mod.prepare(korean)
        # With the brief's `scope`, whether each text names it is found on the same workers
        # (also a function of the text alone): the scope's judgement of each article asks it.
        # (Not in this process: the judgement asks only as much as it needs.)
        self.scope = scope if len(self._distinct) >= PARALLEL_PASSAGES else None
        self._pending = forking.Chunks(_evidence_and_scope, self._distinct, self.models, self.scope, minimum=PARALLEL_PASSAGES)
        self._found: dict[str, Evidence] | None = None
        self.named: dict[str, bool] = {}

    def wait(self) -> None:
        """Until the workers' evidence is in (their pool is then gone, and another can be forked)."""
        if self._found is None:
            rows: list[Evidence] = []
            named: list[bool] = []
            for table, which, answers, bounds in self._pending.results():
                rows += map(table.__getitem__, which)
                named += answers
                # The per-article reading, next, reads these instead of analysing each again.
                korean_mod.learn(bounds)
            self._found = dict(zip(self._distinct, rows, strict=True))
            if self.scope is not None:
                self.named = dict(zip(self._distinct, named, strict=True))

    def of(self, texts: Sequence[str]) -> list[Evidence]:
        """The evidence for each of `texts` (those not given at the start judged now)."""
        self.wait()
        missing = [t for t in dict.fromkeys(texts) if t not in self._found]
        if missing:
            self._found.update(zip(missing, _term_evidence(missing, self.models), strict=True))
        return [self._found[t] for t in texts]


class _Scoring:
    """Every theme's evidence for every passage: term evidence (on workers for many
    passages: a pure function of each text) and similarity to the examples (here,
    meanwhile: it needs the whole day's TF-IDF); then what each passage's article adds."""

    def __init__(self, passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None,
                 evidence: TermEvidence | None = None):
        self.passages = passages
        self.themes = themes
        self.articles = articles or Articles()
        # Titles are scored like passages: a title about the theme is the article's best evidence.
        self.title_ids = [a for a in dict.fromkeys(p.article_id for p in passages) if self.articles.titles.get(a, "").strip()]
        self.texts = [p.text for p in passages] + [self.articles.titles[a] for a in self.title_ids]
        self.evidence = evidence or TermEvidence(self.texts, themes, (p.text for p in passages if p.language == KOREAN))
        self.models = self.evidence.models
        # Titles are short and their terms say enough: examples are compared with passages only.
        self._similarity = _example_similarity(self.texts[: len(passages)], self.models)
        self.out_of_scope: set[str] = set()
        self._judged: set[str] | None = None

    def judge_scope(self) -> set[str]:
        """The ids of the articles the brief's scope leaves out (judged once)."""
        from .context import out_of_scope

        if self._judged is None:
            self.evidence.wait()
            self._judged = out_of_scope(self.passages, self.articles,
                                        self.evidence.named if self.evidence.scope is self.articles.scope else None)
        return self._judged

    def _own(self, found: list[tuple[float, list[str], bool, tuple[int, ...]]], sims: list[float] | None) -> list[Own]:
        out = []
        for column, model in enumerate(self.models):
            score, matched, vetoed, missing = found[column]
            if matched:
                # Negative evidence is reported with its weight: "satellite (-1)".
                negative = any(m[-1] == ")" for m in matched)
                positive = not vetoed and any(m[-1] != ")" for m in matched)
            else:
                # Most texts match no term of most themes.
                negative = positive = False
            if not vetoed and sims is not None and sims[column] >= EXAMPLE_FLOOR:
                score += model.example_weight * sims[column]
                matched = [*matched, f"~example {sims[column]:.2f}"]
            out.append(Own(score, tuple(matched), vetoed, positive, negative, missing))
        return out

    def rows(self) -> list[list[tuple[ThemeMatch, bool]]]:
        from .context import adjust

        evidence = self.evidence.of(self.texts)
        sims = self._similarity.tolist() if self._similarity is not None else None
        n = len(self.passages)
        # Texts share evidence rows (TermEvidence): a text no example adds to weighs as any
        # other with its row, so that is worked out once a row (for 1,400 rows of 30,000 texts).
        alone: dict[int, list[Own]] = {}
        own = []
        for row, found in enumerate(evidence):
            sim = sims[row] if sims is not None and row < n else None
            if sim is None or max(sim, default=0.0) < EXAMPLE_FLOOR:
                mine = alone.get(id(found))
                if mine is None:
                    mine = alone[id(found)] = self._own(found, None)
                own.append(mine)
            else:
                own.append(self._own(found, sim))
        titles = {a: own[n + k] for k, a in enumerate(self.title_ids)}
        own = own[:n]
        self.out_of_scope = self.judge_scope()
        added = adjust(self.passages, own, titles, [m.threshold for m in self.models], [t.context for t in self.themes])
        rows: list[list[tuple[ThemeMatch, bool]]] = []
        for row, passage in enumerate(self.passages):
            outside = passage.article_id in self.out_of_scope
            title = titles.get(passage.article_id)
            matches: list[tuple[ThemeMatch, bool]] = []
            for column, model in enumerate(self.models):
                mine = own[row][column]
                part, why, told = added[row][column]
                if not why and not mine.missing and not outside:
                    # The common case: the passage's own evidence is the whole story.
                    passed = not mine.vetoed and mine.score >= model.threshold
                    matches.append((ThemeMatch(model.key, round(mine.score, 3), mine.matched), passed))
                    continue
                score = mine.score + part
                matched = list(mine.matched) + list(why)
                # An all-of group may be met by the passage or by its article's title ("Houthis
                # attack a tanker": "the attack" in its report is an attack on a ship), unless
                # the theme says not, or by the passage of the article that it tells more of
                # ("these attacks").
                by_title = title is not None and model.title_meets_requires
                missing = [] if told else [model.requires[n].text for n in mine.missing
                                           if not by_title or n in title[column].missing]
                if missing:
                    matched.append("requires: " + "; ".join(missing))
                if outside:
                    matched.append("out of scope")
                passed = not mine.vetoed and not missing and not outside and score >= model.threshold
                matches.append((ThemeMatch(model.key, round(score, 3), tuple(matched)), passed))
            rows.append(matches)
        return rows


def _evidence_and_scope(texts: Sequence[str], models: Sequence[ThemeModel], scope: ScopeConfig | None
                        ) -> list[tuple[list[Evidence], list[int], list[bool], dict[str, bytes]]]:
    """`_term_evidence` of each text and whether it names the scope (False without one), as
    one piece: (the distinct rows, each text's row among them, each text's answer, and the
    morphemes' bounds of each Korean text, which the per-article reading needs next). Rows
    are shared, never changed: most texts have one of a few (at 10,000 items, 3,069 of 19,038
    a worker), and each is unpickled once (0.32 -> 0.02 s of the parent's time a worker)."""
    from .context import Scope

    named = list(map(Scope(scope).names, texts)) if scope is not None else [False] * len(texts)
    table: list[Evidence] = []
    first: dict[tuple[object, ...], int] = {}
    which: list[int] = []
    bounds: dict[str, bytes] = {}
    for row in _term_evidence(texts, models, bounds):
        # (A score's sign is part of the key: -0.0 equals 0.0 and would take its row.)
        key = tuple((score, copysign(1.0, score), tuple(matched), vetoed, missing)
                    for score, matched, vetoed, missing in row)
        n = first.get(key)
        if n is None:
            n = first[key] = len(table)
            table.append(row)
        which.append(n)
    return [(table, which, named, bounds)]


def _term_evidence(texts: Sequence[str], models: Sequence[ThemeModel], bounds: dict[str, bytes] | None = None,
                   ) -> list[list[tuple[float, list[str], bool, tuple[int, ...]]]]:
    """Per text and theme: the terms' score, the terms matched and whether a veto fired.
    Into `bounds`, if given, each Korean text's `korean.bounds_of` (its morphemes just read)."""
    index = TermIndex(models)
    stem = index.stems.__getitem__
    out = []
    for text in texts:
        if has_hangul(text):
            # (Its morphemes: the analyser loads on the first Korean text.)
            raw = korean_mod.words(text)
            if bounds is not None:
                bounds[text] = korean_mod.bounds_of(text)
        else:
            raw = tokens(text)
        stemmed = list(map(stem, raw))
        positions: dict[str, list[int]] = {}
        for i, word in enumerate(stemmed):
            positions.setdefault(word, []).append(i)
        candidates = index.candidates(raw, stemmed, positions)
        row = []
        for column, model in enumerate(models):
            mine = candidates[column]
            found = model.evidence(raw, stemmed, mine, positions)
            # Which all-of groups the text lacks (by their place in `requires`).
            missing = tuple(n for n in range(len(model.requires)) if REQUIRED - n not in mine) if model.requires else ()
            row.append((*found, missing))
        out.append(row)
    return out


def _example_similarity(texts: list[str], models: list[ThemeModel]):  # type: ignore[no-untyped-def]
    """Per passage and theme, the cosine similarity to the theme's closest example (or None)."""
    if not texts or not any(m.examples for m in models):
        return None
    import numpy as np

    from .tfidf import fit_transform

    examples = [e for m in models for e in m.examples]
    owner = np.array([i for i, m in enumerate(models) for _ in m.examples])
    # Fitted on the passages and the examples together, each row as a fitted vectorizer
    # would transform it.
    matrix, _ = fit_transform(texts + examples, r"(?u)\b[a-zA-Z][a-zA-Z-]+\b", sorted_rows=True)
    sims = (matrix[: len(texts)] @ matrix[len(texts) :].T).toarray()
    out = np.zeros((len(texts), len(models)))
    for column in range(len(models)):
        mask = owner == column
        if mask.any():
            out[:, column] = sims[:, mask].max(axis=1)
    return out
