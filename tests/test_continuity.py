"""Stories across briefs: a story that continues an earlier brief's says so ("day 3, first
reported 18 Mar") and is news only when it has something new; one seen before and not
updated is not repeated as news; one that stops is listed as gone quiet."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from briefgen.analyse import analyse, storyline
from briefgen.config import load_config
from briefgen.models import Article, StoryRecord
from briefgen.pipeline import build_brief

from .conftest import DEFAULT_CONFIG, write

LAUNCH = """\
    ---
    title: North Korea fires ballistic missile toward East Sea
    date: 2024-03-18T09:00:00+09:00
    ---
    North Korea fired a ballistic missile toward the East Sea on Monday, South Korea's Joint Chiefs of Staff said.

    The missile flew about 600 kilometres before falling into the sea, the Joint Chiefs of Staff said.
    """
VISIT = """\
    ---
    title: Lavrov arrives in Pyongyang
    date: 2024-03-18T10:00:00+09:00
    ---
    Russian Foreign Minister Sergei Lavrov arrived in Pyongyang on Monday for talks on military cooperation, the Kremlin said.
    """
PROTEST = """\
    ---
    title: Japan protests North Korean ballistic missile launch
    date: 2024-03-19T08:00:00+09:00
    ---
    Japan lodged a protest on Tuesday over the ballistic missile North Korea fired toward the East Sea, saying the missile flew about 600 kilometres.

    South Korea's Joint Chiefs of Staff said the missile was a new solid-fuel type.
    """
SANCTIONS = """\
    ---
    title: UN Security Council to meet on North Korean ballistic missile launch
    date: 2024-03-20T07:00:00+09:00
    ---
    The UN Security Council will meet on Wednesday over the ballistic missile North Korea fired toward the East Sea, which Japan said flew about 600 kilometres.
    """


def _config(tmp_path: Path) -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("sources:\n"), text.index("\nthemes:\n")
    text = text[:start] + "sources:\n  - {name: Desk, path: news/}\n" + text[end:]
    text = text.replace("brief:\n", "brief:\n  window: 48h\n", 1) if "brief:\n" in text else text + "brief:\n  window: 48h\n"
    text = "\n".join(line for line in text.splitlines() if line.strip() != "window: 24h") + "\n"
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "sources.yaml"


def _build(config: Path, day: date):
    cfg = load_config(config)
    now = datetime(day.year, day.month, day.day, 23, 0, tzinfo=cfg.tz)
    return build_brief(cfg, day, out_dir=config.parent / "out", formats=["json", "md"], now=now).brief


def _story(brief, title: str):
    return next(s for s in brief.stories if title in {a.title for a in brief.articles if a.id in s.article_ids})


def test_a_story_continues_day_after_day_and_says_what_is_new(tmp_path: Path):
    config = _config(tmp_path)
    write(tmp_path / "news/launch.md", LAUNCH)
    write(tmp_path / "news/visit.md", VISIT)
    first = _build(config, date(2024, 3, 18))
    assert all(s.continues is None for s in first.stories) and len(first.bottom_line) == 2

    write(tmp_path / "news/protest.md", PROTEST)
    second = _build(config, date(2024, 3, 19))
    launch = _story(second, "Japan protests North Korean ballistic missile launch")
    assert launch.continues is not None and launch.continues.updated
    assert (launch.continues.day, launch.continues.first_reported) == (2, date(2024, 3, 18))
    assert launch.reported_by == 1 and len(launch.article_ids) == 2
    visit = _story(second, "Lavrov arrives in Pyongyang")
    assert visit.stale
    # The visit was told yesterday and nothing came since: not news today.
    assert [p.story for p in second.bottom_line] == [launch.id]
    # ...and the launch is told by what is new in it: today's article, not yesterday's lead.
    assert second.bottom_line[0].text.startswith("Japan lodged a protest on Tuesday")
    assert launch.headline == "Japan protests North Korean ballistic missile launch"
    assert second.changes.updated_stories == [launch.id] and second.changes.unchanged_stories == [visit.id]
    russia = next(t for t in second.themes if t.key == "russia")
    assert all(e.lead is None and not e.points for e in russia.stories if e.story == visit.id)

    write(tmp_path / "news/sanctions.md", SANCTIONS)
    third = _build(config, date(2024, 3, 20))
    launch = _story(third, "UN Security Council to meet on North Korean ballistic missile launch")
    assert (launch.continues.day, launch.continues.first_reported) == (3, date(2024, 3, 18))
    # The visit (18 Mar) left the window: it went quiet.
    assert [r.headline for r in third.changes.quiet_stories] == ["Lavrov arrives in Pyongyang"]
    data = json.loads((tmp_path / "out/2024-03-20/brief-2024-03-20.json").read_text(encoding="utf-8"))
    told = next(s for s in data["stories"] if s["id"] == launch.id)
    assert told["continues"]["day"] == 3 and told["continues"]["first_reported"] == "2024-03-18"
    assert told["rank"] == 1 and data["bottom_line"][0]["story"] == launch.id
    md = (tmp_path / "out/2024-03-20/brief-2024-03-20.md").read_text(encoding="utf-8")
    assert "day 3, first reported 18 Mar" in md
    assert "- **Gone quiet** Lavrov arrives in Pyongyang: in the brief of 19 Mar 2024, nothing today." in md


def test_an_unrelated_story_on_the_next_day_is_new(tmp_path: Path):
    config = _config(tmp_path)
    write(tmp_path / "news/visit.md", VISIT)
    _build(config, date(2024, 3, 18))
    (tmp_path / "news/visit.md").unlink()
    write(tmp_path / "news/launch.md", LAUNCH.replace("2024-03-18T09:00", "2024-03-19T09:00"))
    second = _build(config, date(2024, 3, 19))
    assert [s.continues for s in second.stories] == [None]
    assert len(second.changes.new_stories) == 1 and len(second.changes.quiet_stories) == 1


def test_a_story_continued_by_likeness_alone_is_told_as_it_would_be_new():
    """A continuing story is described again from what earlier briefs did not have; one that
    continues by its headline and lead alone (none of its articles was told) has nothing
    told to leave out, so analysis keeps its first description: describing it again must
    give the same story, and it must be the one a brief with no earlier stories gives."""
    config = load_config(DEFAULT_CONFIG)
    day = date(2024, 3, 19)
    when = datetime(2024, 3, 19, 8, tzinfo=UTC)

    def article(n: int, title: str, text: str) -> Article:
        return Article(id=f"a{n}", source="Desk", title=title, text=text, published=when + timedelta(minutes=n),
                       first_seen=when, guid=f"g{n}", origin="Desk")

    articles = [
        article(1, "Japan protests North Korean ballistic missile launch",
                "Japan lodged a protest on Tuesday over the ballistic missile North Korea fired toward the East Sea.\n\n"
                "South Korea's Joint Chiefs of Staff said the missile flew about 600 kilometres."),
        article(2, "Lavrov arrives in Pyongyang",
                "Russian Foreign Minister Sergei Lavrov arrived in Pyongyang on Tuesday for talks on military cooperation.\n\n"
                "The Kremlin said the talks would cover the two countries' treaty."),
    ]
    earlier = [
        # Yesterday's launch in today's words: continued by likeness, sharing no article.
        StoryRecord(date(2024, 3, 18), "s-launch", 1, "Japan protests North Korean ballistic missile launch",
                    "Japan lodged a protest on Tuesday over the ballistic missile North Korea fired toward the East Sea.",
                    ("old-launch",), ("missiles",), date(2024, 3, 18)),
        # The visit was in yesterday's brief under the same article.
        StoryRecord(date(2024, 3, 18), "s-visit", 2, "Lavrov arrives in Pyongyang", "Lavrov arrived.", ("a2",),
                    ("russia",), date(2024, 3, 18)),
    ]
    linked = analyse(articles, config, day=day, earlier=earlier)
    launch, visit = ({s.article_ids: s for s in linked.stories}[(a,)] for a in ("a1", "a2"))
    assert launch.continues is not None and launch.continues.story == "s-launch" and launch.continues.updated
    assert visit.continues is not None and visit.continues.story == "s-visit" and not visit.continues.updated
    again = storyline.describe([launch], articles, linked.passages, day, storyline.told(earlier))
    assert again == [launch]
    new = {s.article_ids: s for s in analyse(articles, config, day=day).stories}[("a1",)]
    assert (launch.headline, launch.lead, launch.lead_text, launch.themes, launch.main_article) == \
        (new.headline, new.lead, new.lead_text, new.themes, new.main_article)
