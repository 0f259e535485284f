"""Theme rules as text is matched against them: words, plural folding, patterns with a
trailing *, alternatives that count once, and the longest match first. Pure Python, so
that `briefgen check` reads rules without loading the analysis stage."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

TOKEN_RE = re.compile(r"[a-z0-9]+")
# Terms take Hangul words too, so that Korean terms parse (Korean text itself is matched on
# its morphemes: see analyse/korean.py). A separate pattern: the alternation would cost
# English text a fifth more time.
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
_TOKEN_HANGUL_RE = re.compile(r"[a-z0-9]+|[\uac00-\ud7a3]+")
POSSESSIVE_RE = re.compile(r"'s\b")
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


def stem_forms(word: str) -> list[str]:
    """The words `_stem` folds to the same stem as `word`, longest first: 'launch' ->
    ['launchs', 'launch'], 'activity' -> ['activities', 'activitys', 'activity'], 'arms' ->
    ['arms']. What matches a term's word in the rules matches it here, and nothing else."""
    stem = _stem(word)
    candidates = {word, stem, stem + "s"}
    if stem.endswith("y"):
        candidates.add(stem[:-1] + "ies")
    return sorted((c for c in candidates if _stem(c) == stem), key=lambda c: (-len(c), c))


class _Unmarked(dict[int, int]):
    """For str.translate: a Latin letter with marks becomes its bare letter (Kwangmyŏngsŏng,
    Ŭlchi, Pyŏngyang in McCune-Reischauer; São Tomé), anything else stays; each worked out once."""

    def __missing__(self, code: int) -> int:
        parts = unicodedata.normalize("NFD", chr(code))
        bare = ord(parts[0]) if parts[0].isascii() and all(unicodedata.combining(c) for c in parts[1:]) else code
        if len(self) < 65_536:  # a text of every code point must not grow it without end
            self[code] = bare
        return bare


_UNMARKED = _Unmarked()


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphens split words, possessive 's is dropped, marks on Latin
    letters too."""
    text = text.casefold().replace("\u2019", "'")
    if not text.isascii():
        text = text.translate(_UNMARKED)
    text = POSSESSIVE_RE.sub("", text)
    return TOKEN_RE.findall(text)


def term_tokens(text: str) -> list[str]:
    """`tokens` of a term as written in the config: Hangul words too (미사일, 정상 회담)."""
    if text.isascii() or not _HANGUL_RE.search(text):
        return tokens(text)
    text = POSSESSIVE_RE.sub("", text.casefold().replace("\u2019", "'"))
    return _TOKEN_HANGUL_RE.findall(text)


@dataclass(frozen=True)
class _Pattern:
    """One word or phrase; a trailing * lets its last word match any ending."""

    text: str
    parts: tuple[str, ...]
    prefix: bool

    @classmethod
    def parse(cls, text: str) -> _Pattern:
        prefix = text.rstrip().endswith("*")
        parts = tuple(term_tokens(text.rstrip("* ")))
        if not prefix:
            parts = tuple(_stem(p) for p in parts)
        return cls(text.strip(), parts, prefix)

    # Stemmed once per pattern, not at every place it is tested (a cached_property writes
    # the instance's __dict__, so a frozen dataclass can have one).
    @cached_property
    def _first(self) -> str:
        """The word a match starts with, as `stemmed` holds it."""
        return _stem(self.parts[0]) if self.prefix else self.parts[0]

    @cached_property
    def _stems(self) -> list[str]:
        """The words matched exactly, as `stemmed` holds them: all but a prefix pattern's last."""
        return [_stem(p) for p in self.parts[:-1]] if self.prefix else list(self.parts)

    def _at(self, raw: list[str], stemmed: list[str], i: int) -> bool:
        """Whether the term starts at word `i`: every word but the last exactly, the last by
        prefix when the term ends in *."""
        n = len(self.parts)
        if i + n > len(raw):
            return False
        if self.prefix:
            return stemmed[i : i + n - 1] == self._stems and raw[i + n - 1].startswith(self.parts[-1])
        return stemmed[i : i + n] == self._stems

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
            starts = positions.get(self._first, ())
            if n == 1 and not self.prefix:
                # A one-word pattern is where its word is: nothing more to test.
                return [(i, i + 1) for i in starts]
        return [(i, i + n) for i in starts if self._at(raw, stemmed, i)]

    def found_at(self, raw: list[str], stemmed: list[str], positions: dict[str, list[int]]) -> bool:
        """`found_in`, looking only where the first word occurs (`positions`: stemmed word -> indices)."""
        if not self.parts:
            return False
        if self.prefix and len(self.parts) == 1:
            return any(word.startswith(self.parts[0]) for word in raw)
        return any(self._at(raw, stemmed, i) for i in positions.get(self._first, ()))


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


def _pattern_words(p: _Pattern) -> list[tuple[str, bool]]:
    """Each word an alternative matches, and whether it is matched as a prefix."""
    return [(_stem(w) if p.prefix and k < len(p.parts) - 1 else w, p.prefix and k == len(p.parts) - 1)
            for k, w in enumerate(p.parts)]


def _share(a: list[tuple[str, bool]], b: list[tuple[str, bool]]) -> bool:
    """Whether some word could be matched by each of two lists of words (`_pattern_words`
    of one or more alternatives)."""
    for w1, prefix1 in a:
        for w2, prefix2 in b:
            if w1 == w2 or (prefix1 and w2.startswith(w1)) or (prefix2 and w1.startswith(w2)):
                return True
    return False


class Overlaps:
    """Which terms of a theme (by their place), and which of their alternatives, could
    ever match the same word: only when two found could is the longest match looked for."""

    def __init__(self, terms: Sequence[_Term]):
        # (Each alternative's words listed once, not once per pair.)
        self._words = [[_pattern_words(p) for p in term.alternatives] for term in terms]
        words = [[w for alternative in alternatives for w in alternative] for alternatives in self._words]
        self.pairs = {(i, j) for i in range(len(terms)) for j in range(i + 1, len(terms)) if _share(words[i], words[j])}
        self._alternatives: dict[tuple[int, int, int, int], bool] = {}

    def matter(self, hits: Sequence[tuple[int, _Term, str | None, set[int] | None]]) -> bool:
        """Whether `_longest_first` can change what these terms found (number, term, hit, the
        alternatives found or None for any), in configured order, add up to: two of them
        found alternatives that could share a word ("russia|...|kursk" and "ukraine|kursk|..."
        overlap as terms, "russia" and "ukraine" do not), or, with such a pair among them, any
        of them found two of its own ("kim", "kim jong*": it is then shown by its longest find)."""
        pairs = [(a, b) for k, a in enumerate(hits) for b in hits[k + 1:] if (a[0], b[0]) in self.pairs]
        if not pairs:
            return False
        return any(self._clash(a[0], a[3], b[0], b[3]) for a, b in pairs) or any(self._clash(n, w, n, w) for n, _, _, w in hits)

    def _clash(self, n: int, these: set[int] | None, m: int, those: set[int] | None) -> bool:
        if these is None or those is None:
            return True
        same = n == m
        return any(self._share(n, i, m, j) for i in these for j in those if not same or i < j)

    def _share(self, n: int, i: int, m: int, j: int) -> bool:
        key = (n, i, m, j)
        shared = self._alternatives.get(key)
        if shared is None:
            shared = self._alternatives[key] = _share(self._words[n][i], self._words[m][j])
        return shared


def _longest_first(
    terms: list[tuple[_Term, str | None, set[int] | None]], raw: list[str], stemmed: list[str],
    positions: dict[str, list[int]] | None,
) -> tuple[float, list[str], bool]:
    """Add up the terms found, longest match first: a term found only inside the words of a
    longer term already counted ('strike*' inside 'carrier strike group') does not count
    again, so a phrase and its words never add up twice. Each occurrence is judged by its
    own length, not by its term's longest one: in "strikes on Houthi targets", a line with
    "target|strike on" keeps "strikes on" but loses "targets" to "houthi target*"."""
    hits = [(order, term, hit, which) for order, (term, hit, which) in enumerate(terms) if hit is not None]
    if len(hits) < 2:
        # Nothing to overlap with: the common case, without looking for spans.
        return _total([(term, hit) for _, term, hit, _ in hits])
    occurrences = [(start - end, order, start, end, alternative.text)
                   for order, term, _, which in hits
                   for k, alternative in enumerate(term.alternatives) if which is None or k in which
                   for start, end in alternative.spans(raw, stemmed, positions)]
    occurrences.sort(key=lambda o: (o[0], o[1], o[2]))
    taken: list[tuple[int, int]] = []
    kept: dict[int, set[str]] = {}
    for _, order, start, end, text in occurrences:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        kept.setdefault(order, set()).add(text)
    placed = {order for _, order, _, _, _ in occurrences}
    counted: list[tuple[_Term, str]] = []
    for order, term, hit, _ in hits:
        found = kept.get(order)
        if found is None and order in placed:
            continue  # every find of it lies inside a longer term's
        # Shown by the alternative that found it, if that one counted; else by one that did.
        counted.append((term, hit if not found or hit in found else min(found)))
    # Reported, and added up, in the configured order: explanations read like the config.
    return _total(counted)


def _total(counted: list[tuple[_Term, str]]) -> tuple[float, list[str], bool]:
    score = 0.0
    matched: list[str] = []
    for term, hit in counted:
        score += term.weight
        matched.append(hit if term.weight >= 0 else f"{hit} ({term.weight:+g})")
    return score, matched, False


class _Stems(dict[str, str]):
    """token -> its stem, each distinct token stemmed once (a look-up in C after that)."""

    def __missing__(self, token: str) -> str:
        stem = self[token] = _stem(token)
        return stem
