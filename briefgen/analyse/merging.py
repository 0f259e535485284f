"""The day's entities: the mentions the per-article reading found, counted by name, and the
names that are one entity merged (a person named in full in one article and by a shorter name
in another, a body named in full and by its initials: "the International Maritime
Organization (IMO)")."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..models import Entity, Passage
from .gazetteer import Mention
from .names import longer_names, name_key, short_names

# Initials: two to eight capitals ("UN", "IMO", "OPCW", "UNSC"); a lower-case letter may stand
# between them only as the body writes itself ("DoD" is left alone).
_INITIALS = re.compile(r"[A-Z]{2,8}")
# Words a body's initials skip: "Organisation for the Prohibition of Chemical Weapons" is OPCW.
_SKIPPED = frozenset({"of", "the", "for", "and", "on", "in", "to", "at", "de", "&"})


def initials(name: str) -> str:
    """The initials of a name of several words: 'United Nations' -> 'UN'; '' for one word."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.casefold() not in _SKIPPED]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return ""
    # (An abbreviation gives each of its letters: "U.S. Navy" is USN.)
    return "".join(w.replace(".", "") if w.endswith(".") else w[0] for w in words)


def merge(counts: Counter[str], kinds: dict[str, Counter[str]], names: dict[str, str], known: dict[str, bool],
          where: dict[str, dict[str, None]], merged: Iterable[dict[str, dict[str, None]]]) -> None:
    """Merge, in place, the keys of the day's names that are one entity into the key that
    stays: counts, kinds, `known`, `where` (the passages of each key) and each of `merged`
    (aliases, roles, by key)."""
    merged = [*merged, where]

    def into(key: str, target: str) -> None:
        counts[target] += counts.pop(key)
        kinds[target].update(kinds.pop(key))
        known[target] = known.get(target, False) or known.pop(key, False)
        for table in merged:
            table[target].update(table.pop(key, {}))

    # "General Burhan" in one article, "Abdel Fattah al-Burhan" in another: one person, when
    # the day names only one such person in full.
    # ... and "Khaled Khiari" is "Mohamed Khaled Khiari", when no one else's name ends so
    # (then "Khiari" has one owner, not two).
    whole = [names[k] for k in counts if kinds[k]["person"] and " " in names[k]]
    longer = longer_names(whole)
    full = short_names((name for name in whole if name not in longer), first=False) | longer
    for key in [k for k in counts if kinds[k]["person"] and not known[k] and names[k] in full]:
        target = name_key(full[names[key]])
        # (Along a chain of ever longer names, to the one still counted.)
        while target not in counts and names.get(target) in full:
            target = name_key(full[names[target]])
        if target != key and target in counts:
            into(key, target)
    # "the International Maritime Organization (IMO)", then "IMO Secretary-General": one body,
    # named in full, when a passage names both, the day names only one body of those initials,
    # and the gazetteer (which merges its own names) has neither. ("국가안보회의 NSC" is not the
    # Naro Space Center another article names: the initials are a body's only beside it.)
    bodies: dict[str, list[str]] = {}
    for key in counts:
        if kinds[key]["organisation"] and not kinds[key]["person"] and not known[key]:
            bodies.setdefault(initials(names[key]), []).append(key)
    bodies.pop("", None)
    for key in [k for k in counts if _INITIALS.fullmatch(names[k]) and not kinds[k]["person"] and not known[k]
                and not kinds[k]["country"]]:
        owners = bodies.get(names[key], [])
        if len(owners) == 1 and owners[0] != key and owners[0] in counts and not where[key].keys().isdisjoint(where[owners[0]]):
            into(key, owners[0])


KIND_ORDER = {"person": 0, "organisation": 1, "country": 2, "place": 3, "other": 4}


def collect(
    mentions: dict[str, list[Mention]],
    kept: dict[str, str | None],
    passages: dict[str, Passage],
    cited: dict[str, tuple[str, ...]],
) -> list[Entity]:
    """One Entity per name: mentions counted once per distinct passage, themes from those passages."""
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    aliases: dict[str, dict[str, None]] = defaultdict(dict)
    roles: dict[str, dict[str, None]] = defaultdict(dict)
    where: dict[str, dict[str, None]] = defaultdict(dict)
    known: dict[str, bool] = {}
    names: dict[str, str] = {}
    for passage_id, found in mentions.items():
        # A repeated sentence (wire copy) is one passage: count its mentions once.
        if kept.get(passage_id) != passage_id:
            continue
        for m in found:
            key = name_key(m.name)
            # A transcript's "SABRINA SINGH:" is named as the text writes her elsewhere.
            if names.setdefault(key, m.name).isupper() and not m.surface.isupper() and name_key(m.surface) == key:
                names[key] = " ".join(m.surface.split())
            counts[key] += 1
            kinds[key][m.kind or "other"] += 1
            aliases[key][" ".join(m.surface.split())] = None
            if m.role:
                roles[key][" ".join(m.role.split())] = None
            where[key][passage_id] = None
            known[key] = known.get(key, False) or m.known
    # The day's names of one person, and a body's name and its initials, are one entity.
    merge(counts, kinds, names, known, where, (aliases, roles))
    out = []
    for key, n in counts.items():
        # Person beats the rest: one cue ("Jo said") outweighs plain mentions.
        kind = "person" if kinds[key]["person"] else kinds[key].most_common(1)[0][0]
        ids = tuple(where[key])
        themes = tuple(dict.fromkeys(m.theme for pid in ids for m in passages[pid].themes))
        sources = tuple(dict.fromkeys(s for pid in ids for s in cited.get(pid, (passages[pid].article_id,))))
        name = names[key]
        if kind == "person" and name.isupper() and " " in name:
            # Never written otherwise: an acronym ("Commander USACE FED") as often as a name.
            kind = "other"
        out.append(Entity(name, kind, n, tuple(aliases[key]), tuple(roles[key]) if kind == "person" else (), themes, ids, sources, known[key]))
    return sorted(out, key=lambda e: (KIND_ORDER.get(e.kind, 9), -e.mentions, e.name.casefold()))
