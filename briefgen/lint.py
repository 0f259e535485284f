"""What `briefgen check` says of a theme's rules before any text is read: the terms that
decide alone, and the ones that can never matter (a weight of 0, a term that folds into
another, words the matcher cannot read, a theme that cannot reach its threshold)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import ThemeConfig
from .rules import _Term, term_tokens

# How many terms a line names before "and N more".
SHOWN = 4
# A * after a word this short finds other words too ('ship*': shipping; 'war*': warrant).
SHORT_PREFIX = 4


@dataclass
class Findings:
    """A theme's rule problems (`never`: terms that cannot matter) and remarks (`notes`)."""

    never: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _names(terms: list[str]) -> str:
    shown = ", ".join(f"'{t}'" for t in terms[:SHOWN])
    return shown + (f" and {len(terms) - SHOWN} more" if len(terms) > SHOWN else "")


def lint(theme: ThemeConfig) -> Findings:
    """The findings for one theme."""
    found = Findings()
    parsed = [(_Term.parse(text, weight), text, weight) for text, weight in theme.terms.items()]
    unreadable = [text for term, text, _ in parsed for a in term.alternatives if not a.parts]
    unreadable += [text for text in [*theme.exclude, *theme.requires] if not term_tokens(text.replace("|", " "))]
    if unreadable:
        found.never.append(f"{_names(unreadable)} can never match: theme terms are read as words of a-z and 0-9, or "
                           "Hangul (for other scripts, use the scope or examples)")
    # A term of weight 0 matters when it is longer than another and holds it: it takes that
    # term's words ("guided-missile destroyer" keeps "missile" from counting).
    others = [a.parts for term, _, weight in parsed if weight != 0 for a in term.alternatives if a.parts]
    zero = [text for term, text, weight in parsed if weight == 0
            and not any(_holds(a.parts, o) for a in term.alternatives for o in others)]
    if zero:
        found.never.append(f"{_names(zero)} weigh 0 and can never matter")
    seen: dict[object, str] = {}
    folded = []
    for term, text, _ in parsed:
        if term.key in seen:
            folded.append(f"{text}' counts once with '{seen[term.key]}")
        seen.setdefault(term.key, text)
    if folded:
        found.never.append("'" + "; '".join(folded) + "' (plurals fold: list a word once)")
    if not theme.title_meets_requires and not theme.requires:
        found.never.append("title_meets_requires: false can never matter: the theme has no `requires` groups")
    reach = sum(max(weight, 0) for _, _, weight in parsed) + (theme.example_weight if theme.examples else 0)
    if parsed and reach < theme.threshold:
        found.never.append(f"all its terms together weigh {reach:g}, under the threshold {theme.threshold:g}: "
                           "no passage can reach it")
    alone = [f"{text.split('|')[0]} ({weight:g})" for _, text, weight in sorted(parsed, key=lambda p: -p[2])
             if weight >= theme.threshold]
    if alone:
        found.notes.append(f"decide alone, one mention is enough: {_names(alone)}")
    widened = [a.text for term, _, weight in parsed if weight > 0 for a in term.alternatives
               if a.prefix and len(a.parts) == 1 and 3 <= len(a.parts[0]) <= SHORT_PREFIX]
    if widened:
        found.notes.append(f"{_names(widened)} match every word that starts so ('ship*' finds shipping and "
                           "shipyard; plurals fold without a *)")
    return found


def _holds(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether a phrase's words hold another phrase's, in order, as a longer match."""
    n = len(shorter)
    return len(longer) > n and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))
