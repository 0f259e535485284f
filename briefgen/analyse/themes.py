"""Theme assignment: weighted evidence from terms and phrases, context that argues
against a theme, vetoes, and similarity to example sentences. Multi-label.

A term is a word or phrase ('ballistic', 'joint exercise'); a trailing * matches any
ending ('launch*'); 'a|b|c' lists alternatives that count once, which is how a concept
('Russia|Moscow|Kremlin') or a kind of context ('fitness|gym|jogging') is weighed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import ThemeConfig
from ..models import Passage, ThemeMatch
from .context import Articles, Own

TOKEN_RE = re.compile(r"[a-z0-9]+")
POSSESSIVE_RE = re.compile(r"'s\b")
# Similarity to an example below this is noise from shared function words and names.
EXAMPLE_FLOOR = 0.12
# Index entries of `requires` groups: REQUIRED - n for group n (vetoes are -1 - n, terms n).
REQUIRED = -1_000_000
# From this many passages, term evidence is computed on worker processes (see forking).
PARALLEL_PASSAGES = 5000


# Plurals that are other words than their singular ('arms' are weapons, an 'arm' is not;
# 'talks' are negotiations): folding them would turn one noun into another.
KEEP_PLURAL = frozenset(
    "arms news means goods customs series species ties forces talks works remains savings quarters headquarters "
    "glasses affairs troops grounds".split()
)


def _stem(token: str) -> str:
    """Light plural folding, enough for 'missiles'/'missile' without merging 'drilling'
    into 'drill', nor a plural into another word ('arms' stays 'arms')."""
    if token in KEEP_PLURAL:
        return token
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphens split words, possessive 's is dropped."""
    text = text.casefold().replace("\u2019", "'")
    text = POSSESSIVE_RE.sub("", text)
    return TOKEN_RE.findall(text)


@dataclass(frozen=True)
class _Pattern:
    """One word or phrase; a trailing * lets its last word match any ending."""

    text: str
    parts: tuple[str, ...]
    prefix: bool

    @classmethod
    def parse(cls, text: str) -> _Pattern:
        prefix = text.rstrip().endswith("*")
        parts = tuple(tokens(text.rstrip("* ")))
        if not prefix:
            parts = tuple(_stem(p) for p in parts)
        return cls(text.strip(), parts, prefix)

    def _at(self, raw: list[str], stemmed: list[str], i: int) -> bool:
        """Whether the term starts at word `i`: every word but the last exactly, the last by
        prefix when the term ends in *."""
        n = len(self.parts)
        if i + n > len(raw):
            return False
        if self.prefix:
            return all(stemmed[i + k] == _stem(self.parts[k]) for k in range(n - 1)) and raw[i + n - 1].startswith(self.parts[-1])
        return stemmed[i : i + n] == list(self.parts)

    def found_in(self, raw: list[str], stemmed: list[str]) -> bool:
        return bool(self.parts) and any(self._at(raw, stemmed, i) for i in range(len(raw)))

    def spans(self, raw: list[str], stemmed: list[str], positions: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
        """Every (start, end) word span where the pattern matches."""
        if not self.parts:
            return []
        n = len(self.parts)
        if self.prefix and n == 1:
            return [(i, i + 1) for i, word in enumerate(raw) if word.startswith(self.parts[0])]
        if positions is None:
            starts: Sequence[int] = range(len(raw))
        else:
            starts = positions.get(_stem(self.parts[0]) if self.prefix else self.parts[0], ())
        return [(i, i + n) for i in starts if self._at(raw, stemmed, i)]

    def found_at(self, raw: list[str], stemmed: list[str], positions: dict[str, list[int]]) -> bool:
        """`found_in`, looking only where the first word occurs (`positions`: stemmed word -> indices)."""
        if not self.parts:
            return False
        if self.prefix and len(self.parts) == 1:
            return any(word.startswith(self.parts[0]) for word in raw)
        first = _stem(self.parts[0]) if self.prefix else self.parts[0]
        return any(self._at(raw, stemmed, i) for i in positions.get(first, ()))


@dataclass(frozen=True)
class _Term:
    """A weighted term: alternatives separated by '|' are one piece of evidence, so
    'Russia', 'Moscow' and 'Kremlin' in one sentence count once, not three times."""

    text: str
    alternatives: tuple[_Pattern, ...]
    weight: float

    @classmethod
    def parse(cls, text: str, weight: float) -> _Term:
        alternatives = tuple(_Pattern.parse(a) for a in text.split("|") if a.strip())
        return cls(text.strip(), alternatives, weight)

    @property
    def key(self) -> tuple[tuple[tuple[str, ...], bool], ...]:
        return tuple(sorted((a.parts, a.prefix) for a in self.alternatives))

    def found(self, raw: list[str], stemmed: list[str]) -> str | None:
        """The first alternative found in the passage, if any."""
        return next((a.text for a in self.alternatives if a.found_in(raw, stemmed)), None)

    def found_in(self, raw: list[str], stemmed: list[str]) -> bool:
        return self.found(raw, stemmed) is not None


def _unique(terms: list[_Term]) -> list[_Term]:
    """Terms that differ only in a plural ('missile', 'missiles') fold to one, which would
    otherwise count one word twice; the first keeps its place, with the larger weight."""
    kept: dict[tuple[tuple[tuple[str, ...], bool], ...], _Term] = {}
    for term in terms:
        seen = kept.get(term.key)
        if seen is None or abs(term.weight) > abs(seen.weight):
            kept[term.key] = term if seen is None else _Term(seen.text, seen.alternatives, term.weight)
    return list(kept.values())


class ThemeModel:
    """The compiled form of one theme's configuration."""

    def __init__(self, theme: ThemeConfig):
        self.key = theme.key
        self.threshold = theme.threshold
        self.terms = _unique([_Term.parse(t, w) for t, w in theme.terms.items()])
        self.vetoes = [_Term.parse(t, 1.0) for t in theme.exclude]
        self.requires = [_Term.parse(t, 1.0) for t in theme.requires]
        # Pairs of terms (by index) that could ever match the same word: only for those is
        # the longest match looked for.
        self.overlapping = {
            frozenset((i, j)) for i in range(len(self.terms)) for j in range(i + 1, len(self.terms))
            if _may_share_a_word(self.terms[i], self.terms[j])
        }
        self.examples = list(theme.examples)
        self.example_weight = theme.example_weight

    def evidence(
        self, raw: list[str], stemmed: list[str], candidates: dict[int, set[int]] | None = None,
        positions: dict[str, list[int]] | None = None,
    ) -> tuple[float, list[str], bool]:
        """Score from terms, the matched terms (with weights), and whether a veto fired.

        With `candidates` (from `_TermIndex`: veto -1 - n or term n -> the alternatives whose
        first word the passage has) and `positions`, only those are tested, where they can start."""
        if candidates is None or positions is None:
            for veto in self.vetoes:
                hit = veto.found(raw, stemmed)
                if hit is not None:
                    return 0.0, [f"not: {hit}"], True
            terms = [(n, term, term.found(raw, stemmed), None) for n, term in enumerate(self.terms)]
        else:
            for n, veto in enumerate(self.vetoes):
                if -1 - n in candidates:
                    hit = _found(veto, candidates[-1 - n], raw, stemmed, positions)
                    if hit is not None:
                        return 0.0, [f"not: {hit}"], True
            terms = [
                (n, self.terms[n], _found(self.terms[n], candidates[n], raw, stemmed, positions), candidates[n])
                for n in sorted(c for c in candidates if 0 <= c)
            ]
        hits = [t for t in terms if t[2] is not None]
        if not any(frozenset((a[0], b[0])) in self.overlapping for k, a in enumerate(hits) for b in hits[k + 1:]):
            # No two of the terms found can share a word: nothing to resolve.
            return _total([(term, hit) for _, term, hit, _ in hits])
        return _longest_first([(term, hit, which) for _, term, hit, which in hits], raw, stemmed, positions)


def _may_share_a_word(a: _Term, b: _Term) -> bool:
    """Whether some word could be matched by an alternative of each term."""
    def words(term: _Term) -> list[tuple[str, bool]]:
        return [(_stem(w) if p.prefix and k < len(p.parts) - 1 else w, p.prefix and k == len(p.parts) - 1)
                for p in term.alternatives for k, w in enumerate(p.parts)]

    for w1, prefix1 in words(a):
        for w2, prefix2 in words(b):
            if w1 == w2 or (prefix1 and w2.startswith(w1)) or (prefix2 and w1.startswith(w2)):
                return True
    return False


def _longest_first(
    terms: list[tuple[_Term, str | None, set[int] | None]], raw: list[str], stemmed: list[str],
    positions: dict[str, list[int]] | None,
) -> tuple[float, list[str], bool]:
    """Add up the terms found, longest match first: a term found only inside the words of a
    longer term already counted ('strike*' inside 'carrier strike group') does not count
    again, so a phrase and its words never add up twice."""
    hits = [(order, term, hit, which) for order, (term, hit, which) in enumerate(terms) if hit is not None]
    if len(hits) < 2:
        # Nothing to overlap with: the common case, without looking for spans.
        return _total([(term, hit) for _, term, hit, _ in hits])
    found = []
    for order, term, hit, which in hits:
        spans = [span for k, a in enumerate(term.alternatives) if which is None or k in which
                 for span in a.spans(raw, stemmed, positions)]
        longest = max((end - start for start, end in spans), default=0)
        found.append((-longest, order, term, hit, spans))
    found.sort(key=lambda f: (f[0], f[1]))
    taken: list[tuple[int, int]] = []
    counted: list[tuple[int, _Term, str]] = []
    for _, order, term, hit, spans in found:
        free = [s for s in spans if not any(s[0] < t[1] and t[0] < s[1] for t in taken)]
        if spans and not free:
            continue
        taken.extend(free)
        counted.append((order, term, hit))
    # Reported, and added up, in the configured order: explanations read like the config.
    return _total([(term, hit) for _, term, hit in sorted(counted, key=lambda c: c[0])])


def _total(counted: list[tuple[_Term, str]]) -> tuple[float, list[str], bool]:
    score = 0.0
    matched: list[str] = []
    for term, hit in counted:
        score += term.weight
        matched.append(hit if term.weight >= 0 else f"{hit} ({term.weight:+g})")
    return score, matched, False


def _found(term: _Term, which: set[int], raw: list[str], stemmed: list[str], positions: dict[str, list[int]]) -> str | None:
    """`term.found`, testing only the alternatives in `which`, in their order."""
    for k, alternative in enumerate(term.alternatives):
        if k in which and alternative.found_at(raw, stemmed, positions):
            return alternative.text
    return None


def score_all(passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None = None) -> list[list[ThemeMatch]]:
    """Every theme's score and evidence for every passage, whether or not it reaches the
    threshold (a vetoed theme scores 0): what `assign` decides on, kept for explanations."""
    return [[match for match, _ in row] for row in _Scoring(passages, themes, articles).rows()]


def assign(passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None = None) -> set[str]:
    """Set `passage.themes` for every passage: each theme whose evidence reaches its
    threshold; returns the ids of the articles the scope left out."""
    assignment = begin(passages, themes, articles)
    assignment.finish()
    return assignment.out_of_scope


class Assignment:
    """A theme assignment begun (`begin`): term matching may be running on worker
    processes while the caller does other work; `finish` sets `passage.themes`."""

    def __init__(self, passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None):
        self._passages = passages
        self._scoring = _Scoring(passages, themes, articles)
        self.out_of_scope: set[str] = set()

    def finish(self) -> None:
        for passage, row in zip(self._passages, self._scoring.rows(), strict=True):
            passage.themes = [match for match, passed in row if passed]
        self.out_of_scope = self._scoring.out_of_scope


def begin(passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None = None) -> Assignment:
    """Start assigning themes; call `finish()` on the result before reading `passage.themes`.
    With `articles` (titles, scope), each passage is judged with its article."""
    return Assignment(passages, themes, articles)


class _Scoring:
    """Every theme's evidence for every passage: term evidence (on workers for many
    passages: a pure function of each text) and similarity to the examples (here,
    meanwhile: it needs the whole day's TF-IDF); then what each passage's article adds."""

    def __init__(self, passages: Sequence[Passage], themes: Sequence[ThemeConfig], articles: Articles | None):
        from .. import forking

        self.passages = passages
        self.themes = themes
        self.models = [ThemeModel(t) for t in themes]
        self.articles = articles or Articles()
        # Titles are scored like passages: a title about the theme is the article's best evidence.
        self.title_ids = [a for a in dict.fromkeys(p.article_id for p in passages) if self.articles.titles.get(a, "").strip()]
        texts = [p.text for p in passages] + [self.articles.titles[a] for a in self.title_ids]
        self._pending = forking.Chunks(_term_evidence, texts, self.models, minimum=PARALLEL_PASSAGES)
        self._similarity = _example_similarity(texts, self.models)
        self.out_of_scope: set[str] = set()

    def _own(self, found: list[tuple[float, list[str], bool, tuple[int, ...]]], sims: list[float] | None) -> list[Own]:
        out = []
        for column, model in enumerate(self.models):
            score, matched, vetoed, missing = found[column]
            # Negative evidence is reported with its weight: "satellite (-1)".
            negative = any(m[-1] == ")" for m in matched)
            positive = any(m[-1] != ")" for m in matched) and not vetoed
            if not vetoed and sims is not None and sims[column] >= EXAMPLE_FLOOR:
                score += model.example_weight * sims[column]
                matched = [*matched, f"~example {sims[column]:.2f}"]
            out.append(Own(score, tuple(matched), vetoed, positive, negative, missing))
        return out

    def rows(self) -> list[list[tuple[ThemeMatch, bool]]]:
        from .context import adjust, out_of_scope

        evidence = self._pending.results()
        sims = self._similarity.tolist() if self._similarity is not None else None
        own = [self._own(found, sims[row] if sims is not None else None) for row, found in enumerate(evidence)]
        n = len(self.passages)
        titles = {a: own[n + k] for k, a in enumerate(self.title_ids)}
        own = own[:n]
        self.out_of_scope = out_of_scope(self.passages, self.articles)
        added = adjust(self.passages, own, titles, [m.threshold for m in self.models], [t.context for t in self.themes])
        rows: list[list[tuple[ThemeMatch, bool]]] = []
        for row, passage in enumerate(self.passages):
            outside = passage.article_id in self.out_of_scope
            title = titles.get(passage.article_id)
            matches: list[tuple[ThemeMatch, bool]] = []
            for column, model in enumerate(self.models):
                mine = own[row][column]
                part, why = added[row][column]
                score = mine.score + part
                matched = list(mine.matched) + list(why)
                # An all-of group may be met by the passage or by its article's title ("Houthis
                # attack a tanker": "the attack" in its report is an attack on a ship).
                missing = [model.requires[n].text for n in mine.missing
                           if title is None or n in title[column].missing]
                if missing:
                    matched.append("requires: " + "; ".join(missing))
                if outside:
                    matched.append("out of scope")
                passed = not mine.vetoed and not missing and not outside and score >= model.threshold
                matches.append((ThemeMatch(model.key, round(score, 3), tuple(matched)), passed))
            rows.append(matches)
        return rows


def _term_evidence(texts: Sequence[str], models: Sequence[ThemeModel]) -> list[list[tuple[float, list[str], bool, tuple[int, ...]]]]:
    """Per text and theme: the terms' score, the terms matched and whether a veto fired."""
    index = _TermIndex(models)
    out = []
    for text in texts:
        raw = tokens(text)
        stemmed = [index.stem(t) for t in raw]
        candidates = index.candidates(raw)
        positions: dict[str, list[int]] = {}
        for i, stem in enumerate(stemmed):
            positions.setdefault(stem, []).append(i)
        row = []
        for column, model in enumerate(models):
            found = model.evidence(raw, stemmed, candidates[column], positions)
            # Which all-of groups the text lacks (by their place in `requires`).
            missing = tuple(
                n for n, group in enumerate(model.requires)
                if _found(group, candidates[column].get(REQUIRED - n, set()), raw, stemmed, positions) is None
            )
            row.append((*found, missing))
        out.append(row)
    return out


class _TermIndex:
    """Which terms a passage can match at all, looked up from its words.

    A pattern can only match where its first word does, so each distinct word of the day
    is resolved once to the (theme, term) pairs it could start; a passage then tests only
    those terms, in their configured order (so scores add up exactly as before), instead
    of scanning every term of every theme across every passage."""

    def __init__(self, models: Sequence[ThemeModel]):
        self._stems: dict[str, str] = {}
        # exact first word (stemmed, or as given for a prefix pattern's leading words) -> entries
        self._exact: dict[str, list[tuple[int, int, int]]] = {}
        # a one-word prefix pattern ('launch*') matches any word that starts with it
        self._prefixes: list[tuple[str, tuple[int, int, int]]] = []
        self._memo: dict[str, tuple[tuple[int, int, int], ...]] = {}
        self._size = len(models)
        for column, model in enumerate(models):
            # Vetoes are entries -1 - n, all-of groups REQUIRED - n, terms n: one index serves all.
            entries = [(-1 - n, veto) for n, veto in enumerate(model.vetoes)] + list(enumerate(model.terms))
            entries += [(REQUIRED - n, group) for n, group in enumerate(model.requires)]
            for n, term in entries:
                for k, pattern in enumerate(term.alternatives):
                    if not pattern.parts:
                        continue
                    if pattern.prefix and len(pattern.parts) == 1:
                        self._prefixes.append((pattern.parts[0], (column, n, k)))
                    else:
                        first = _stem(pattern.parts[0]) if pattern.prefix else pattern.parts[0]
                        self._exact.setdefault(first, []).append((column, n, k))

    def stem(self, token: str) -> str:
        stem = self._stems.get(token)
        if stem is None:
            stem = self._stems[token] = _stem(token)
        return stem

    def _entries(self, token: str) -> tuple[tuple[int, int, int], ...]:
        entries = self._memo.get(token)
        if entries is None:
            found = list(self._exact.get(self.stem(token), ()))
            found += [entry for prefix, entry in self._prefixes if token.startswith(prefix)]
            entries = self._memo[token] = tuple(found)
        return entries

    def candidates(self, raw: list[str]) -> list[dict[int, set[int]]]:
        """Per theme: veto (-1 - n) or term (n) -> its alternatives whose first word the passage has."""
        out: list[dict[int, set[int]]] = [{} for _ in range(self._size)]
        for token in set(raw):
            for column, n, k in self._entries(token):
                out[column].setdefault(n, set()).add(k)
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
