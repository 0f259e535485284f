"""Scores name recognition (people, organisations, places) against an entity-labelled file
(tests/data/realtext/entities-*.yaml: paragraphs of real text, each with the names a
labeller found in it, by kind). Each document is analysed with no gazetteer and no scope,
so the figures are the name rules' own, as a brief on a new topic would get them.

    python -m tests.entityscore tests/data/realtext/entities-heldout.yaml [--misses]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefgen.analyse import analyse
from briefgen.config import parse_config
from briefgen.models import Article

KINDS = ("person", "organisation", "place")
# The analysis's kinds as the labels name them: a country is a place there.
AS_LABELLED = {"person": "person", "organisation": "organisation", "country": "place", "place": "place"}
LABEL_KEYS = {"people": "person", "organisations": "organisation", "places": "place"}
# A config with no gazetteer, no scope and a theme nothing matches: only the name rules work.
CONFIG = {"sources": [{"name": "S", "path": "x/"}], "themes": [{"key": "none", "label": "None", "terms": {"zzzzqx": 2}}]}

_PARTICLE = re.compile(r"(?<![\w-])(?:al|el|ad|as|ash|ar|az|an|at|bin|ibn|abu)-(?=\w)", re.IGNORECASE)
_INITIAL = re.compile(r"\w\.?")


def key(name: str) -> str:
    """Where spellings of one name meet: case, hyphens, an Arabic particle, a middle initial,
    a possessive and a leading "the" ignored (the scorer's own, not the analysis's)."""
    text = re.sub(r"['\u2019]s$", "", name.strip())
    words = _PARTICLE.sub("", text).replace("-", " ").replace("\u2019", "'").split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    if len(words) >= 3:
        words = [words[0]] + [w for w in words[1:-1] if not _INITIAL.fullmatch(w)] + [words[-1]]
    return " ".join(words).casefold()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass
class Result:
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    misses: list[str] = field(default_factory=list)
    paragraphs: int = 0


def score(path: str | Path) -> Result:
    """Each document's paragraphs (those of one `url`, in file order) are read as one article,
    as a brief reads them; a paragraph's names are the entities mentioned in its sentences,
    matched to its labels by their name or any alias ("Champoux" after "Lt. Gen. Bernard S.
    Champoux" two paragraphs before)."""
    config = parse_config(CONFIG)
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    documents: dict[str, list[int]] = {}
    for n, entry in enumerate(entries):
        documents.setdefault(entry["url"], []).append(n)
    result = Result()
    for d, numbers in enumerate(documents.values()):
        texts = [" ".join(entries[n]["text"].split()) for n in numbers]
        analysis = analyse([Article(id=f"d{d}", source="S", title="", text="\n\n".join(texts))], config)
        paragraph_of = {p.id: p.paragraph for p in analysis.passages}
        for k, n in enumerate(numbers):
            here = [e for e in analysis.entities if e.kind in AS_LABELLED
                    and any(paragraph_of.get(pid) == k for pid in e.passage_ids)]
            gold = {(key(name), kind) for label, kind in LABEL_KEYS.items() for name in entries[n].get(label) or []}
            result.paragraphs += 1
            matched: set[tuple[str, str]] = set()
            for entity in here:
                kind = AS_LABELLED[entity.kind]
                forms = {key(entity.name), *map(key, entity.aliases)}
                hits = {(f, kind) for f in forms} & gold
                if hits:
                    matched |= hits
                else:
                    result.counts[kind].fp += 1
                    result.misses.append(f"[{n}] extra {kind}: {entity.name!r}")
            for name, kind in gold:
                if (name, kind) in matched:
                    result.counts[kind].tp += 1
                else:
                    result.counts[kind].fn += 1
                    result.misses.append(f"[{n}] missed {kind}: {name!r}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--misses", action="store_true", help="list every extra and missed name")
    args = parser.parse_args(argv)
    for path in args.files:
        result = score(path)
        figures = ", ".join(f"{kind} F1 {c.f1():.3f} (P {c.precision():.3f} R {c.recall():.3f})"
                            for kind, c in result.counts.items())
        print(f"{path}: {result.paragraphs} paragraphs: {figures}")
        if args.misses:
            print("\n".join(f"  {m}" for m in result.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
