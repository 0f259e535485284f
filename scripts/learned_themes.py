"""Would a model learned from the labelled real text beat the theme rules? (docs/evaluation.md)

Leave one part out: for each recent held-out part of a topic, a logistic regression per theme
is trained on every other part of the topic (scikit-learn, a test dependency) and scored on that
part, beside the rules' own assignment of the same passages. Two models:

- `text`: TF-IDF of the passage and its article's title (words and word pairs) alone;
- `hybrid`: the same, plus what the rules found (each theme's score over its threshold, whether
  the passage reached it, whether its article helped, whether the scope left it out).

Passages the scope leaves out stay out (the scope is not what is measured), and none is trained on.

    .venv/bin/python scripts/learned_themes.py            # the default themes, heldout12-24
    .venv/bin/python scripts/learned_themes.py --topic redsea --c 10
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "realtext"
CONFIGS = {"korea": ROOT / "sources.yaml", "redsea": ROOT / "docs" / "examples" / "red-sea.yaml"}
# The parts scored as unseen in the last rounds (docs/evaluation.md).
RECENT = {"korea": r"heldout(1[2-9]|2\d)$", "redsea": r"heldout(1[4-9]|2\d)$"}


def rows(topic: str) -> tuple[list[str], dict[str, float], list[dict]]:
    """Every English passage of the topic's parts, with its labels and what the rules made of it."""
    from briefgen.analyse import themes
    from briefgen.config import load_config
    from briefgen.labelled import load_labelled
    from briefgen.language import detect
    from briefgen.models import Passage

    config = load_config(CONFIGS[topic])
    keys = [t.key for t in config.themes]
    out = []
    for path in sorted(DATA.glob(f"{topic}-*.yaml")):
        if "-ko-" in path.name:
            continue
        items = load_labelled(path, keys)
        passages = [Passage(f"t{n}", f"a{i.article}", i.text, n, n, language=detect(i.text)) for n, i in enumerate(items)]
        articles = themes.Articles({f"a{i.article}": i.title for i in items}, config.scope)
        scores = themes.score_all(passages, config.themes, articles)
        outside = themes.assign(passages, config.themes, articles)
        for item, passage, found in zip(items, passages, scores, strict=True):
            out.append({"part": path.stem, "text": f"{item.text} {item.title}", "labels": set(item.themes),
                        "got": {m.theme for m in passage.themes}, "out": passage.article_id in outside,
                        "found": {m.theme: m for m in found}})
    return keys, {t.key: t.threshold for t in config.themes}, out


def features(batch: list[dict], keys: list[str], thresholds: dict[str, float]):  # type: ignore[no-untyped-def]
    import numpy as np
    from scipy.sparse import csr_matrix

    table = []
    for row in batch:
        line = []
        for key in keys:
            match = row["found"].get(key)
            score = match.score / thresholds[key] if match else 0.0
            helped = bool(match) and any(m.startswith("article:") for m in match.matched)
            line += [min(score, 3.0), float(key in row["got"]), float(helped)]
        table.append([*line, float(row["out"])])
    return csr_matrix(np.array(table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", choices=sorted(CONFIGS), default="korea")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation of the regression")
    args = parser.parse_args()
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    keys, thresholds, everything = rows(args.topic)
    tested = sorted({r["part"] for r in everything if re.search(RECENT[args.topic], r["part"])},
                    key=lambda p: int(re.sub(r"\D", "", p) or 0))
    names = ("rules", "text", "hybrid")
    total = {n: [0, 0, 0] for n in names}
    hit = dict.fromkeys(names, 0)
    distractors = 0

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    for part in tested:
        train = [r for r in everything if r["part"] != part and not r["out"]]
        test = [r for r in everything if r["part"] == part]
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        words_train = vectorizer.fit_transform([r["text"] for r in train])
        words_test = vectorizer.transform([r["text"] for r in test])
        inputs = {"text": (words_train, words_test),
                  "hybrid": (hstack([words_train, features(train, keys, thresholds)]).tocsr(),
                             hstack([words_test, features(test, keys, thresholds)]).tocsr())}
        got = {"rules": [r["got"] for r in test]}
        for name, (x_train, x_test) in inputs.items():
            got[name] = [set() for _ in test]
            for key in keys:
                model = LogisticRegression(C=args.c, max_iter=2000).fit(x_train, [key in r["labels"] for r in train])
                for n, p in enumerate(model.predict_proba(x_test)[:, 1]):
                    if p >= 0.5 and not test[n]["out"]:
                        got[name][n].add(key)
        line = []
        for name in names:
            counts = [0, 0, 0]
            for row, themes in zip(test, got[name], strict=True):
                for key in keys:
                    truth, claimed = key in row["labels"], key in themes
                    counts[0] += truth and claimed
                    counts[1] += claimed and not truth
                    counts[2] += truth and not claimed
                hit[name] += not row["labels"] and bool(themes)
            total[name] = [a + b for a, b in zip(total[name], counts, strict=True)]
            line.append(f"{name} {f1(*counts):.3f}")
        distractors += sum(not r["labels"] for r in test)
        print(f"{part:20s} " + "  ".join(line))
    print(f"{'pooled':20s} " + "  ".join(f"{n} {f1(*total[n]):.3f}" for n in names))
    print(f"{'distractors hit':20s} " + "  ".join(f"{n} {hit[n]}/{distractors}" for n in names))


if __name__ == "__main__":
    main()
