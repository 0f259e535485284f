"""Analyse stage: passages, theme assignment, de-duplication and summaries."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from .. import collector
from ..config import Config
from ..language import KOREAN
from ..models import (
    Article,
    Changes,
    EmergingTopic,
    Entity,
    Feedback,
    Passage,
    PreviousBrief,
    Quote,
    Story,
    StoryRecord,
    SummaryPoint,
    ThemeSection,
    TimelineEvent,
    Window,
)
from ..models.brief import (
    SECTION_CHANGES,
    SECTION_CONTINUITY,
    SECTION_EMERGING,
    SECTION_LINKS,
    SECTION_NAMES,
    SECTION_NAMES_QUOTES_TIMELINE,
    SECTION_QUOTES,
)
from ..sanitise import printable
from . import body as body_mod
from . import changes as changes_mod
from . import emerging, events, korean, merging, perarticle, quotes, storyline, summarise, themes
from . import feedback as feedback_mod
from . import passages as passages_mod
from . import stories as stories_mod

log = logging.getLogger(__name__)
T = TypeVar("T")


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
    # Articles the scope left out: they reach no theme.
    out_of_scope: list[str] = field(default_factory=list)
    # Sections that could not be built (a bug in one): their label -> the error, in one line.
    # The brief is written without them and says so.
    failed_sections: dict[str, str] = field(default_factory=dict)
    # Seconds spent in each stage, for `--debug` and the benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


def analyse(
    articles: Sequence[Article],
    config: Config,
    previous: PreviousBrief | None = None,
    spans: passages_mod.SpanCache | None = None,
    *,
    day: date | None = None,
    window: Window | None = None,
    earlier: Sequence[StoryRecord] = (),
    feedback: Sequence[Feedback] = (),
) -> Analysis:
    """Everything the brief says, derived from the articles in scope (and the previous brief, if any).

    `spans` (the store) keeps where each article's sentences are, so an article seen in an
    earlier run is not split again. `earlier`: the stories of earlier briefs, newest first,
    which today's stories may continue. `feedback`: the analyst's verdicts on passages,
    which correct the theme rules (see analyse.feedback)."""
    # (The cycle collector off: about a fifth of the time at 10,000 articles went to it.)
    with collector.paused():
        try:
            return _analyse(articles, config, previous, spans, day, window, earlier, feedback)
        finally:
            passages_mod.fingerprint.cache_clear()
            # (The Korean texts' morpheme bounds the theme workers sent for the reading.)
            korean.forget()


def _analyse(
    articles: Sequence[Article],
    config: Config,
    previous: PreviousBrief | None,
    spans: passages_mod.SpanCache | None,
    day: date | None,
    window: Window | None,
    earlier: Sequence[StoryRecord],
    feedback: Sequence[Feedback] = (),
) -> Analysis:
    lap = _Laps()
    # Split every article into passages, in citation order; each article's word 3-grams
    # (what stories are found by) are hashed on the same workers meanwhile.
    split, grams = passages_mod.split_beside(articles, spans, stories_mod.packed_shingles)
    titles = {a.id: a.title for a in articles}
    # Theme terms are a function of each text alone: their matching starts now, on workers
    # for a large day, while the stories are found.
    evidence = themes.TermEvidence([*(p.text for p in split), *(t for t in titles.values() if t.strip())], config.themes,
                                   (p.text for p in split if p.language == KOREAN), config.scope)
    lap("passages")
    # The same report in several outlets is one story with all its sources; so is one
    # event told in other words.
    found = stories_mod.cluster(articles, stories_mod.unpacked(grams))
    del grams  # (held no longer than needed: the day's peak memory comes later)
    stories = events.join(found, articles, split, config.entities)
    lap("stories")
    # The same sentence in several articles is one passage citing all of them.
    prints = {p.id: passages_mod.fingerprint(p.text) for p in split}
    passages, cited = passages_mod.dedupe(split, prints)
    # Inside a story, near-verbatim repeats of a sentence fold into the first telling.
    passages, cited = stories_mod.merge_passages(passages, cited, stories)
    kept = _kept(split, passages, prints)
    lap("dedupe")
    # Multi-label theme assignment, with the evidence kept for the appendix.
    # Each passage is judged with its article (title, neighbours) and the brief's scope.
    assignment = themes.begin(passages, config.themes, themes.Articles(titles, config.scope), evidence)
    # One TF-IDF space for the day serves centrality and redundancy checks (built while
    # workers, if any, match theme terms).
    vectors = summarise.Vectors.build(passages)
    # People, organisations, places (the gazetteer's names and capitalised names, aliases
    # merged), quotations with their speakers, and dated events resolved against each
    # article's anchor: read article by article, on workers for a large day (forked once the
    # theme terms' workers are done), while this process weighs each passage in its
    # article and tells the stories.
    evidence.wait()
    # (The scope is judged first: an article outside it gives no name, quote or date.)
    out_of_scope = assignment.left_out()
    reading = perarticle.Begun(articles, split, passages, config.entities, kept, cited, config.brief.timeline_events,
                               frozenset(out_of_scope))
    assignment.finish()
    # (The term evidence of every text of the day, not needed again: held no longer, as the
    # reading's results come in.)
    del assignment, evidence
    # The analyst's feedback corrects the rules (never an `exclude` nor the scope).
    feedback_mod.apply(passages, config.themes, feedback, prints, vectors, out_of_scope)
    lap("themes")
    # Stories: headline and lead, themes, the earlier brief's story each continues, rank.
    stories = storyline.describe(stories, articles, split, day)
    # Sections a bug in them costs the brief, not the brief itself (see `_Guard`).
    failed: dict[str, str] = {}
    guard = _Guard(failed)
    if day is not None and earlier:
        # A continuing story is told by what is new in it: describe it again from those articles.
        # (Read from the store's earlier briefs: should that fail, today's stories are told as
        # if none continued, and "What changed", which would call them all new, is left out.)
        stories = guard(SECTION_CONTINUITY, lambda: _continued(stories, earlier, articles, split, day), stories)
    stories = storyline.rank(stories, passages, window, {t.key: t.weight for t in config.themes})
    lap("stories")
    # The body: bottom line, theme sections and other developments, no sentence twice.
    labels = {a.id: a.source_type for a in articles}
    # The brief is about its scope: an article outside it (counted, and listed in the JSON)
    # gives no other development or emerging topic either (nor, in the reading above, a name,
    # a quote or a date), unless an article in scope carried the same sentence.
    inside = passages if not out_of_scope else [
        p for p in passages if not out_of_scope.issuperset(cited.get(p.id, (p.article_id,)))]
    body = body_mod.compose(stories, inside, split, cited, vectors, config.themes, config.brief, labels, day)
    sections, other, bottom = body.sections, body.other, body.bottom_line
    del vectors  # (the day's TF-IDF space: emerging topics build their own)
    by_id = {p.id: p for p in passages}
    lap("summaries")
    # The sections below the body are each built on their own: a bug in one costs the brief
    # that section (said in the brief and the log), never the brief.
    # (What is left of reading the articles once the stories are told: names, quotations and
    # dates of every article; on workers for a large day, so mostly waited for here.)
    read = guard(SECTION_NAMES_QUOTES_TIMELINE, reading.results, perarticle.Read({}, [], []))
    lap("per-article")
    found = guard(SECTION_NAMES, lambda: merging.collect(read.mentions, kept, by_id, cited), [])
    lap("entities")
    # Key quotes, with the speaker the text names (never a guess).
    said = guard(SECTION_QUOTES, lambda: quotes.select(read.quotes, found, config.brief.quotes, stories), [])
    lap("quotes")
    events_found = read.events
    # Quotes and timeline events whose sentence the body prints link to it instead.
    said, events_found = guard(SECTION_LINKS, lambda: body_mod.link_back(said, events_found, body.printed, stories),
                               (said, events_found))
    # What changed since the previous brief: stories new, updated and gone quiet.
    change = None if SECTION_CONTINUITY in failed else guard(
        SECTION_CHANGES, lambda: changes_mod.compare(sections, previous, stories, earlier), None)
    lap("changes")
    # Emerging topics: clusters of the passages no theme claimed.
    unassigned = [p for p in inside if not p.themes]
    topics = guard(SECTION_EMERGING, lambda: emerging.find(unassigned, cited, config.brief, body.printed.passages,
                                                                      read.mentions, day), [])
    lap("emerging")
    log.debug("analysed %d articles, %d passages: %s", len(articles), len(passages), lap)
    left_out = [a.id for a in articles if a.id in out_of_scope]
    return Analysis(passages, sections, other, bottom, stories, said, found, events_found, change, topics, left_out,
                    failed, lap.times)


def _continued(stories: list[Story], earlier: Sequence[StoryRecord], articles: Sequence[Article],
               split: Sequence[Passage], day: date) -> list[Story]:
    """Today's stories, each linked to the earlier brief's story it continues, and told again
    from its new articles (one with none of them is told as it was)."""
    stories = storyline.link(stories, earlier, day)
    told = storyline.told(earlier)
    continuing = [s for s in stories if s.continues is not None and not told.isdisjoint(s.article_ids)]
    again = {s.id: s for s in storyline.describe(continuing, articles, split, day, told)}
    return [again.get(s.id, s) for s in stories]


class _Guard:
    """Runs one section's step; on an error, logs it, notes the section as failed and gives
    the section's empty value instead (the rest of the brief is unaffected)."""

    def __init__(self, failed: dict[str, str]) -> None:
        self.failed = failed

    def __call__(self, section: str, step: Callable[[], T], empty: T) -> T:
        try:
            return step()
        except Exception as error:  # noqa: BLE001 - any bug in one section; the brief goes on
            # (The error may quote an article: one printable line.)
            why = printable(f"{type(error).__name__}: {error}".splitlines()[0])[:200]
            self.failed.setdefault(section, why)
            log.error("%s: could not be built (%s); the brief is written without it", section, why,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            return empty


class _Laps:
    """The seconds each stage of one analysis took, stage by stage."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] = self.times.get(stage, 0.0) + now - self._last
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in self.times.items())


def _kept(split: Sequence[Passage], passages: Sequence[Passage], prints: dict[str, str]) -> dict[str, str | None]:
    """Every split passage's id -> the id of the passage that stands for its sentence after
    de-duplication, or None when a story folded it into a near-verbatim twin (which tells it)."""
    first = {prints[p.id]: p.id for p in passages}
    return {p.id: first.get(prints[p.id]) for p in split}
