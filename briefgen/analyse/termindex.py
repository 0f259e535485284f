"""Which theme terms a passage can match at all, looked up from its words: one index over
every theme's vetoes, terms and all-of groups, so that a passage tests only the terms its
own words could start (`themes._term_evidence`)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Protocol

from ..rules import _Pattern, _Stems, _Term
from .tfidf import ENGLISH_STOP_WORDS

# Index entries of `requires` groups: REQUIRED - n for group n (vetoes are -1 - n, terms n).
REQUIRED = -1_000_000


class _Model(Protocol):
    """What the index reads of a theme (`themes.ThemeModel`)."""

    vetoes: list[_Term]
    terms: list[_Term]
    requires: list[_Term]


class TermIndex:
    """Which terms a passage can match at all, looked up from its words.

    A pattern can only match where its first word does, so each distinct word of the day
    is resolved once to the (theme, term) pairs it could start; a passage then tests only
    those terms, in their configured order (so scores add up exactly as before), instead
    of scanning every term of every theme across every passage."""

    def __init__(self, models: Sequence[_Model]):
        self.stems = _Stems()
        # exact first word (stemmed, or as given for a prefix pattern's leading words) -> entries
        self._exact: dict[str, list[tuple[int, int, int]]] = {}
        # a one-word prefix pattern ('launch*') matches any word that starts with it
        self._prefixes: list[tuple[str, tuple[int, int, int]]] = []
        # phrases: entry -> the pattern, and the stems of its other exact words (all but a
        # prefix's last, and the one it is indexed by)
        self._phrases: dict[tuple[int, int, int], tuple[_Pattern, tuple[str, ...]]] = {}
        self._memo = _Entries(self)
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
                        continue
                    if len(pattern.parts) == 1:
                        self._exact.setdefault(pattern._first, []).append((column, n, k))
                        continue
                    # A phrase is looked up by its least common word, not its first: "the
                    # kremlin" by "kremlin" (nearly every sentence has "the"). Whichever word
                    # proposes it, every exact word is looked up before the phrase is tested.
                    words = list(dict.fromkeys(pattern._stems))
                    key = min(words, key=lambda w: (w in ENGLISH_STOP_WORDS, -len(w)))  # (the first, of equals)
                    self._exact.setdefault(key, []).append((column, n, k))
                    self._phrases[(column, n, k)] = (pattern, tuple(w for w in words if w != key))

    def _entries(self, token: str) -> tuple[tuple[int, int, int], ...]:
        found = list(self._exact.get(self.stems[token], ()))
        found += [entry for prefix, entry in self._prefixes if token.startswith(prefix)]
        return tuple(found)

    def candidates(self, raw: list[str], stemmed: list[str], positions: dict[str, list[int]]) -> list[dict[int, set[int]]]:
        """Per theme: veto (-1 - n), term (n) or all-of group (REQUIRED - n) -> its
        alternatives found in the passage. The index proposes those whose first word the
        passage has; a phrase is then tested where that word occurs (once per passage),
        after a look-up of its other words."""
        out: list[dict[int, set[int]]] = [{} for _ in range(self._size)]
        # (Gathered in C: a passage has a score of distinct words, most of them proposing nothing.)
        proposed = set(chain.from_iterable(map(self._memo.__getitem__, set(raw))))
        phrases = self._phrases
        for entry in proposed:
            phrase = phrases.get(entry)
            if phrase is not None:
                pattern, rest = phrase
                for word in rest:
                    if word not in positions:
                        break
                else:
                    if pattern.found_at(raw, stemmed, positions):
                        column, n, k = entry
                        out[column].setdefault(n, set()).add(k)
                continue
            column, n, k = entry
            out[column].setdefault(n, set()).add(k)
        return out


class _Entries(dict[str, tuple[tuple[int, int, int], ...]]):
    """token -> the index entries it could start, resolved once per distinct token."""

    def __init__(self, index: TermIndex) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, token: str) -> tuple[tuple[int, int, int], ...]:
        entries = self[token] = self._index._entries(token)  # noqa: SLF001 - its own index
        return entries
