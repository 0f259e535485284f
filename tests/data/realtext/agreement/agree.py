"""How far two labellers agree: the first labeller's file is the reference and the second's
is scored against it as a system would be (per-theme and micro F1, the scope calls, and the
first labeller's distractors the second gave a theme).

    python tests/data/realtext/agreement/agree.py FIRST.yaml SECOND.yaml [--diffs]
"""

from __future__ import annotations

import sys
from collections import defaultdict

import yaml

from briefgen.evaluate import Scores


def main(first_path: str, second_path: str, diffs: bool = False) -> None:
    with open(first_path, encoding="utf-8") as a, open(second_path, encoding="utf-8") as b:
        first, second = yaml.safe_load(a), yaml.safe_load(b)
    if len(first) != len(second):
        sys.exit(f"{second_path}: {len(second)} articles, {first_path} has {len(first)}")
    # Per theme, as `briefgen themes test` counts a system against the labels.
    scores: defaultdict[str, Scores] = defaultdict(Scores)
    scopes = distractors = distractors_hit = 0
    differing = []
    for one, two in zip(first, second, strict=True):
        scopes += one["scope"] == two["scope"]
        for p, q in zip(one["passages"], two["passages"], strict=True):
            if p["text"] != q["text"]:
                sys.exit(f"{second_path}: passage {q['text'][:60]!r} is not {p['text'][:60]!r}")
            x, y = set(p["themes"]), set(q["themes"])
            for theme in x | y:
                scores[theme] += Scores(tp=int(theme in x and theme in y), fp=int(theme not in x), fn=int(theme not in y))
            if not x:
                distractors += 1
                distractors_hit += bool(y)
            if x != y:
                differing.append((sorted(x), sorted(y), p["text"][:150]))
    for theme, s in sorted(scores.items()):
        print(f"{theme:18} F1 {s.f1:.3f}  both {s.tp}  second only {s.fp}  first only {s.fn}")
    micro = sum(scores.values(), Scores())
    print(f"micro F1 {micro.f1:.3f}; scope agreed on {scopes} of {len(first)} articles; "
          f"the first's distractors given a theme by the second: {distractors_hit} of {distractors}")
    for row in differing if diffs else ():
        print(*row)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--diffs" in sys.argv[3:])
