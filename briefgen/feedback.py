"""`briefgen feedback`: record, list and remove the analyst's verdicts on passages.

A passage is named by the id the brief prints (the appendix's Passage column, the JSON's
`themes[].passages[].id` and `other[].id`): `<article id>-<n>`, the article's n-th passage
in reading order. The sentence is looked up in the store and kept with the verdict, so
the verdict outlives the article; the next brief applies it (see analyse.feedback)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .analyse.feedback import vetoed
from .analyse.passages import fingerprint, split
from .config import Config, ThemeConfig
from .errors import UsageError
from .models import Article, Feedback, Passage
from .store import Store, default_path, exists, open_store

# How much of a sentence a table row shows.
EXCERPT = 72
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


@dataclass(frozen=True)
class Recorded:
    """A verdict just kept, and what the user should know about it."""

    record: Feedback
    label: str
    # The verdict it replaced (the same sentence and theme), if any.
    replaced: Feedback | None
    # The `exclude` phrase that vetoes the sentence for the theme: an `is` that cannot apply.
    vetoed_by: str | None

    def lines(self) -> list[str]:
        r, before = self.record, self.replaced
        verb = "recorded" if before is None else "recorded again" if before.belongs == r.belongs else \
            f"changed from {before.verdict!r}"
        where = f" (brief of {r.brief_date})" if r.brief_date else ""
        return [f"#{r.number} {verb}: passage {r.passage_id}{where} is {'' if r.belongs else 'not '}in {self.label}",
                f"  {r.text}"]

    @property
    def warning(self) -> str | None:
        if self.vetoed_by is None:
            return None
        return (f"#{self.record.number}: the exclude {self.vetoed_by!r} of {self.label} vetoes this sentence: "
                "the verdict is kept, but an exclude wins (remove the exclude, or the verdict with --remove)")


def run(config: Config, passage_id: str | None, theme: str | None, verdict: str | None, *, listing: bool = False,
        remove: int | None = None, day: date | None = None, out_dir: Path | None = None) -> tuple[list[str], str | None]:
    """What `briefgen feedback` does with its arguments: the lines to print, and a warning if any."""
    if listing and not passage_id:
        return list_lines(config, out_dir, theme), None
    if remove is not None and not passage_id:
        return [removed(forget(config, remove, out_dir))], None
    if passage_id and theme and verdict:
        done = record(config, passage_id, theme, verdict == "is", day=day, out_dir=out_dir)
        return done.lines(), done.warning
    raise UsageError("feedback: give PASSAGE_ID --theme KEY and --is or --not, or --list, or --remove N; "
                     "see `briefgen feedback --help`")


def record(config: Config, passage_id: str, theme: str, belongs: bool, *,
           day: date | None = None, out_dir: Path | None = None) -> Recorded:
    """Keep the verdict that passage `passage_id` (of the brief of `day`, else of the
    newest brief that has its article) is, or is not, in `theme`."""
    chosen = _theme(config, theme)
    with _open(config, out_dir) as store:
        passage, day = find_passage(store, passage_id, day)
        verdict = Feedback(theme, passage.text, belongs, passage_id=passage.id, brief_date=day,
                           recorded=datetime.now(UTC).replace(microsecond=0))
        saved, replaced = store.record_feedback(verdict, fingerprint(passage.text))
    return Recorded(saved, chosen.label, replaced, vetoed(passage.text, chosen) if belongs else None)


def find_passage(store: Store, passage_id: str, day: date | None = None) -> tuple[Passage, date]:
    """The passage a brief printed as `passage_id`, and that brief's date (`day`, or the
    newest brief with its article); UsageError, naming what is missing, if there is none."""
    # As copied from the brief: a PDF may break the id over lines or print its hyphen as another dash.
    passage_id = "".join(passage_id.split()).replace("\u00ad", "").translate(DASHES)
    article_id, dash, number = passage_id.rpartition("-")
    if not dash or not article_id or not number.isdigit() or int(number) < 1:
        raise UsageError(f"{passage_id!r} is not a passage id: copy one from the Passage column of the "
                         "brief's appendix (like ab1e7d1ce27e-4)")
    if day is not None and not store.has_brief(day):
        raise UsageError(f"no brief for {day} in the store {store.path}: give the date of the brief "
                         "the passage is from (and --out if it was written elsewhere)")
    dates = store.briefs_with(article_id)
    if day is not None and day not in dates:
        raise UsageError(f"unknown passage {passage_id}: the brief of {day} has no article {article_id}")
    if not dates:
        raise UsageError(f"unknown passage {passage_id}: no brief in the store {store.path} has an article "
                         f"{article_id} (give --out for a brief written elsewhere)")
    text = store.article_text(article_id)
    if text is None:
        raise UsageError(f"unknown passage {passage_id}: article {article_id} is no longer in the store")
    passages = split(Article(id=article_id, source="", title="", text=text))
    if int(number) > len(passages):
        raise UsageError(f"unknown passage {passage_id}: article {article_id} has {len(passages)} passages")
    return passages[int(number) - 1], day or dates[0]


def list_lines(config: Config, out_dir: Path | None = None, theme: str | None = None) -> list[str]:
    """A plain table of the verdicts kept (or one theme's), each with whether it applies."""
    if theme is not None:
        _theme(config, theme)
    path = default_path(config, out_dir)
    records: list[Feedback] = []
    if exists(path):
        with open_store(config, out_dir) as store:
            records = store.feedback_records(theme)
    if not records:
        return [f"no feedback recorded{f' for {theme}' if theme else ''} in {path}: "
                "`briefgen feedback PASSAGE_ID --theme KEY --is` (or --not) records some"]
    return table(records, config.themes)


def table(records: Sequence[Feedback], themes: Sequence[ThemeConfig]) -> list[str]:
    """#, date recorded, theme, verdict, passage id, whether it applies, and the sentence."""
    configs = {t.key: t for t in themes}
    head = ["#", "recorded", "theme", "verdict", "passage", "applies"]
    rows = [head]
    texts = ["sentence"]
    for r in records:
        rows.append([str(r.number), f"{r.recorded:%Y-%m-%d}" if r.recorded else "-", r.theme, r.verdict,
                     r.passage_id or "-", status(r, configs.get(r.theme))])
        texts.append(r.text if len(r.text) <= EXCERPT else r.text[: EXCERPT - 1].rstrip() + "…")
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return ["  ".join([*(c.rjust(w) if i == 0 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))),
                       text]).rstrip() for row, text in zip(rows, texts, strict=True)]


def status(record: Feedback, theme: ThemeConfig | None) -> str:
    """Whether a verdict applies to the next brief, in words: `yes`, or why not."""
    if theme is None:
        return "no: no such theme in the config"
    phrase = vetoed(record.text, theme) if record.belongs else None
    return f"no: vetoed by exclude {phrase!r}" if phrase else "yes"


def forget(config: Config, number: int, out_dir: Path | None = None) -> Feedback:
    """Forget verdict `number`; UsageError if there is none."""
    path = default_path(config, out_dir)
    gone = None
    if exists(path):
        with open_store(config, out_dir) as store:
            gone = store.remove_feedback(number)
    if gone is None:
        raise UsageError(f"no feedback #{number} in {path}: `briefgen feedback --list` shows the numbers")
    return gone


def _theme(config: Config, key: str) -> ThemeConfig:
    chosen = next((t for t in config.themes if t.key == key), None)
    if chosen is None:
        known = ", ".join(t.key for t in config.themes) or "none"
        raise UsageError(f"unknown theme {key!r}: the config's themes are {known}")
    return chosen


def _open(config: Config, out_dir: Path | None) -> Store:
    path = default_path(config, out_dir)
    if not exists(path):
        raise UsageError(f"no store at {path}: `briefgen generate` writes a brief (and its store) first; "
                         "give --out for a brief written elsewhere")
    return open_store(config, out_dir)


def removed(record: Feedback) -> str:
    """The line that confirms a verdict was forgotten."""
    return f"#{record.number} removed: passage {record.passage_id or '-'} is {'' if record.belongs else 'not '}in {record.theme}"
