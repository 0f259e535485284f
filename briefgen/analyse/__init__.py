"""Analyse stage: passages, theme assignment, de-duplication and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..config import Config
from ..models import Article, Passage, Story, SummaryPoint, ThemeSection
from . import passages as passages_mod
from . import stories as stories_mod
from . import summarise, themes


@dataclass
class Analysis:
    passages: list[Passage]
    themes: list[ThemeSection]
    other: list[Passage]
    bottom_line: list[SummaryPoint]
    stories: list[Story]


def analyse(articles: Sequence[Article], config: Config) -> Analysis:
    """Everything the brief says, derived from the articles in scope."""
    # The same report in several outlets is one story with all its sources.
    stories = stories_mod.cluster(articles)
    # Split every article into passages, in citation order.
    split = [p for article in articles for p in passages_mod.split(article)]
    # The same sentence in several articles is one passage citing all of them.
    passages, cited = passages_mod.dedupe(split)
    # Inside a story, near-verbatim repeats of a sentence fold into the first telling.
    passages, cited = stories_mod.merge_passages(passages, cited, stories)
    # Multi-label theme assignment, with the evidence kept for the appendix.
    themes.assign(passages, config.themes)
    # One TF-IDF space for the day serves centrality and redundancy checks.
    vectors = summarise.Vectors.build(passages)
    sections: list[ThemeSection] = []
    for theme in config.themes:
        members = [p for p in passages if p.match(theme.key)]
        points = summarise.select(members, vectors, config.brief.summary_points, theme.key, cited)
        sections.append(ThemeSection(theme.key, theme.label, points, members))
    unassigned = [p for p in passages if not p.themes]
    by_id = {p.id: p for p in passages}
    # "Other developments" shows the most central of the passages no theme claimed.
    other = [by_id[pt.passage_id] for pt in summarise.select(unassigned, vectors, config.brief.other_points, None, cited)]
    bottom = summarise.bottom_line({s.key: s.summary for s in sections}, by_id, vectors, config.brief.bottom_line)
    return Analysis(passages, sections, other, bottom, stories)
