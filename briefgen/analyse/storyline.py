"""What each story is: its headline and lead, its themes and dates, the earlier brief's
story it continues, and its rank among the day's stories.

Rank weighs what an analyst weighs: corroboration (distinct outlets), recency within the
window, novelty against earlier briefs (new, updated, or seen and not updated), and how
strongly the story is about the brief's themes."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from ..models import Article, Passage, Story, StoryLink, StoryRecord, Window
from . import leads
from .passages import fingerprint

# A story has a theme when its lead does, or when this many of its passages do.
THEME_PASSAGES = 2
# How similar (headline and lead, TF-IDF cosine) a story must be to an earlier brief's to continue it.
CONTINUES = 0.5
# Weight of each signal in a story's score.
CORROBORATION, RECENCY, NOVELTY, THEMES = 1.0, 0.5, 1.0, 1.0


def describe(
    stories: Sequence[Story],
    articles: Sequence[Article],
    passages: Sequence[Passage],
    today: date | None,
    told_before: frozenset[str] = frozenset(),
) -> list[Story]:
    """Each story with its headline, lead, themes and dates filled in. A story that
    continues an earlier one takes its headline and lead from the articles that are not
    in `told_before` (those earlier briefs had), when it has any."""
    by_id = {a.id: a for a in articles}
    of_article: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        of_article[passage.article_id].append(passage)
    out = []
    for story in stories:
        members = [by_id[a] for a in story.article_ids]
        # A story that continues an earlier brief's is told by what is new in it.
        fresh = [a for a in members if story.continues is None or a.id not in told_before]
        main = _representative(fresh or members, of_article)
        headline = _headline(main, of_article[main.id])
        shown = leads.choose_lead(of_article[main.id], headline, today)
        lead_text = " ".join(p.text for p in shown)
        told = [p for a in story.article_ids for p in of_article[a]]
        counts: dict[str, int] = defaultdict(int)
        for passage in told:
            for match in passage.themes:
                counts[match.theme] += 1
        # The headline and lead say what a story is about; so does enough of the rest.
        head = fingerprint(headline)
        shown_ids = {p.id for p in shown}
        lead_themes = {m.theme for p in told if p.id in shown_ids or fingerprint(p.text) == head for m in p.themes}
        enough = min(THEME_PASSAGES, len(told))
        themes = tuple(k for k in counts if k in lead_themes or counts[k] >= enough)
        published = [a.published for a in members if a.published is not None]
        seen = [a.first_seen for a in members if a.first_seen is not None]
        out.append(
            replace(
                story,
                headline=headline,
                lead=tuple(p.id for p in shown),
                lead_text=lead_text,
                main_article=main.id,
                published=min(published) if published else None,
                first_seen=min(seen) if seen else None,
                themes=themes,
            )
        )
    return out


def _representative(members: Sequence[Article], of_article: dict[str, list[Passage]]) -> Article:
    """The article that tells the story best: a real title, the most themed passages, then the longest."""
    def weight(article: Article) -> tuple[int, int, int]:
        told = of_article.get(article.id, [])
        return (int(bool(article.title.strip())), sum(1 for p in told if p.themes), len(told))

    return max(members, key=weight)


def _headline(article: Article, told: Sequence[Passage]) -> str:
    """The article's title; for an untitled file (whose title is a file name) or a wire slug in
    capitals ("NORTH KOREA / RUSSIA (L-ONLY)", which says nothing of the event), its first sentence."""
    title = article.title.strip()
    if title and not re.fullmatch(r"[\w.-]+\.(?:txt|md|markdown|html?)", title) and not (
            title.isupper() and len(title.split()) > 1 and told):
        return title
    return told[0].text if told else (article.path or article.id)


def told(earlier: Sequence[StoryRecord]) -> frozenset[str]:
    """Every article an earlier brief's story had."""
    return frozenset(a for r in earlier for a in r.article_ids)


def link(stories: Sequence[Story], earlier: Sequence[StoryRecord], today: date) -> list[Story]:
    """Each story with the earlier brief's story it continues, if any: one sharing an
    article, else the most similar by headline and lead. Updated when it has an article
    no earlier brief of that story had."""
    if not earlier:
        return list(stories)
    from .similar import most_similar

    # Only the best earlier story of each is needed, and only when it reaches CONTINUES:
    # the pairs that cannot are never computed (two weeks of earlier stories are thousands).
    similar = most_similar([f"{s.headline} {s.lead_text}" for s in stories], [f"{r.headline} {r.lead}" for r in earlier], CONTINUES)
    # Earlier stories by article and by id (two weeks of them can be thousands): looked up,
    # never scanned, for each of today's.
    by_article: dict[str, list[int]] = defaultdict(list)
    by_id: dict[str, list[int]] = defaultdict(list)
    for n, record in enumerate(earlier):
        by_id[record.id].append(n)
        for article in dict.fromkeys(record.article_ids):
            by_article[article].append(n)
    out = []
    for n, story in enumerate(stories):
        sharing = sorted({k for a in story.article_ids for k in by_article.get(a, ())})
        match: StoryRecord | None = earlier[sharing[0]] if sharing else None
        if match is None and similar[n] is not None:
            match = earlier[similar[n][0]]
        if match is None:
            out.append(story)
            continue
        # Every article any earlier brief had under this story (same id, or chained ones).
        same = by_id.get(match.id, [])
        told = {a for k in {*same, *sharing} for a in earlier[k].article_ids}
        updated = any(a not in told for a in story.article_ids)
        first = min([earlier[k].first_reported for k in same] + [match.first_reported])
        continued = StoryLink(match.date, match.id, first, (today - first).days + 1, updated)
        out.append(replace(story, continues=continued))
    return out


def rank(stories: Sequence[Story], passages: Sequence[Passage], window: Window | None, weights: dict[str, float]) -> list[Story]:
    """The stories, most important first, each with its rank and score."""
    strength: dict[str, float] = defaultdict(float)
    story_of = {a: s.id for s in stories for a in s.article_ids}
    for passage in passages:
        story = story_of.get(passage.article_id)
        if story is not None and passage.themes:
            strength[story] += max(weights.get(m.theme, 1.0) for m in passage.themes)
    scored = []
    for order, story in enumerate(stories):
        corroboration = math.log2(1 + story.reported_by)
        recency = _recency(story.published or story.first_seen, window)
        if story.continues is None:
            novelty = 1.0
        elif story.continues.updated:
            novelty = 0.6
        else:
            novelty = 0.0
        themed = math.log1p(strength.get(story.id, 0.0)) / math.log1p(10) if story.themes else 0.0
        score = CORROBORATION * corroboration + RECENCY * recency + NOVELTY * novelty + THEMES * min(themed, 1.5)
        scored.append((score, order, story))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [replace(story, rank=n, score=round(score, 4)) for n, (score, _order, story) in enumerate(scored, start=1)]


def _recency(moment: datetime | None, window: Window | None) -> float:
    """1.0 at the window's end, 0.0 at its start; 0.5 when either is unknown."""
    if moment is None or window is None or window.start is None:
        return 0.5
    span = (window.end - window.start).total_seconds()
    if span <= 0:
        return 0.5
    return max(0.0, min(1.0, 1.0 - (window.end - moment).total_seconds() / span))
