"""The same wire story in several outlets: one story, all its sources, "reported by N"."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from briefgen.analyse import analyse
from briefgen.analyse.stories import cluster
from briefgen.config import load_config
from briefgen.models import Article, Brief, SourceHealth, Window
from briefgen.render import render

from .conftest import DEFAULT_CONFIG

SEOUL = ZoneInfo("Asia/Seoul")
WIRE = (
    "North Korea fired a ballistic missile into the East Sea on Wednesday, South Korea's Joint Chiefs of Staff said. "
    "The missile flew about 1,000 kilometres before landing outside Japan's exclusive economic zone, officials said. "
    "It was the North's first launch of the year and came days after joint military drills ended. "
    "Japan's defence ministry said it was analysing the flight data with its allies."
)


def wire_article(n: int, source: str, text: str, title: str) -> Article:
    return Article(id=f"w{n}", source=source, title=title, text=text, url=f"https://{source.lower().replace(' ', '')}.example/{n}",
                   published=datetime(2024, 1, 17, 9, n, tzinfo=SEOUL), origin=source)


def outlets() -> list[Article]:
    return [
        wire_article(1, "Yonhap", WIRE, "N. Korea fires ballistic missile into East Sea"),
        # Light edits, as outlets make to wire copy: a changed verb, a dropped clause, a byline.
        wire_article(2, "Korea Herald", WIRE.replace("fired", "launched").replace(" with its allies", "") + " (Yonhap)",
                     "North Korea launches missile"),
        wire_article(3, "NK News", "SEOUL -- " + WIRE.replace("on Wednesday", "Wednesday morning"), "DPRK missile launch"),
        wire_article(4, "Daily NK", "Rice prices in Pyongyang markets rose sharply this week as winter supplies ran short, "
                     "traders told reporters. Officials blamed the weather for poor harvests across the region.", "Rice prices rise"),
    ]


def test_near_duplicates_across_sources_are_one_story():
    stories = cluster(outlets())
    assert [s.article_ids for s in stories] == [("w1", "w2", "w3"), ("w4",)]
    assert stories[0].sources == ("Yonhap", "Korea Herald", "NK News") and stories[0].reported_by == 3
    assert stories[1].reported_by == 1


def test_a_story_is_told_once_and_its_points_say_who_reported_it(tmp_path: Path):
    config = load_config(DEFAULT_CONFIG)
    articles = outlets()
    result = analyse(articles, config)
    # Near-verbatim sentences of the other outlets fold into the first telling.
    assert {p.article_id for p in result.passages} == {"w1", "w4"}
    [launch] = [p for p in result.passages if "1,000 kilometres" in p.text]
    point = next(pt for t in result.themes for pt in t.summary if pt.passage_id == launch.id)
    assert point.source_ids == ("w1", "w2", "w3")
    brief = Brief(date=date(2024, 1, 17), title="T", timezone="Asia/Seoul", generated_at=datetime(2024, 1, 17, 10, tzinfo=SEOUL),
                  window=Window("24h", None, datetime(2024, 1, 18, tzinfo=SEOUL)), articles=articles,
                  bottom_line=result.bottom_line, themes=result.themes, other=result.other, notes=[],
                  passages=result.passages, stories=result.stories,
                  health=[SourceHealth("Broken <feed>", "http://127.0.0.1:9/rss", "failed", "HTTP 503", duration=0.2,
                                       stale=True, failing_since=datetime(2024, 1, 15, 6, tzinfo=SEOUL))])
    missiles = next(t for t in result.themes if t.key == "missiles")
    assert missiles.summary and all(brief.reported_by(p.source_ids) == 3 for p in missiles.summary)
    out = render(brief, config, ["html", "md", "json"])
    html = out["html"].decode()
    # The story says who reported it, beside its bottom line and its theme's entry (its points
    # under it, each the same three sources', do not say it again).
    assert html.count('<span class="story-meta">reported by 3 sources</span>') == 2
    assert "<h2>Source health</h2>" in html and "Broken &lt;feed&gt;" in html and "HTTP 503" in html
    assert "stale: failing since 15 Jan 2024" in html
    md = out["md"].decode()
    assert "_(reported by 3 sources)_" in md and "## Source health" in md and "Broken \\<feed\\>" in md
    data = json.loads(out["json"])
    assert {p["reported_by"] for p in next(t for t in data["themes"] if t["key"] == "missiles")["summary"]} == {3}
    first = next(s for s in data["stories"] if s["id"] == "s-w1")
    assert {k: first[k] for k in ("id", "source_ids", "sources", "reported_by")} == {
        "id": "s-w1", "source_ids": ["w1", "w2", "w3"], "sources": ["Yonhap", "Korea Herald", "NK News"], "reported_by": 3}
    assert [s["story"] for s in data["sources"]] == ["s-w1", "s-w1", "s-w1", "s-w4"]
    assert data["health"] == [{"source": "Broken <feed>", "target": "http://127.0.0.1:9/rss", "status": "failed",
                               "reason": "HTTP 503", "items": 0, "new_items": 0, "duration": 0.2, "stale": True,
                               "failing_since": "2024-01-15T06:00:00+09:00", "newest": None}]
