"""The body of the brief from its stories: the bottom line, each theme's stories and
points, and other developments, with no sentence printed twice.

Sections are filled in reading order (bottom line, then themes in config order, then other
developments) against one record of what is already printed: a story already in the bottom
line appears in its theme sections by its headline only, and a sentence printed once is
never chosen again. Every printed sentence stands alone (see `leads.standalone`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..config import BriefConfig, ThemeConfig
from ..models import Passage, Quote, Story, SummaryPoint, ThemeSection, ThemeStory, TimelineEvent
from . import leads, summarise
from .passages import fingerprint

# Most extra points one story gives a theme section beyond its lead.
POINTS_PER_STORY = 2
# Within one story, a sentence this similar to one already printed retells it (another
# outlet's wording of the lead): it adds nothing.
RETELLS = 0.3


@dataclass
class Printed:
    """What the body has printed so far: sentences (by fingerprint) and where each passage is."""

    texts: set[str] = field(default_factory=set)
    # passage id -> the story whose entry printed it
    passages: dict[str, str | None] = field(default_factory=dict)
    # story id -> the passages printed for it, in order
    by_story: dict[str, list[str]] = field(default_factory=dict)

    def has(self, shown: Sequence[Passage]) -> bool:
        return any(fingerprint(p.text) in self.texts for p in shown)

    def add(self, shown: Sequence[Passage], story: str | None) -> None:
        for passage in shown:
            self.texts.add(fingerprint(passage.text))
            self.passages.setdefault(passage.id, story)
            if story is not None:
                self.by_story.setdefault(story, []).append(passage.id)


@dataclass
class Body:
    bottom_line: list[SummaryPoint]
    sections: list[ThemeSection]
    other: list[Passage]
    printed: Printed


def compose(
    stories: Sequence[Story],
    passages: Sequence[Passage],
    split: Sequence[Passage],
    cited: dict[str, tuple[str, ...]],
    vectors: summarise.Vectors,
    themes: Sequence[ThemeConfig],
    brief: BriefConfig,
    labels: dict[str, str | None],
    today=None,  # type: ignore[no-untyped-def]
) -> Body:
    """The bottom line, the theme sections and other developments, each sentence once."""
    by_id = {p.id: p for p in passages}
    for passage in split:
        by_id.setdefault(passage.id, passage)
    before = {(p.article_id, p.index): p for p in split}
    story_of = {a: s for s in stories for a in s.article_ids}
    printed = Printed()
    # Headlines are printed (in the bottom line or a section): an untitled file's first
    # sentence, as a headline, is not printed again as a point.
    printed.texts.update(fingerprint(s.headline) for s in stories)

    def point(shown: Sequence[Passage], story: Story | None, score: float, sources: Sequence[str] | None = None) -> SummaryPoint:
        main = shown[-1]
        ids = tuple(sources) if sources is not None else cited.get(main.id, (main.article_id,))
        return SummaryPoint(
            " ".join(p.text for p in shown), ids, main.id, round(score, 4),
            tuple(m.theme for m in main.themes), story.id if story else None, tuple(p.id for p in shown[:-1]),
        )

    def alone(passage: Passage) -> tuple[Passage, ...] | None:
        shown = leads.standalone(passage, before.get((passage.article_id, passage.index - 1)))
        # (A question or a fragment is no point: what it asks or continues is not printed.)
        if shown is None or printed.has(shown) or any(leads.background(p.text, today) or leads.no_lead(p.text) for p in shown):
            return None
        return shown

    # Bottom line: the day's most important stories, distinct, each by its lead.
    bottom: list[SummaryPoint] = []
    in_bottom: dict[str, int] = {}
    leads_shown: list[str] = []
    for story in stories:
        if len(bottom) >= brief.bottom_line:
            break
        if story.stale or not story.lead or not story.themes:
            continue
        shown = [by_id[pid] for pid in story.lead if pid in by_id]
        if not shown or printed.has(shown):
            continue
        if _closest(vectors, shown[-1].id, leads_shown) >= summarise.REDUNDANT:
            continue
        leads_shown.append(shown[-1].id)
        bottom.append(point(shown, story, story.score, story.article_ids))
        printed.add(shown, story.id)
        in_bottom[story.id] = len(bottom)

    # Theme sections: their stories in rank order, the lead of each not yet told, then
    # what else it says on the theme, up to `summary_points` sentences a section.
    tells: dict[str, set[str]] = {}
    for passage in passages:
        carriers = cited.get(passage.id, (passage.article_id,))
        tells[passage.id] = {story_of[a].id for a in carriers if a in story_of}
    sections = []
    for theme in themes:
        members = [p for p in passages if p.match(theme.key)]
        by_story: dict[str, list[Passage]] = {}
        for passage in members:
            for story_id in tells[passage.id]:
                by_story.setdefault(story_id, []).append(passage)
        entries: list[ThemeStory] = []
        summary: list[SummaryPoint] = []
        chosen = [s for s in stories if theme.key in s.themes][: brief.stories_per_theme]
        for story in chosen:
            lead_point = None
            if story.id not in in_bottom and not story.stale and story.lead:
                shown = [by_id[pid] for pid in story.lead if pid in by_id]
                if shown and not printed.has(shown) and len(summary) < brief.summary_points:
                    lead_point = point(shown, story, story.score, story.article_ids)
                    printed.add(shown, story.id)
                    summary.append(lead_point)
            extra: list[SummaryPoint] = []
            if not story.stale:
                own = by_story.get(story.id, [])
                for candidate in summarise.select(own, vectors, 4 * POINTS_PER_STORY, theme.key, cited):
                    if len(extra) >= POINTS_PER_STORY or len(summary) >= brief.summary_points:
                        break
                    shown = alone(by_id[candidate.passage_id])
                    if shown is None or _closest(vectors, shown[-1].id, printed.by_story.get(story.id, [])) >= RETELLS:
                        continue
                    made = point(shown, story, candidate.score)
                    printed.add(shown, story.id)
                    extra.append(made)
                    summary.append(made)
            entries.append(ThemeStory(story.id, in_bottom.get(story.id), lead_point, tuple(extra)))
        # A theme told only by state media must say so: the analyst weighs it differently.
        told = [a for story in chosen for a in story.article_ids]
        state_only = bool(told) and all(labels.get(a) == "state media" for a in told)
        sections.append(ThemeSection(theme.key, theme.label, summary, members, state_only, entries))

    # Other developments: the most central passages no theme claimed, standing alone.
    unassigned = [p for p in passages if not p.themes]
    other: list[Passage] = []
    for candidate in summarise.select(unassigned, vectors, brief.other_points * 4, None, cited):
        if len(other) >= brief.other_points:
            break
        shown = alone(by_id[candidate.passage_id])
        if shown is None or len(shown) > 1:
            continue
        story = story_of.get(shown[0].article_id)
        printed.add(shown, story.id if story else None)
        other.append(shown[0])
    return Body(bottom, sections, other, printed)


def _closest(vectors: summarise.Vectors, passage_id: str, others: Sequence[str]) -> float:
    """The passage's highest TF-IDF similarity to any of `others` (0 when there is none to compare)."""
    rows = [vectors.index[t] for t in others if t in vectors.index]
    row = vectors.index.get(passage_id)
    if row is None or not rows or vectors.matrix is None:
        return 0.0
    return float(np.max((vectors.matrix[rows] @ vectors.matrix[row].T).toarray()))


def link_back(
    said: Sequence[Quote], events: Sequence[TimelineEvent], printed: Printed, stories: Sequence[Story]
) -> tuple[list[Quote], list[TimelineEvent]]:
    """Quotes and timeline events with their story, marked `printed` when their sentence
    is printed already: the brief then links to it rather than repeating it."""
    story_of = {a: s.id for s in stories for a in s.article_ids}

    def story(passage_ids: Sequence[str], sources: Sequence[str]) -> str | None:
        for pid in passage_ids:
            if printed.passages.get(pid):
                return printed.passages[pid]
        return next((story_of[a] for a in sources if a in story_of), None)

    quotes = [
        replace(q, story=story(q.passage_ids, q.source_ids), printed=any(pid in printed.passages for pid in q.passage_ids))
        for q in said
    ]
    timeline = []
    seen: set[str] = set()
    for event in events:
        # Printed when its sentence is, or the one before it that it is shown with.
        again = any(pid in printed.passages for pid in (event.passage_id, *event.context_passage_ids)) \
            or fingerprint(event.text) in seen
        seen.add(fingerprint(event.text))
        timeline.append(replace(event, story=story((event.passage_id,), event.source_ids), printed=again))
    return quotes, timeline
