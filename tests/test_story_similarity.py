"""Story continuity reads the sparse product of today's stories and two weeks of earlier
ones (`similar.most_similar`) instead of the whole dense grid. The links must be
exactly those of the whole grid: here the whole grid is computed the straightforward way
(every pair, row by row argmax) over several days of stories that continue, re-word,
repeat and wander off, and both must pick the same earlier story with the same number."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from briefgen.analyse import storyline
from briefgen.analyse.changes import _similarity
from briefgen.analyse.passages import fingerprint
from briefgen.analyse.similar import most_similar
from briefgen.models import Story, StoryLink, StoryRecord

PLACES = ["Pyongyang", "Seoul", "Tokyo", "Vladivostok", "Beijing", "Aden", "Hodeidah", "Djibouti", "Jeddah",
          "Kaesong", "Sinpo", "Wonsan", "Busan", "Okinawa", "Guam", "Manila", "Taipei", "Moscow"]
ACTORS = ["North Korea", "South Korea's Joint Chiefs of Staff", "Japan's defence ministry", "the Houthis",
          "the US Navy", "Russia's foreign ministry", "China's coast guard", "the United Nations", "Kim Yo Jong",
          "Lavrov", "the IAEA", "a shipping company", "the UKMTO", "Lloyd's List analysts"]
ACTS = ["fired a ballistic missile", "launched a cruise missile", "seized a cargo vessel", "held live-fire drills",
        "announced new sanctions", "condemned the launch", "test-fired a solid-fuel engine",
        "reported a drone attack", "rerouted tankers around the Cape", "sent a destroyer",
        "signed a military cooperation pact", "warned of retaliation", "opened talks", "suspended the accord"]
DETAILS = ["on Monday", "early on Tuesday", "near the coast", "in the Red Sea", "in the East Sea", "after midnight",
           "for the third time this month", "officials said", "according to satellite imagery", "at a news briefing",
           "with 300 kilometres of range", "citing unnamed sources", "amid rising tension", "in a statement"]
SYLLABLES = ["ka", "ro", "mi", "sun", "dae", "ho", "lin", "ta", "vek", "bar", "zu", "nam", "gor", "pel", "chi", "wan"]
FILLER = ["the", "and", "of", "was", "it", "would", "be", "been", "which", "that", "from", "into", "over"]


def _name(rng: random.Random) -> str:
    """A made-up name (a vessel, a unit, an official): what sets one event apart from the next."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _sentence(rng: random.Random, event: tuple[str, str, str, str]) -> str:
    actor, act, place, name = event
    words = [actor, act, "in" if rng.random() < 0.5 else "near", place, name, rng.choice(DETAILS)]
    if rng.random() < 0.4:
        words.append(rng.choice(DETAILS))
    return " ".join(words).capitalize() + "."


def _reword(rng: random.Random, text: str) -> str:
    """Another outlet's (or the next day's) telling: some words dropped or swapped, details added."""
    words = text.split()
    kept = [w for w in words if rng.random() > 0.15]
    if rng.random() < 0.5:
        kept.insert(rng.randrange(len(kept) + 1), rng.choice(DETAILS))
    if rng.random() < 0.3:
        kept.append(rng.choice(PLACES))
    return " ".join(kept)


def _days(seed: int, days: int, per_day: int) -> list[list[tuple[str, str]]]:
    """`days` days of (headline, lead) stories: many continue an earlier day's event in new
    words, some repeat it word for word or in other case and punctuation, a few are only
    stop words or empty, the rest are new events."""
    rng = random.Random(seed)
    told: list[tuple[str, str]] = []
    out = []
    for _ in range(days):
        today = []
        for _ in range(per_day):
            roll = rng.random()
            if told and roll < 0.35:
                headline, lead = rng.choice(told)
                today.append((_reword(rng, headline), _reword(rng, lead)))
            elif told and roll < 0.45:
                headline, lead = rng.choice(told)
                today.append((headline.upper(), lead.replace(".", "!")) if rng.random() < 0.5 else (headline, lead))
            elif roll < 0.48:
                today.append((" ".join(rng.sample(FILLER, 4)), "" if rng.random() < 0.5 else "It was."))
            else:
                event = (rng.choice(ACTORS), rng.choice(ACTS), rng.choice(PLACES), f"{_name(rng)} {_name(rng)}")
                lead = " ".join(_sentence(rng, event) for _ in range(rng.randint(1, 3)))
                today.append((_sentence(rng, event).rstrip("."), lead))
        told.extend(today)
        out.append(today)
    return out


def _grid_best(rows: list[str], columns: list[str], threshold: float) -> list[tuple[int, float] | None]:
    """The straightforward answer: the whole grid, each row's argmax kept when it reaches the threshold."""
    sims = _similarity(rows, columns)
    out: list[tuple[int, float] | None] = []
    for n in range(len(rows)):
        best = int(sims[n].argmax())
        out.append((best, float(sims[n, best])) if sims[n, best] >= threshold else None)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.5, 0.3, 0.8])
def test_the_best_earlier_story_is_the_whole_grids(seed: int, threshold: float):
    days = _days(seed, days=8, per_day=90)
    earlier = [f"{h} {lead}" for day in days[:-1] for h, lead in day]
    today = [f"{h} {lead}" for h, lead in days[-1]]
    expected = _grid_best(today, earlier, threshold)
    got = most_similar(today, earlier, threshold)
    assert got == expected  # the same column and the very same number
    # The days do hold what is being tested: continuations in new words (not only the same print).
    reworded = [n for n, m in enumerate(got) if m is not None and fingerprint(today[n]) != fingerprint(earlier[m[0]])]
    assert len(reworded) >= 5
    assert sum(m is None for m in got) >= (10 if threshold >= 0.5 else 1)  # and new events


def test_ties_go_to_the_first_earlier_story_and_prints_count_as_one():
    earlier = ["Houthis seize cargo ship in Red Sea", "HOUTHIS SEIZE CARGO SHIP IN RED SEA!",
               "Houthis seize cargo ship in Red Sea", "Lavrov arrives in Pyongyang"]
    today = ["houthis, seize cargo ship in red sea", "Lavrov arrives in Pyongyang", "the and of", ""]
    assert most_similar(today, earlier, 0.5) == _grid_best(today, earlier, 0.5)
    assert most_similar(today, earlier, 0.5)[0] == (0, 1.0)
    assert most_similar(["the and of"], ["The, and OF!"], 0.5) == [(0, 1.0)]  # only stop words: the print decides
    assert most_similar(["the and of"], ["it was"], 0.5) == [None]
    assert most_similar([], earlier, 0.5) == [] and most_similar(today, [], 0.5) == [None] * 4


def _reference_link(stories: list[Story], earlier: list[StoryRecord], today: date) -> list[Story]:
    """storyline.link as it was, scanning every pair and the whole similarity grid."""
    from dataclasses import replace

    sims = _similarity([f"{s.headline} {s.lead_text}" for s in stories], [f"{r.headline} {r.lead}" for r in earlier])
    out = []
    for n, story in enumerate(stories):
        sharing = [k for k, r in enumerate(earlier) if set(r.article_ids) & set(story.article_ids)]
        match = earlier[sharing[0]] if sharing else None
        if match is None:
            best = int(sims[n].argmax())
            if sims[n, best] >= storyline.CONTINUES:
                match = earlier[best]
        if match is None:
            out.append(story)
            continue
        same = [k for k, r in enumerate(earlier) if r.id == match.id]
        told = {a for k in {*same, *sharing} for a in earlier[k].article_ids}
        first = min([earlier[k].first_reported for k in same] + [match.first_reported])
        updated = any(a not in told for a in story.article_ids)
        out.append(replace(story, continues=StoryLink(match.date, match.id, first, (today - first).days + 1, updated)))
    return out


def test_links_over_two_weeks_of_stories_are_the_whole_grids():
    rng = random.Random(11)
    days = _days(5, days=15, per_day=80)
    start = date(2024, 3, 1)
    earlier: list[StoryRecord] = []
    for offset, day in enumerate(days[:-1]):
        for n, (headline, lead) in enumerate(day):
            articles = tuple(f"a{offset}-{n}-{k}" for k in range(rng.randint(1, 3)))
            if earlier and rng.random() < 0.1:  # an article an earlier brief had too
                articles += (rng.choice(earlier).article_ids[0],)
            story_id = rng.choice(earlier).id if earlier and rng.random() < 0.1 else f"s{offset}-{n}"
            earlier.append(StoryRecord(start + timedelta(days=offset), story_id, n + 1, headline, lead, articles, (),
                                       start + timedelta(days=offset - rng.randint(0, 3))))
    today = start + timedelta(days=len(days) - 1)
    stories = []
    for n, (headline, lead) in enumerate(days[-1]):
        articles = tuple(f"t-{n}-{k}" for k in range(rng.randint(1, 2)))
        if rng.random() < 0.1:
            articles += (rng.choice(earlier).article_ids[-1],)
        stories.append(Story(id=f"t{n}", article_ids=articles, sources=("Wire",), headline=headline, lead_text=lead))
    got = storyline.link(stories, earlier, today)
    assert got == _reference_link(stories, earlier, today)
    assert sum(s.continues is not None for s in got) >= 20
    assert sum(s.continues is None for s in got) >= 10
