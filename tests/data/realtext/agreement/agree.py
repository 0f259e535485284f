"""How far two labellers agree: the first labeller's file is the reference and the second's
is scored against it as a system would be (per-theme and micro F1, the scope calls, and the
first labeller's distractors the second gave a theme).

    python tests/data/realtext/agreement/agree.py FIRST.yaml SECOND.yaml [--diffs]
"""

from __future__ import annotations

import sys
from collections import Counter

import yaml


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main(first_path: str, second_path: str, diffs: bool = False) -> None:
    with open(first_path, encoding="utf-8") as a, open(second_path, encoding="utf-8") as b:
        first, second = yaml.safe_load(a), yaml.safe_load(b)
    if len(first) != len(second):
        sys.exit(f"{second_path}: {len(second)} articles, {first_path} has {len(first)}")
    counts: Counter[tuple[str, str]] = Counter()
    scopes = distractors = distractors_hit = 0
    differing = []
    for one, two in zip(first, second, strict=True):
        scopes += one["scope"] == two["scope"]
        for p, q in zip(one["passages"], two["passages"], strict=True):
            if p["text"] != q["text"]:
                sys.exit(f"{second_path}: passage {q['text'][:60]!r} is not {p['text'][:60]!r}")
            x, y = set(p["themes"]), set(q["themes"])
            for theme in x | y:
                counts[theme, "both" if theme in x and theme in y else "second" if theme in y else "first"] += 1
            if not x:
                distractors += 1
                distractors_hit += bool(y)
            if x != y:
                differing.append((sorted(x), sorted(y), p["text"][:150]))
    themes = sorted({theme for theme, _ in counts})
    for theme in themes:
        tp, fp, fn = counts[theme, "both"], counts[theme, "second"], counts[theme, "first"]
        print(f"{theme:18} F1 {f1(tp, fp, fn):.3f}  both {tp}  second only {fp}  first only {fn}")
    tp, fp, fn = (sum(counts[t, k] for t in themes) for k in ("both", "second", "first"))
    print(f"micro F1 {f1(tp, fp, fn):.3f}; scope agreed on {scopes} of {len(first)} articles; "
          f"the first's distractors given a theme by the second: {distractors_hit} of {distractors}")
    for row in differing if diffs else ():
        print(*row)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--diffs" in sys.argv[3:])
