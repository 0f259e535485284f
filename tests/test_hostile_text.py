"""Text that reaches a terminal, a log or a link: charsets that hide entity declarations,
UTF-8 with a bad byte, control and bidi characters, and credentials in feed URLs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import write
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


# What a terminal obeys: set its title (OSC), clear the screen (CSI, 7- and 8-bit), ring,
# and a line end followed by a line that looks like briefgen's own.
TERMINAL = "\x1b]0;pwned\x07\x1b[2J\x9b2J\x1bc"
FORGED = "\nbriefgen: error: FORGED LINE"
# Text that reads otherwise than it is: bidi overrides, isolates and marks, zero-width and tags.
HIDDEN = "\u202e\u2067\u200f\u061c\u200b\u2060\ufeff\U000e0041\U000e007f"
EVIL = TERMINAL + FORGED + HIDDEN


def _hostile_json_feed() -> bytes:
    item = {"id": f"id-{EVIL}", "title": f"Missile {EVIL} launch", "url": f"https://evil.example/a{EVIL}b",
            "content_text": f"North Korea fired a missile.{TERMINAL}{HIDDEN} The military said so.",
            "authors": [{"name": f"Wire {EVIL}"}], "date_published": "2024-01-17T01:00:00Z"}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "evil", "items": [item]}).encode()


def _assert_clean(text: str, where: str) -> None:
    for char in TERMINAL + HIDDEN:
        if char not in "]0;pwned[2Jc":
            assert char not in text, f"{where} holds {char!r}"


def test_nothing_from_content_acts_on_a_terminal_or_forges_a_log_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "articles"
    folder.mkdir()
    # A file named to attack the terminal, and empty, so its name is logged with a warning.
    (folder / f"bad{TERMINAL}{HIDDEN}.md").write_text("", encoding="utf-8")
    (folder / "ok.md").write_text(f"---\ntitle: 'Launch {HIDDEN} report'\nsource: \"Wire{HIDDEN}\"\n---\n"
                                  "North Korea fired a missile on Wednesday.\n", encoding="utf-8")
    with FeedServer() as server:
        server.routes["/evil.json"] = Route(_hostile_json_feed(), headers={"Content-Type": "application/feed+json"})
        location = server.url(f"/x{TERMINAL}{FORGED}")
        server.routes["/moved"] = Route(status=302, headers={"Location": location})
        config = write_config(tmp_path, [
            {"name": "Files", "path": "articles"},
            {"name": "Evil", "url": server.url("/evil.json")},
            {"name": "Moved", "url": server.url("/moved")},
        ], output={"dir": str(tmp_path / "out"), "formats": ["json", "html", "md"]})
        from briefgen.cli import main

        capsys.readouterr()
        main(["generate", "--config", str(config), "--date", DAY, "--verbose"])
        main(["fetch", "--config", str(config)])
        main(["check", "--config", str(config)])
        main(["sources", "check", "--config", str(config)])
        captured = capsys.readouterr()
    for name, text in (("stderr", captured.err), ("stdout", captured.out)):
        _assert_clean(text, name)
        assert not [line for line in text.splitlines() if "FORGED" in line and line.startswith("briefgen: error")]
    written = outputs(tmp_path / "out" / DAY)
    for fmt, text in written.items():
        _assert_clean(text, fmt)
    brief = json.loads(written["json"])
    (evil,) = [s for s in brief["sources"] if s["name"] == "Evil"]
    assert evil["title"] == "Missile ]0;pwned[2J2Jc briefgen: error: FORGED LINE launch"
    assert evil["url"].startswith("https://evil.example/a") and " " not in evil["url"]



@pytest.mark.parametrize("flags", [["--debug"], ["--verbose", "--log-format", "json"]], ids=["debug", "verbose-json"])
def test_logs_never_show_credentials_or_tokens_of_a_feed_url(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             flags: list[str]):
    from briefgen.cli import main

    with FeedServer() as server:
        # One 503 first: the retry is logged with the feed's URL, and httpx logs each request.
        server.routes["/feed"] = Route(rss([{"guid": "a", "title": "Missile launch", "description": "A launch.",
                                             "date": DATE}]), fail_first=1)
        server.routes["/gone"] = Route(b"no", status=404)
        secret_url = server.url("/feed?token=SECRETTOKEN42&x=1").replace("http://", "http://reader:hunter2pw@")
        config = write_config(tmp_path, [
            {"name": "Private", "url": secret_url},
            {"name": "Gone", "url": server.url("/gone?apikey=SECRETKEY77")},
        ], feeds={"retries": 1, "backoff": 0.01, "deadline": 20},
            output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        capsys.readouterr()
        main(["generate", "--config", str(config), "--date", DAY, *flags])
        main(["sources", "check", "--config", str(config), *flags])
        captured = capsys.readouterr()
        assert [h.status for h in server.hits_for("/feed?token=SECRETTOKEN42&x=1")][:2] == [503, 200]
    for text in (captured.err, captured.out):
        for secret in ("hunter2pw", "SECRETTOKEN42", "SECRETKEY77", "reader:"):
            assert secret not in text
    # The URL is still named, as far as it is no secret.
    assert f"http://127.0.0.1:{secret_url.split(':')[3].split('/')[0]}/feed?\u2026" in captured.err


# Dates at the ends of the calendar, or that match YAML's date pattern but are no date, in a
# file's front matter, a file's modification time or a feed's items: each is that item's
# problem alone, never the source's or the run's (an OverflowError in the store, a whole folder
# failed by one file).
END_DATES = {"east.md": "0001-01-01T00:00:00+14:00", "west.md": "9999-12-31T23:59:59-12:00",
             "last.md": "9999-12-31", "month13.md": "2024-13-45", "first.md": "0001-01-01"}


def test_a_date_at_the_ends_of_the_calendar_is_that_items_problem_alone(tmp_path: Path):
    import os

    folder = tmp_path / "articles"
    folder.mkdir()
    for name, when in END_DATES.items():
        (folder / name).write_text(f"---\ntitle: Launch {name}\ndate: {when}\n---\nA missile launch, {name}.\n",
                                   encoding="utf-8")
    (folder / "good.md").write_text("---\ntitle: Launch good\ndate: 2024-01-16\n---\nA missile launch.\n",
                                    encoding="utf-8")
    undated = folder / "future.md"
    undated.write_text("---\ntitle: Launch future\n---\nA missile launch, its file from the far future.\n",
                       encoding="utf-8")
    os.utime(undated, (253402300799, 253402300799))  # 9999-12-31T23:59:59Z
    items = [{"guid": "end", "title": "Launch at the end of time", "description": "<p>A missile launch.</p>",
              "date": "Fri, 31 Dec 9999 23:59:59 GMT"},
             {"guid": "ok", "title": "Launch in time", "description": "<p>A missile launch.</p>", "date": DATE}]
    with FeedServer() as server:
        server.routes["/feed"] = Route(rss(items))
        config = write_config(tmp_path, [{"name": "Desk", "path": "articles/"}, {"name": "Wire", "url": server.url("/feed")}],
                              timezone="Asia/Seoul", output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        assert generate(config) == 0
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    assert {h["source"]: h["status"] for h in brief["health"]} == {"Wire": "ok"}
    titles = {s["title"] for s in brief["sources"]}
    assert {"Launch good", "Launch in time"} <= titles
    notes = {Path(n["target"]).name: n["reason"] for n in brief["notes"]}
    for name in END_DATES:
        assert name in notes and "date" in notes[name], (name, notes)
    assert not any(n["reason"].startswith("failed") for n in brief["notes"]), brief["notes"]


def test_a_date_yaml_cannot_build_is_text_for_the_schema_to_judge(tmp_path: Path):
    # PyYAML raised ValueError for 2024-13-45 (its date pattern, no date): "unexpected error".
    from briefgen.config import load_config
    from briefgen.errors import ConfigError

    config = write_config(tmp_path, [{"name": "Desk", "path": "articles/"}])
    text = config.read_text(encoding="utf-8").replace("title: Hostile Brief", "title: 2024-13-45")
    assert load_config(write(config, text)).title == "2024-13-45"
    with pytest.raises(ConfigError) as caught:
        load_config(write(config, text.replace("timezone: UTC", "timezone: 0001-13-01")))
    assert "timezone: " in str(caught.value) and "Error" not in str(caught.value).replace("ConfigError", "")


def test_a_number_python_will_not_convert_in_front_matter_fails_nothing(tmp_path: Path):
    # int() refuses 4,300 digits and more: PyYAML's ValueError failed the whole folder.
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "digits.md").write_text(f"---\ntitle: {'9' * 5000}\nauthor: {'1' * 4400}\n---\nA missile launch, digits.\n",
                                      encoding="utf-8")
    (folder / "hex.md").write_text(f"---\ntitle: Launch hex\nsource: 0x{'f' * 6000}\n---\nA missile launch, hex.\n",
                                   encoding="utf-8")
    (folder / "good.md").write_text("---\ntitle: Launch good\ndate: 2024-01-16\n---\nA missile launch.\n",
                                    encoding="utf-8")
    config = write_config(tmp_path, [{"name": "Desk", "path": "articles/"}],
                          output={"dir": str(tmp_path / "out"), "formats": ["json"]})
    assert generate(config) == 0
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    assert not [n for n in brief["notes"] if "digits" in n["reason"] or n["reason"].startswith("failed")], brief["notes"]
    titles = {s["title"] for s in brief["sources"]}
    assert {"Launch good", "Launch hex"} <= titles and any(t.startswith("9999") for t in titles), titles


def test_json_nested_past_the_decoders_stack_is_named_not_an_unexpected_error(tmp_path: Path):
    with FeedServer() as server:
        server.routes["/deep"] = Route(b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 200_000,
                                       headers={"Content-Type": "application/feed+json"})
        server.routes["/ok"] = Route(rss([{"guid": "ok", "title": "Missile launch", "description": "A launch.",
                                           "date": DATE}]))
        config = write_config(tmp_path, [{"name": "Deep", "url": server.url("/deep")},
                                         {"name": "Fine", "url": server.url("/ok")}],
                              output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        assert generate(config) == 0
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    health = {h["source"]: (h["status"], h["reason"]) for h in brief["health"]}
    assert health == {"Deep": ("failed", "not a feed (JSON nested too deeply)"), "Fine": ("ok", None)}
