"""Passages judged with their article: its scope, its title and the theme evidence around
them. A sentence in an article clearly about a theme needs less evidence of its own
("observations of the exercise" in a report on a drill); one in an article that argues
against the theme needs more; an article outside the brief's scope reaches no theme.

The passage's own evidence (terms, examples) is computed first by `themes`; this module
adds what the article says, and names it: every point it adds or takes shows in the
passage's evidence as "article: ...", so the appendix tells which part came from where."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..config import ScopeConfig
from ..models import Passage
from ..rules import _Pattern, _Stems, stem_forms, tokens
from .leads import dangling

# Share of an article's passages that pass a theme on their own evidence from which the
# article is wholly about it (a third: a lead and one more in a short report).
FULL_SHARE = 1 / 3
# How much of the context weight the article (title, share) and a neighbour give.
ARTICLE_PART, NEIGHBOUR_PART = 0.75, 0.5
# An article argues against a theme when this share of its passages carry only evidence
# against; a passage there with some evidence of its own loses this part of the weight.
AGAINST_SHARE = 0.3
AGAINST_PART = 0.5
# ... evidence against of at least this share of the threshold: an office's fire drill
# (-2, -3), not a missile article's "missile" under Military drills (-1), which says only
# that a sentence is about another theme, not that the article is about another world.
AGAINST_STRENGTH = 0.75
# The article helps only a passage with this share of the threshold from its own evidence:
# context tips a close call, it does not make one out of a single weak word.
MIN_OWN = 0.6
# ... unless the article is plainly about the theme (its title and a third of its
# passages): there any evidence of the passage's own is enough.
MIN_OWN_STRONG = 0.4
# The scope is judged on the title and the lead (the first passage) ...
LEAD_PASSAGES = 1
# ... or on the article coming back to it: a single mention further down (a country in a
# list of an exercise's participants, a quoted aside) does not make an article about it.
MIN_MENTIONS = 2


@dataclass
class Articles:
    """What theme assignment knows of the articles around the passages."""

    # article id -> title ("" when none)
    titles: dict[str, str] = field(default_factory=dict)
    scope: ScopeConfig | None = None


class Own(NamedTuple):
    """A passage's own evidence for one theme, before its article is considered (a tuple:
    one is made for every passage and theme of the day)."""

    score: float
    matched: tuple[str, ...]
    vetoed: bool
    # Some evidence for the theme (a positive term or an example), not only against it.
    positive: bool
    negative: bool
    # The `requires` groups (by index) the text lacks.
    missing: tuple[int, ...] = ()


class Scope:
    """Matches a scope's names: words as theme terms match them (plurals fold, a trailing *
    takes any ending) for scripts with spaces, and for scripts that attach particles to
    words, at the start of a word (북한 in 북한은, not 평양 in 태평양, the Pacific). Words
    are looked up by their first word, not searched for one by one."""

    def __init__(self, config: ScopeConfig):
        self.config = config
        self._first: dict[str, list[_Pattern]] = defaultdict(list)
        self._prefixes: list[str] = []
        self._inner: list[str] = []
        for entry in config.terms:
            for alternative in entry.split("|"):
                alternative = alternative.strip()
                if not alternative:
                    continue
                if not alternative.isascii():
                    self._inner.append(alternative.casefold())
                    continue
                pattern = _Pattern.parse(alternative)
                if not pattern.parts:
                    continue
                if pattern.prefix and len(pattern.parts) == 1:
                    self._prefixes.append(pattern.parts[0])
                else:
                    self._first[pattern._first].append(pattern)
        self._prefix_re = re.compile("(?:^| )(?:" + "|".join(map(re.escape, self._prefixes)) + ")") if self._prefixes else None
        # Longest first, so that one alternation finds every term at a word's start.
        self._inner_re = re.compile(
            "(?<![\uac00-\ud7a3])(?:" + "|".join(map(re.escape, sorted(self._inner, key=len, reverse=True))) + ")"
        ) if self._inner else None
        # (Such a term holds a letter no ASCII text has, unless case folding took it out: "ß".)
        self._inner_in_ascii = any(term.isascii() for term in self._inner)
        self._named: dict[str, bool] = {}
        self._stems = _Stems()
        # Another story told in the scope's places, matched as the scope's names are.
        self._exclude = Scope(ScopeConfig(label="exclude", terms=config.exclude)) if config.exclude else None
        # Longest match first, as in themes: an excluded name of several words takes the
        # scope's shorter name inside it ("South Sudan" is not "Sudan").
        self._masks = [p for patterns in (self._exclude._first.values() if self._exclude else ()) for p in patterns
                       if len(p.parts) > 1]

    def learn(self, named: dict[str, bool]) -> None:
        """Take what `names` says of these texts as found elsewhere (the same scope's `names`)."""
        self._named.update(named)

    def names(self, text: str) -> bool:
        # Wire copy repeats titles and leads word for word: each text is read once.
        known = self._named.get(text)
        if known is None:
            known = self._named[text] = self._names(text)
        return known

    def _names(self, text: str) -> bool:
        if self._inner_re is not None and (self._inner_in_ascii or not text.isascii()) and self._inner_re.search(text.casefold()):
            return True
        raw = tokens(text)
        stemmed = present = None
        if self._masks:
            stemmed = list(map(self._stems.__getitem__, raw))
            present = set(stemmed)
            # A mask is looked for only where its first word is (most texts hold none).
            taken = [span for mask in self._masks if mask._first in present for span in mask.spans(raw, stemmed)]
            if taken:
                return self._names_outside(raw, stemmed, taken)
        # Whether any word starts with a prefix term (one search of the words joined: a
        # prefix holds no space, so it never runs from one word into the next).
        if self._prefix_re is not None and self._prefix_re.search(" ".join(raw)):
            return True
        if stemmed is None:
            stemmed = list(map(self._stems.__getitem__, raw))
            present = set(stemmed)
        # Only the words some pattern starts with are looked at (a set intersection first).
        starting = self._first.keys() & present
        if starting:
            for i, stem in enumerate(stemmed):
                if stem in starting:
                    for pattern in self._first[stem]:
                        if pattern._at(raw, stemmed, i):
                            return True
        return False

    def _names_outside(self, raw: list[str], stemmed: list[str], taken: list[tuple[int, int]]) -> bool:
        """`_names` where excluded names were found: a name counts unless it lies inside a
        longer one of them."""
        def free(start: int, end: int) -> bool:
            return not any(s <= start and end <= e and e - s > end - start for s, e in taken)

        for i, word in enumerate(raw):
            if any(word.startswith(prefix) for prefix in self._prefixes) and free(i, i + 1):
                return True
            if any(pattern._at(raw, stemmed, i) and free(i, i + len(pattern.parts)) for pattern in self._first.get(stemmed[i], ())):
                return True
        return False

    def judge(self, title: str, passages: Sequence[str]) -> bool:
        """Whether an article is in scope: its title or lead names it, or enough of its
        passages, unless its title or lead says it is about a subject the scope excludes."""
        head = [title, *passages[:LEAD_PASSAGES]]
        if any(self.names(t) for t in head):
            return True
        if not passages or (self._exclude is not None and any(self._exclude.names(t) for t in head)):
            return False
        named = sum(1 for t in passages if self.names(t))
        return named >= MIN_MENTIONS and named / len(passages) >= self.config.min_share


def _floor(title_hit: bool, share: float) -> float:
    """The share of the threshold a passage needs of its own before its article tips it."""
    return MIN_OWN_STRONG if title_hit and share >= FULL_SHARE else MIN_OWN


def unhelped(own: float, threshold: float, title_hit: bool, passing: int, total: int, neighbour: bool) -> str | None:
    """Why a passage with positive evidence of its own (`own`, under `threshold`) got nothing
    from its article as a close call (`adjust`): in words, for `briefgen themes test`; None
    if it should have been helped. `passing`: its article's passages that reach the theme alone."""
    share = passing / total if total else 0.0
    floor = _floor(title_hit, share)
    article = (f"its title {'reaches' if title_hit else 'does not reach'} the theme, {passing} of {total} passages "
               f"({share:.0%}) do")
    if own < floor * threshold:
        return f"article: no help: its own {own:g} is under {floor:.0%} of the threshold ({article})"
    if not title_hit and not passing and not neighbour:
        return f"article: no help: nothing in its article reaches the theme ({article})"
    return None


def out_of_scope(passages: Sequence[Passage], articles: Articles, named: dict[str, bool] | None = None) -> set[str]:
    """The ids of the articles the scope leaves out (none without a scope). `named`: whether
    the scope names each text, for those found already (`Scope.names`, on workers)."""
    if articles.scope is None:
        return set()
    scope = Scope(articles.scope)
    scope.learn(named or {})
    texts: dict[str, list[str]] = defaultdict(list)
    for passage in passages:
        texts[passage.article_id].append(passage.text)
    return {a for a, told in texts.items() if not scope.judge(articles.titles.get(a, ""), told)}


# "It is critical to...": an "it" that points at nothing before it.
_EXPLETIVE = re.compile(r"^\W*it\s+(?:is|was|has been|remains|would be|will be)\s+\w+\s+(?:to|that)\b", re.IGNORECASE)


# "However, other speakers...", "Separately, ...": a connective that turns to another
# matter leans on the sentence before without carrying its subject.
_TURNS = re.compile(
    r"^\W*(?:however|but|yet|still|nevertheless|meanwhile|separately|instead|besides|earlier|later|"
    r"at the same time|in contrast|on the other hand)\b"
    r"|^\W*(?:그러나|하지만|그런데|한편|반면|다만|앞서)(?=[\s,.])", re.IGNORECASE)


# "It flew 1,000 km": a sentence about the thing the one before told of, whatever small
# evidence of its own it has ("He urged the DPRK to resume talks" is about a person).
_THING = re.compile(r"^\W*(?:it|its|this|these)\b", re.IGNORECASE)


def _points_back(text: str) -> bool:
    return dangling(text) and not _EXPLETIVE.match(text) and not _TURNS.match(text)


# "the test", "this launch", "the latest exercise": a common noun of the theme with a
# determiner names the event the article is about, however little else the sentence says.
# Words between the determiner and the noun are its adjectives ("the latest launch"), not
# a preposition or a possessive that makes the noun another thing's ("the defence of
# vessels", "the world's container trade").
_DETERMINER = (r"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose)\s+"
               r"(?:(?!(?:of|to|in|for|on|with|and|or|by|from|at|as|against)\b)[a-z][\w-]*\s+){0,2}")
_REFERS: dict[str, re.Pattern[str] | None] = {}
# "cease such acts", "no notification of this action": a word for any deed, pointed at,
# names the one the article is about, whatever the theme's own words; so does a named
# actor's ("North Korea's actions were deplorable"), but not a common noun's ("the
# coalition's actions" in a report on attacks are the answer to them).
_DEED = re.compile(r"\b(?:such|these|this|those)\s+(acts?|actions?|moves?|incidents?|activity|activities)\b"
                   r"|\b[A-Z][\w-]*(?:'s|’s)\s+(?:latest\s+|recent\s+|)(?:acts?|actions?|moves?)\b"
                   r"|(?:이러한|이런|그러한|그런|이 같은|이같은|그 같은|그같은)\s+(?:\S+\s+)?(?:행동|행위|도발)")


def _reference(text: str, matched: Sequence[str], told: set[str]) -> str | None:
    """The positive term that the passage uses with a determiner ("the launch"), if any,
    among those the article told of (`told`: terms of its title and of its passages that
    reach the theme): lower-case in the text, so a name ("the DPRK") is no reference."""
    for term in matched:
        if term not in told:
            continue
        pattern = _REFERS.get(term, False)
        if pattern is False:
            words = tokens(term.rstrip("*"))
            if not words or not term.isascii():
                pattern = None
            else:
                # Each word in the forms the rules fold to its stem; a trailing * takes any ending.
                forms = ["(?:" + "|".join(map(re.escape, stem_forms(w))) + ")" for w in words]
                if term.endswith("*"):
                    forms[-1] = re.escape(words[-1]) + r"\w*"
                pattern = re.compile(_DETERMINER + "(" + r"[\s-]+".join(forms) + r")\b")
            _REFERS[term] = pattern
        if pattern is not None:
            found = pattern.search(text)
            if found is not None and found.group(1)[0].islower():
                return found.group(0).split()[0].lower() + " " + found.group(1)
    return None


def adjust(
    passages: Sequence[Passage],
    own: list[list[Own]],
    titles: dict[str, list[Own]],
    thresholds: Sequence[float],
    weights: Sequence[float],
) -> list[list[tuple[float, tuple[str, ...], bool]]]:
    """Per passage and theme: the part its article adds, the evidence that gave that part
    ("article: title +0.8"), and whether the passage names what a passage of the article
    that reached the theme with all its `requires` told of ("these attacks" in a report on
    attacks on ships), which then meets them for it (a sentence that only leans on the one
    before, "And they undermine...", may have moved on: it does not)."""
    columns = len(thresholds)
    by_article: dict[str, list[int]] = defaultdict(list)
    for row, passage in enumerate(passages):
        by_article[passage.article_id].append(row)
    out: list[list[tuple[float, tuple[str, ...], bool]]] = [[(0.0, (), False)] * columns for _ in passages]
    # Whether each passage reaches some theme on its own evidence.
    reaches = [any(own[r][c].score >= thresholds[c] and not own[r][c].vetoed for c in range(columns))
               for r in range(len(passages))]
    for article, rows in by_article.items():
        rows.sort(key=lambda r: passages[r].index)
        title = titles.get(article)
        for column in range(columns):
            threshold, weight = thresholds[column], weights[column]
            passing = [own[r][column].score >= threshold and not own[r][column].vetoed for r in rows]
            complete = [ok and not own[r][column].missing for r, ok in zip(rows, passing, strict=True)]
            share = sum(passing) / len(rows)
            title_hit = title is not None and not title[column].vetoed and title[column].score >= threshold
            affinity = 1.0 if title_hit else min(1.0, share / FULL_SHARE)
            strong = -AGAINST_STRENGTH * threshold
            against_share = sum(1 for r in rows if own[r][column].negative and not own[r][column].positive
                                and own[r][column].score <= strong) / len(rows)
            title_against = (title is not None and title[column].negative and not title[column].positive
                             and title[column].score <= strong)
            against = affinity == 0 and (title_against or against_share >= AGAINST_SHARE)
            about = title_hit or share >= FULL_SHARE
            # What the article tells of: the terms of its title and of its passages that pass.
            told = {m for r, ok in zip(rows, passing, strict=True) if ok for m in own[r][column].matched}
            if title_hit and title is not None:
                told.update(title[column].matched)
            for k, r in enumerate(rows):
                mine = own[r][column]
                if weight == 0 or mine.vetoed:
                    continue
                if against and mine.positive:
                    out[r][column] = (-AGAINST_PART * weight, (f"article: against {-AGAINST_PART * weight:+.1f}",), False)
                    continue
                # "This is the fifth anti-ship missile fired" after a sentence on a warship:
                # a sentence that reaches another theme by itself has its own subject.
                leans = (k > 0 and passing[k - 1] and not passing[k] and not mine.negative and not reaches[r]
                         and _points_back(passages[r].text))
                if leans and (not mine.positive or _THING.match(passages[r].text)):
                    # "It reinforces the alliance..." after a sentence about a drill is about
                    # that drill: a sentence that opens by pointing back carries its theme.
                    carried = max(0.0, threshold - mine.score)
                    out[r][column] = (carried, (f"article: continues the sentence before {carried:+.1f}",), False)
                    continue
                # A passage that passes alone may still lack an all-of group its reference meets.
                refer = about and mine.positive and (not passing[k] or bool(mine.missing))
                reference = _reference(passages[r].text, mine.matched, told) if refer else None
                if reference is None and title_hit and not passing[k] and not mine.negative:
                    deed = _DEED.search(passages[r].text)
                    reference = deed.group(0) if deed else None
                if reference is not None:
                    # "The president was aware of the test" in a report on a missile test.
                    carried = max(0.0, threshold - mine.score)
                    out[r][column] = (carried, (f"article: '{reference}' is its subject {carried:+.1f}",), any(complete))
                    continue
                # Context tips a close call; a passage that passes alone needs none of it.
                floor = _floor(title_hit, share)
                if not mine.positive or mine.score < floor * threshold or passing[k]:
                    continue
                neighbour = any(0 <= j < len(rows) and j != k and passing[j] for j in (k - 1, k + 1))
                part = min(1.0, ARTICLE_PART * affinity + NEIGHBOUR_PART * neighbour) * weight
                if part <= 0:
                    continue
                why = [w for w, on in (("title", title_hit), (f"{share:.0%} of its passages", affinity > 0 and not title_hit),
                                       ("neighbour", neighbour)) if on]
                out[r][column] = (part, (f"article: {', '.join(why)} {part:+.1f}",), False)
    return out
