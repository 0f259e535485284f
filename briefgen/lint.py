"""What `briefgen check` says of a theme's rules before any text is read: the terms that
decide alone, the ones that can never matter (a weight of 0, a term that folds into
another, words the matcher cannot read, a Hangul term Korean text is never read as, a theme
that cannot reach its threshold), and the ones that match nearly everything (a common
word, often an acronym: WHO, US)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .config import ScopeConfig, ThemeConfig
from .language import has_hangul
from .rules import _Term, term_tokens

# How many terms a line names before "and N more".
SHOWN = 4
# A * after a word this short finds other words too ('ship*': shipping; 'war*': warrant).
SHORT_PREFIX = 4
# Words of grammar, in nearly every English sentence. Matching ignores case, so a term
# written as one ('who' for the World Health Organization, 'us' for the United States)
# finds "those who" and "told us" everywhere.
COMMON = frozenset("""
a an the this that these those it its he she him his her they them their we us our you your i me my
who whom whose which what when where why how is are was were be been being am do does did has have had
can could will would may might must shall should and or but nor if as at by for from in into of on onto
to with not no all any some also than then there here
""".split())
# Sentences a Hangul term is read in to see the morphemes Korean text gives it: alone, a
# name can be misread (쇼이구 as 쇼), so a term is fine when any of them gives it back.
KOREAN_FRAMES = ("{}", "그는 {}에 대해 말했다.", "{}는 지난주 발표됐다.", "북한이 {}을 했다.", "{} 기술을 확보했다.")


@dataclass
class Findings:
    """A theme's rule problems (`never`: terms that cannot matter) and remarks (`notes`)."""

    never: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Terms that match nearly every sentence: mistakes too, as `never`.
    common: list[str] = field(default_factory=list)


def _names(terms: list[str], quoted: bool = True) -> str:
    shown = ", ".join(f"'{t}'" if quoted else t for t in terms[:SHOWN])
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
    # Each alternative on its own: a line whose first phrase guards a word may hold others that guard nothing.
    zero = [a.text for term, _, weight in parsed if weight == 0 for a in term.alternatives
            if a.parts and not any(_holds(a.parts, o) for o in others)]
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
    misread = korean_misread([*theme.terms, *theme.requires, *theme.exclude])
    if misread:
        shown = "; ".join(f"'{t}' as '{m}'" if m else f"'{t}' as no word" for t, m in misread[:SHOWN])
        more = f" and {len(misread) - SHOWN} more" if len(misread) > SHOWN else ""
        found.never.append(f"can never match Korean text, which is read as morphemes (particles and affixes "
                           f"dropped, verbs in their dictionary form): {shown}{more}; write the terms so")
    if not theme.title_meets_requires and not theme.requires:
        found.never.append("title_meets_requires: false can never matter: the theme has no `requires` groups")
    reach = sum(max(weight, 0) for _, _, weight in parsed) + (theme.example_weight if theme.examples else 0)
    if parsed and reach < theme.threshold:
        found.never.append(f"all its terms together weigh {reach:g}, under the threshold {theme.threshold:g}: "
                           "no passage can reach it")
    common = [a.text for term, _, weight in parsed if weight > 0 for a in term.alternatives
              if not a.prefix and len(a.parts) == 1 and a.text.casefold() in COMMON]
    if common:
        found.common.append(f"{_names(common)} match a common word in nearly every sentence (case is ignored: "
                            "'who' finds \"those who\"): write the name in full ('world health organization')")
    # A line by its first alternative, and the sign that it has more.
    alone = [f"{text.split('|')[0].strip()}{'|...' if '|' in text else ''} ({weight:g})"
             for _, text, weight in sorted(parsed, key=lambda p: -p[2]) if weight >= theme.threshold]
    if alone:
        found.notes.append(f"decide alone, one mention is enough: {_names(alone)}")
    lighter = [f"'{a.text}' ({weight:g}) holds '{b.text}' ({other:g})" for term, _, weight in parsed if weight > 0
               for a in term.alternatives if a.parts for held, _, other in parsed if weight < other and held is not term
               for b in held.alternatives if _holds(a.parts, b.parts, b.prefix)]
    if lighter:
        found.notes.append(f"a longer term that weighs less counts instead, at its own weight: {_names(lighter, quoted=False)}"
                           " (a guard, if meant; weigh it at least as much if it should add)")
    widened = [a.text for term, _, weight in parsed if weight > 0 for a in term.alternatives
               if a.prefix and len(a.parts) == 1 and 3 <= len(a.parts[0]) <= SHORT_PREFIX]
    if widened:
        found.notes.append(f"{_names(widened)} match every word that starts so ('ship*' finds shipping and "
                           "shipyard; plurals fold without a *)")
    return found


def alternatives(lines: Sequence[str]) -> list[str]:
    """Every alternative of these 'a|b' lines, in order."""
    return [a.strip() for line in lines for a in line.split("|") if a.strip()]


def lint_scope(scope: ScopeConfig) -> Findings:
    """What `check` says of the scope: its names that match nearly everything, and those it
    also excludes (an excluded name takes only the scope names inside a longer one)."""
    found = Findings()
    names = alternatives(scope.terms)
    excluded = {a.casefold() for a in alternatives(scope.exclude)}
    common = [a for a in names if a.casefold() in COMMON]
    if common:
        found.common.append(f"{_names(common)} match a common word in nearly every article (case is ignored): "
                            "write the name in full")
    both = [a for a in names if a.casefold() in excluded]
    if both:
        found.never.append(f"{_names(both)} both name the scope and are excluded: an article whose title names "
                           "one is in scope (exclude a longer name, 'guinea-bissau' beside 'guinea')")
    return found


def _holds(longer: tuple[str, ...], shorter: tuple[str, ...], prefix: bool = False) -> bool:
    """Whether a phrase's words hold another phrase's, in order, as a longer match (the
    shorter's last word as a prefix, if so marked)."""
    return len(longer) > len(shorter) > 0 and _reads(longer, shorter, prefix)


def korean_misread(lines: list[str]) -> list[tuple[str, str]]:
    """Each Hangul alternative of these term lines that Korean text is never read as, with
    the morphemes it is read as instead (loads the Korean analyser, only when there is one)."""
    alternatives = [a.strip() for line in lines for a in line.split("|") if has_hangul(a)]
    if not alternatives:
        return []
    from .morphemes import words

    frame = words(KOREAN_FRAMES[1].format(""))
    out = []
    for alternative in dict.fromkeys(alternatives):
        bare = alternative.rstrip("* ")
        wanted = term_tokens(bare)
        if not any(_reads(words(f.format(bare)), wanted, alternative.endswith("*")) for f in KOREAN_FRAMES):
            read = words(KOREAN_FRAMES[1].format(bare))
            out.append((alternative, " ".join(w for w in read if w not in frame)))
    return out


def _reads(read: Sequence[str], wanted: Sequence[str], prefix: bool) -> bool:
    """Whether `read` holds the words of `wanted` in a row (its last word as a prefix, if so marked)."""
    n = len(wanted)
    for i in range(len(read) - n + 1):
        if read[i:i + n - 1] == wanted[:-1] and (read[i + n - 1] == wanted[-1] or
                                                  prefix and read[i + n - 1].startswith(wanted[-1])):
            return True
    return False
