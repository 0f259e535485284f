"""Text that reaches a terminal, a log or a link: charsets that hide entity declarations,
UTF-8 with a bad byte, control and bidi characters, and credentials in feed URLs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .feedserver import FeedServer, Route, rss
from .hostile import DAY, generate, outputs, write_config

KOREAN_TITLE = "북한, 동해상으로 탄도미사일 발사"
KOREAN_TEXT = "합동참모본부는 북한이 수요일 오전 탄도미사일을 발사했다고 밝혔다."
DATE = "Wed, 17 Jan 2024 01:00:00 GMT"


def _entity_doc(encoding: str) -> bytes:
    """An RSS feed declaring an entity, written in `encoding` from its declaration on."""
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE rss [<!ENTITY boom "Missile launch boom">]>\n'
            '<rss version="2.0"><channel><title>t</title><link>http://127.0.0.1/</link><description>d</description>'
            f"<item><guid>e1</guid><title>&boom; {encoding}</title><description>A missile launch.</description>"
            f"<pubDate>{DATE}</pubDate></item></channel></rss>\n")
    return text.encode(encoding)


ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "utf-32", "utf-7", "cp037", "cp500"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_entity_declarations_are_refused_in_any_charset(encoding: str):
    from briefgen.ingest.entries import RefusedFeed, parse_feed

    for content_type in ("application/xml", "application/rss+xml", "text/xml"):
        with pytest.raises(RefusedFeed):
            parse_feed(_entity_doc(encoding), {"content-type": content_type}, "http://127.0.0.1/feed")


def test_entity_feeds_fail_in_source_health_whatever_their_charset(tmp_path: Path):
    with FeedServer() as server:
        server.routes["/ok"] = Route(rss([{"guid": "ok", "title": "Missile launch", "description": "A launch.",
                                           "date": DATE}]))
        sources = [{"name": "Fine", "url": server.url("/ok")}]
        for encoding in ENCODINGS:
            server.routes[f"/{encoding}"] = Route(_entity_doc(encoding), headers={"Content-Type": "application/xml"})
            sources.append({"name": f"Entities {encoding}", "url": server.url(f"/{encoding}")})
        config = write_config(tmp_path, sources, output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        assert generate(config) == 0
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    for row in brief["health"][1:]:
        assert row["status"] == "failed", row
        assert row["reason"].startswith("refused: the feed declares XML entities"), row
    assert "boom" not in json.dumps(brief)


def test_an_article_about_entities_is_not_refused():
    from briefgen.ingest.entries import parse_feed

    feed = rss([{"guid": "x", "title": "How &lt;!ENTITY&gt; works", "description": "<p>Write <!ENTITY x> in a DTD.</p>"}])
    (entry,) = parse_feed(feed, {"content-type": "application/rss+xml"}, "http://127.0.0.1/feed")
    assert "ENTITY" in entry.body


def _bad_byte_feed() -> bytes:
    """A UTF-8 feed of Korean items, with one invalid byte in the second item only."""
    feed = rss([
        {"guid": "ko-1", "title": KOREAN_TITLE, "link": "https://ko.example/1", "description": f"<p>{KOREAN_TEXT}</p>",
         "date": DATE},
        {"guid": "ko-2", "title": "합참, 추가 발사 가능성 경고 BADBYTE", "link": "https://ko.example/2",
         "description": f"<p>{KOREAN_TEXT} 군은 경계를 강화했다.</p>", "date": DATE},
    ])
    return feed.replace(b"BADBYTE", b"\xff")


@pytest.mark.parametrize("content_type", ["application/rss+xml; charset=utf-8", "application/rss+xml", "text/xml"])
def test_one_bad_byte_does_not_turn_a_utf8_feed_into_mojibake(tmp_path: Path, content_type: str):
    with FeedServer() as server:
        server.routes["/ko"] = Route(_bad_byte_feed(), headers={"Content-Type": content_type})
        config = write_config(tmp_path, [{"name": "Yonhap", "url": server.url("/ko")}],
                              output={"dir": str(tmp_path / "out"), "formats": ["json", "md"]})
        assert generate(config) == 0
    written = outputs(tmp_path / "out" / DAY)
    brief = json.loads(written["json"])
    titles = [s["title"] for s in brief["sources"]]
    assert KOREAN_TITLE in titles and "합참, 추가 발사 가능성 경고 \ufffd" in titles
    assert KOREAN_TEXT in written["md"]
    # No trace of the whole feed read as windows-1252 or latin-2.
    assert "ë" not in written["md"] and "ě" not in written["md"]
    (row,) = brief["health"]
    assert row["status"] == "ok" and row["items"] == 2
    assert row["reason"] == "1 invalid UTF-8 sequence replaced with U+FFFD"


def test_a_feed_in_another_declared_charset_is_not_repaired():
    from briefgen.ingest.entries import parse_feed

    feed = rss([{"guid": "fr", "title": "Le café « Séoul » a fermé"}]).replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    feed = feed.decode("utf-8").encode("iso-8859-1")
    notes: list[str] = []
    (entry,) = parse_feed(feed, {"content-type": "application/rss+xml"}, "http://127.0.0.1/feed", notes)
    assert entry.title == "Le café « Séoul » a fermé" and notes == []
