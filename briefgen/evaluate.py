"""Scores theme assignment against hand-labelled passages: per-theme precision, recall
and F1, their micro-average, and the passages it got wrong.

    briefgen themes test [--config sources.yaml] [--summary] [--min-f1 F] [--feedback STORE] FILE...
    python -m briefgen.evaluate [--config sources.yaml] [--verbose] [--feedback STORE] FILE...
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import yaml

from .analyse import feedback as feedback_mod
from .analyse import themes as theme_engine
from .config import Config, ScopeConfig, ThemeConfig, load_config
from .errors import ConfigError, ExitStatus, LabelsError, UsageError
from .labelled import Item, load_labelled
from .language import KOREAN
from .language import detect as detect_language
from .models import Feedback, Passage, ThemeMatch


@dataclass(frozen=True)
class Scores:
    """Counts for one theme (or all of them) and the figures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    # An empty denominator means nothing was claimed (or nothing was there to find): no error.
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Miss:
    """A passage whose assigned themes differ from its labels, with every theme's evidence."""

    item: Item
    got: frozenset[str]
    evidence: tuple[ThemeMatch, ...]

    @property
    def false_positives(self) -> frozenset[str]:
        return self.got - self.item.themes

    @property
    def false_negatives(self) -> frozenset[str]:
        return self.item.themes - self.got


@dataclass(frozen=True)
class ScopeCall:
    """How the config's scope judged an article labelled `scope: in` or `scope: out`."""

    title: str
    labelled: str
    kept: bool

    @property
    def wrong(self) -> bool:
        return self.kept != (self.labelled == "in")


@dataclass
class Report:
    """The evaluation of one labelled file."""

    path: str
    passages: int
    traps: int
    themes: dict[str, Scores]
    misses: list[Miss] = field(default_factory=list)
    # Passages labelled with no theme (distractors: they share words with the themes).
    distractors: int = 0
    # Micro counts per passage language (by script: ko, en), so Korean figures show apart.
    languages: dict[str, Scores] = field(default_factory=dict)
    # Each article labelled in or out of scope, as the config's scope judged it.
    scope: list[ScopeCall] = field(default_factory=list)
    # Whether the config has a scope that this file's lone passages could not be judged by.
    unjudged: bool = False

    @property
    def micro(self) -> Scores:
        return sum(self.themes.values(), Scores())

    @property
    def distractors_hit(self) -> list[Miss]:
        """Passages labelled with no theme that were given one."""
        return [m for m in self.misses if not m.item.themes and m.got]

    @property
    def traps_hit(self) -> list[Miss]:
        """Trap passages given a theme they are not labelled with."""
        return [m for m in self.misses if m.item.trap and m.false_positives]


def score(
    items: Sequence[Item], themes: Sequence[ThemeConfig], path: str = "<items>", scope: ScopeConfig | None = None,
    feedback: Sequence[Feedback] = (),
) -> Report:
    """Assign themes to all items at once, as in a real brief (the example similarity is
    fitted on the whole batch; passages of a labelled article are judged with their article:
    its title, its other passages, the brief's scope), and compare with the labels."""
    passages = [
        Passage(id=f"t{n}", article_id=f"a{item.article}" if item.article is not None else f"p{n}", text=item.text,
                paragraph=n, index=n, language=detect_language(item.text))
        for n, item in enumerate(items)
    ]
    titles = {f"a{item.article}": item.title for item in items if item.article is not None}
    # Scope is judged per article: a file of lone passages has none to judge.
    articles = theme_engine.Articles(titles, scope if titles else None)
    evidence = theme_engine.score_all(passages, themes, articles)
    outside = theme_engine.assign(passages, themes, articles)
    # The analyst's verdicts, if given, correct the rules as in a brief (analyse.feedback).
    feedback_mod.apply(passages, themes, feedback, outside=outside)
    counts = {t.key: Scores() for t in themes}
    languages: dict[str, Scores] = {}
    misses: list[Miss] = []
    for item, passage, all_scores in zip(items, passages, evidence, strict=True):
        got = frozenset(m.theme for m in passage.themes)
        for key in counts:
            truth, claimed = key in item.themes, key in got
            one = Scores(int(truth and claimed), int(claimed and not truth), int(truth and not claimed))
            counts[key] += one
            language = passage.language or "none"
            languages[language] = languages.get(language, Scores()) + one
        if got != item.themes:
            # The rules' evidence, and for a theme feedback changed, what it did; for a theme
            # missed, why its article did not help, when the evidence does not say.
            shown = {m.theme: m for m in all_scores} | {m.theme: m for m in (*passage.themes, *passage.overruled)}
            for key in item.themes - got:
                why = theme_engine.unhelped(passage, shown.get(key), themes, passages, titles)
                if why is not None:
                    shown[key] = replace(shown[key], matched=(*shown[key].matched, why))
            misses.append(Miss(item, got, tuple(shown.values())))
    distractors = sum(1 for item in items if not item.themes)
    calls = {}
    if articles.scope is not None:
        for item in items:
            if item.article is not None and item.scope in ("in", "out"):
                # An untitled article is named by its first passage.
                name = item.title or f"(no title) {item.text[:60]}{'...' if len(item.text) > 60 else ''}"
                calls.setdefault(item.article, ScopeCall(name, item.scope, f"a{item.article}" not in outside))
    return Report(path, len(items), sum(i.trap for i in items), counts, misses, distractors, languages, list(calls.values()),
                  scope is not None and not titles)


def evaluate(config_path: str | Path, labelled_path: str | Path) -> Report:
    """Score the themes of a config file against a labelled file."""
    config = load_config(config_path)
    items = load_labelled(labelled_path, [t.key for t in config.themes])
    return score(items, config.themes, str(labelled_path), config.scope)


def format_report(report: Report, verbose: bool = False) -> str:
    """A plain-text table of the figures; with `verbose`, every misclassified passage."""
    hit = report.traps_hit
    # The theme column as wide as the longest key ("shipping_attacks"), at least 10.
    width = max([10, *(len(k) for k in report.themes)])
    # Traps (`trap: true`) are only in files of lone passages: a count of none says nothing.
    traps = f"{report.traps} traps, {len(hit)} trap(s) given a wrong theme, " if report.traps else ""
    lines = [
        f"{report.path}: {report.passages} passages, {traps}"
        f"{len(report.distractors_hit)} of {report.distractors} distractors (no theme) given one",
        f"  {'theme':<{width}} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}",
    ]
    rows = [*report.themes.items(), ("micro", report.micro)]
    if KOREAN in report.languages:
        # Korean passages are read by other means (morphemes): their figures shown apart.
        rows += [(f"micro {lang}", s) for lang, s in sorted(report.languages.items())]
    for key, s in rows:
        # A figure with nothing to count (no passage given the theme, or none labelled with
        # it) is shown as such, not as a perfect 1.000.
        precision = f"{s.precision:>9.3f}" if s.tp + s.fp else f"{'-':>9}"
        recall = f"{s.recall:>7.3f}" if s.tp + s.fn else f"{'-':>7}"
        lines.append(f"  {key:<{width}} {precision} {recall} {s.f1:>6.3f} {s.tp:>4} {s.fp:>4} {s.fn:>4}")
    if report.unjudged:
        lines.append("  scope: not judged (a file of lone passages has no articles to judge: label articles for that)")
    if report.scope:
        labelled_in = [c for c in report.scope if c.labelled == "in"]
        labelled_out = [c for c in report.scope if c.labelled == "out"]
        lines.append(f"  scope: {sum(c.kept for c in labelled_in)} of {len(labelled_in)} articles labelled in kept, "
                     f"{sum(not c.kept for c in labelled_out)} of {len(labelled_out)} labelled out left out")
        if verbose:
            lines += [f"  - labelled {c.labelled}, {'kept' if c.kept else 'left out'} by the scope: {c.title}"
                      for c in report.scope if c.wrong]
    if verbose and report.misses:
        lines.append(f"  misclassified ({len(report.misses)}):")
        for miss in report.misses:
            flags = [f"+{k}" for k in sorted(miss.false_positives)] + [f"-{k}" for k in sorted(miss.false_negatives)]
            trap = " TRAP" if miss.item.trap else ""
            lines.append(f"  - [{' '.join(flags)}]{trap} {miss.item.text}")
            for m in miss.evidence:
                if m.theme in miss.false_positives | miss.false_negatives:
                    lines.append(f"      {m.theme} {m.score:.2f}: {', '.join(m.matched) or 'no evidence'}")
            if miss.item.note:
                lines.append(f"      note: {miss.item.note}")
    return "\n".join(lines)


def run_files(config: Config, files: Sequence[str | Path], *, verbose: bool = True, min_f1: float | None = None,
              out: TextIO | None = None, feedback: str | Path | None = None) -> int:
    """`briefgen themes test`: score the config's themes on each labelled file and print the
    reports; BELOW_TARGET when a file's micro-F1 is under `min_f1`. Raises LabelsError.
    `feedback`: a store (or YAML file) whose verdicts are applied as a brief applies them."""
    out = out or sys.stdout
    keys = [t.key for t in config.themes]
    status = ExitStatus.OK
    verdicts = load_feedback(feedback) if feedback is not None else []
    if feedback is not None:
        print(f"{feedback}: {len(verdicts)} verdict(s) of feedback applied", file=out)
    reports = []
    for n, path in enumerate(files):
        try:
            items = load_labelled(path, keys)
        except OSError as exc:
            raise LabelsError(f"{path}: cannot be read: {exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            raise LabelsError(f"{path}: not YAML: {' '.join(str(exc).split())}") from None
        except ValueError as exc:
            raise LabelsError(" ".join(str(exc).split())) from None
        report = score(items, config.themes, str(path), config.scope, verdicts)
        reports.append(report)
        if n:
            print(file=out)
        print(format_report(report, verbose), file=out)
        if min_f1 is not None and report.micro.f1 < min_f1:
            print(f"{path}: micro-F1 {report.micro.f1:.3f} is below the target {min_f1:.3f}", file=out)
            status = ExitStatus.BELOW_TARGET
    if len(reports) > 1:
        print(file=out)
        print(format_report(pooled(reports)), file=out)
    return status


def pooled(reports: Sequence[Report]) -> Report:
    """Several files' reports as one (their passages counted together)."""
    themes: dict[str, Scores] = {}
    languages: dict[str, Scores] = {}
    for report in reports:
        for key, s in report.themes.items():
            themes[key] = themes.get(key, Scores()) + s
        for key, s in report.languages.items():
            languages[key] = languages.get(key, Scores()) + s
    return Report(f"all {len(reports)} files", sum(r.passages for r in reports), sum(r.traps for r in reports), themes,
                  [m for r in reports for m in r.misses], sum(r.distractors for r in reports), languages,
                  [c for r in reports for c in r.scope])


def load_feedback(path: str | Path) -> list[Feedback]:
    """The verdicts in a store, or in a YAML list of {text, theme, verdict: is|not}; UsageError if unusable."""
    import sqlite3

    try:
        return feedback_mod.load(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (ValueError, yaml.YAMLError, sqlite3.DatabaseError) as exc:
        raise UsageError(f"{path}: no feedback: {' '.join(str(exc).split())}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefgen.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE", help="labelled YAML files to score")
    parser.add_argument("--config", default="sources.yaml", help="config whose themes are scored (default: sources.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misclassified passages and their evidence")
    parser.add_argument("--feedback", metavar="FILE_OR_STORE", help="apply the verdicts of this store (or YAML file)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return ExitStatus.CONFIG_ERROR
    keys = [t.key for t in config.themes]
    try:
        verdicts = load_feedback(args.feedback) if args.feedback else []
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return ExitStatus.USAGE
    for n, path in enumerate(args.files):
        try:
            items = load_labelled(path, keys)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            print(f"{path}: {exc}" if isinstance(exc, OSError) else exc, file=sys.stderr)
            return ExitStatus.USAGE
        if n:
            print()
        print(format_report(score(items, config.themes, path, config.scope, verdicts), args.verbose))
    return ExitStatus.OK


if __name__ == "__main__":
    sys.exit(main())
