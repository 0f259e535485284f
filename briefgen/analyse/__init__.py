"""Analyse stage: passages, theme assignment, de-duplication and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..config import Config
from ..models import (
    Article,
    Changes,
    EmergingTopic,
    Entity,
    Passage,
    PreviousBrief,
    Quote,
    Story,
    SummaryPoint,
    ThemeSection,
    TimelineEvent,
)
from . import changes as changes_mod
from . import emerging, entities, quotes, summarise, themes, timeline
from . import passages as passages_mod
from . import stories as stories_mod


@dataclass
class Analysis:
    passages: list[Passage]
    themes: list[ThemeSection]
    other: list[Passage]
    bottom_line: list[SummaryPoint]
    stories: list[Story]
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    changes: Changes | None = None
    emerging: list[EmergingTopic] = field(default_factory=list)


def analyse(articles: Sequence[Article], config: Config, previous: PreviousBrief | None = None) -> Analysis:
    """Everything the brief says, derived from the articles in scope (and the previous brief, if any)."""
    # The same report in several outlets is one story with all its sources.
    stories = stories_mod.cluster(articles)
    # Split every article into passages, in citation order.
    split = [p for article in articles for p in passages_mod.split(article)]
    # The same sentence in several articles is one passage citing all of them.
    passages, cited = passages_mod.dedupe(split)
    # Inside a story, near-verbatim repeats of a sentence fold into the first telling.
    passages, cited = stories_mod.merge_passages(passages, cited, stories)
    kept = _kept(split, passages)
    # Multi-label theme assignment, with the evidence kept for the appendix.
    themes.assign(passages, config.themes)
    # One TF-IDF space for the day serves centrality and redundancy checks.
    vectors = summarise.Vectors.build(passages)
    sections: list[ThemeSection] = []
    labels = {a.id: a.source_type for a in articles}
    for theme in config.themes:
        members = [p for p in passages if p.match(theme.key)]
        points = summarise.select(members, vectors, config.brief.summary_points, theme.key, cited)
        # A theme told only by state media must say so: the analyst weighs it differently.
        state_only = bool(points) and all(labels.get(s) == "state media" for p in points for s in p.source_ids)
        sections.append(ThemeSection(theme.key, theme.label, points, members, state_only))
    unassigned = [p for p in passages if not p.themes]
    by_id = {p.id: p for p in passages}
    # "Other developments" shows the most central of the passages no theme claimed.
    other = [by_id[pt.passage_id] for pt in summarise.select(unassigned, vectors, config.brief.other_points, None, cited)]
    bottom = summarise.bottom_line({s.key: s.summary for s in sections}, by_id, vectors, config.brief.bottom_line)
    # People, organisations, places: the gazetteer's names and capitalised names, aliases merged.
    mentions = entities.recognise(articles, split, config.entities)
    found = entities.collect(mentions, kept, by_id, cited)
    # Key quotes, with the speaker the text names (never a guess).
    said = quotes.select(quotes.extract(articles, split, mentions, kept, cited), found, config.brief.quotes)
    # Dated events, resolved against each article's anchor where it has one.
    events = timeline.extract(articles, passages, cited, config.brief.timeline_events)
    # What changed since the previous brief.
    change = changes_mod.compare(sections, previous)
    # Emerging topics: clusters of the passages no theme claimed.
    topics = emerging.find(unassigned, cited, config.brief)
    return Analysis(passages, sections, other, bottom, stories, said, found, events, change, topics)


def _kept(split: Sequence[Passage], passages: Sequence[Passage]) -> dict[str, str | None]:
    """Every split passage's id -> the id of the passage that stands for its sentence after
    de-duplication, or None when a story folded it into a near-verbatim twin (which tells it)."""
    first = {passages_mod.fingerprint(p.text): p.id for p in passages}
    return {p.id: first.get(passages_mod.fingerprint(p.text)) for p in split}
