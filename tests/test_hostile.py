"""Feeds are written by strangers: nothing a feed or an article file says may read a file,
reach a server, expand into gigabytes or write outside the output folder. Each test runs
the whole pipeline on real servers on 127.0.0.1, and each proves first that its trap works.
Rendering (PDF fetcher, scripts in a browser, the time limit) is in test_hostile_render.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from briefgen.cli import main
from briefgen.config import load_config
from briefgen.deliver.message import eml_path
from briefgen.ingest.limits import UNSAFE_RE
from briefgen.pipeline import build_brief

from .feedserver import FeedServer, Route, rss, with_doctype
from .hostile import (
    DAY,
    PASSWD,
    PASSWD_MARK,
    SECRET_MARK,
    SEEN_MARKS,
    generate,
    hostile_files,
    hostile_json_feed,
    hostile_rss,
    outputs,
    secret_file,
    write_config,
)

pytest.importorskip("pypdf")
JSON_FEED = {"Content-Type": "application/feed+json"}


@pytest.fixture
def canary() -> FeedServer:
    """A loopback server that records every request it gets, whatever the path."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    if PASSWD_MARK not in PASSWD.read_text(encoding="utf-8", errors="replace"):
        pytest.skip("/etc/passwd has no root entry to look for")
    return secret_file(tmp_path)


def test_the_canary_hears_every_request(canary):
    """A broken canary must not pass for safety: it records a request that 404s too."""
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(canary.url("/probe"), timeout=5)
    assert [h.path for h in canary.hits] == ["/probe"]


def test_hostile_markup_is_text_in_every_format(tmp_path, canary, secret):
    """An RSS item, a JSON Feed item, a Markdown file and an HTML page full of fetches and
    scripts: every format is written, the words reach the brief, nothing else does."""
    with FeedServer() as feeds:
        feeds.routes["/rss"] = Route(hostile_rss(canary.base, secret, SEEN_MARKS[0]))
        feeds.routes["/json"] = Route(hostile_json_feed(canary.base, secret, SEEN_MARKS[1]), headers=JSON_FEED)
        hostile_files(tmp_path / "articles", canary.base, secret, SEEN_MARKS[2:])
        config = write_config(tmp_path, [
            {"name": "Evil RSS", "url": feeds.url("/rss")},
            {"name": "Evil JSON", "url": feeds.url("/json")},
            {"name": "Evil files", "path": "articles"},
        ])
        assert generate(config) == 0
    written = outputs(tmp_path / "out" / DAY)
    assert set(written) == {"html", "md", "json", "pdf"}
    assert canary.hits == []
    for fmt, text in written.items():
        assert PASSWD_MARK not in text and SECRET_MARK not in text, fmt
    for mark in SEEN_MARKS:
        assert mark in written["html"] and mark in written["json"] and mark in written["md"], mark
        assert mark in written["pdf"].replace("-\n", ""), mark
    page = lxml.html.document_fromstring(written["html"].encode("utf-8"))
    # The template's own stylesheet and charts are the only active parts of the page.
    assert not page.xpath("//script|//iframe|//object|//embed|//img|//link|//form|//input|//image|//base")
    assert len(page.xpath("//style")) == 1
    for element in page.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert "javascript:" not in value.lower() and canary.base not in value and "expression(" not in value
    archive = lxml.html.document_fromstring((tmp_path / "out" / "index.html").read_bytes())
    assert not archive.xpath("//script|//img|//iframe|//object|//link") and len(archive.xpath("//style")) == 1
    data = json.loads(written["json"])
    assert all(s["url"] is None for s in data["sources"])  # javascript: and file: links are no links
    assert not [h for h in data["health"] if h["status"] != "ok"]


BILLION_LAUGHS = "<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n" + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10)
) + "]>"


def xxe(secret: Path, canary: str) -> str:
    return (f'<!DOCTYPE rss [\n<!ENTITY file SYSTEM "{secret.as_uri()}">\n<!ENTITY web SYSTEM "{canary}/xxe">\n'
            f'<!ENTITY % remote SYSTEM "{canary}/evil.dtd">\n%remote;\n]>')


def entity_feed(doctype: str, title: str) -> bytes:
    plain = rss([{"guid": "x", "title": title, "description": "A missile launch.", "date": "Wed, 17 Jan 2024 01:00:00 GMT"}])
    return with_doctype(plain, doctype)


def test_the_xml_attacks_are_live(tmp_path, canary, secret):
    """A parser that expands entities does read the file and multiply the laughs."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    root = etree.fromstring(entity_feed(xxe(secret, canary.base).replace("%remote;", ""), "&file;"), parser)
    assert SECRET_MARK in root.findtext("channel/item/title")
    small = BILLION_LAUGHS.split("<!ENTITY lol4")[0] + "]>"
    root = etree.fromstring(entity_feed(small, "&lol3;"), etree.XMLParser(resolve_entities=True))
    assert root.findtext("channel/item/title") == "lol" * 1000


def test_xml_entities_are_refused_and_reported(tmp_path, canary, secret):
    with FeedServer() as feeds:
        feeds.routes["/laughs"] = Route(entity_feed(BILLION_LAUGHS, "&lol9;"))
        feeds.routes["/xxe"] = Route(entity_feed(xxe(secret, canary.base), "&file; &web;"))
        feeds.routes["/ok"] = Route(rss([{"guid": "ok", "title": f"Missile launch near {SEEN_MARKS[0]}",
                                          "description": "A missile launch.", "date": "Wed, 17 Jan 2024 01:00:00 GMT"}]))
        # An external DTD alone declares nothing here, and is never fetched (RSS 0.91 feeds name one).
        feeds.routes["/dtd"] = Route(entity_feed(f'<!DOCTYPE rss SYSTEM "{canary.base}/rss.dtd">', "Launch with a DTD"))
        config = write_config(tmp_path, [
            {"name": "Laughs", "url": feeds.url("/laughs")},
            {"name": "XXE", "url": feeds.url("/xxe")},
            {"name": "Fine", "url": feeds.url("/ok")},
            {"name": "DTD", "url": feeds.url("/dtd")},
        ], output={"formats": ["json", "md"]})
        assert generate(config) == 0
        assert generate(config, "--strict") == 4
    assert canary.hits == []
    written = outputs(tmp_path / "out" / DAY)
    health = {h["source"]: h for h in json.loads(written["json"])["health"]}
    for name in ("Laughs", "XXE"):
        assert health[name]["status"] == "failed"
        assert health[name]["reason"].startswith("refused: the feed declares XML entities")
    assert health["Fine"]["status"] == "ok" and SEEN_MARKS[0] in written["md"]
    assert health["DTD"]["status"] == "ok" and "Launch with a DTD" in written["md"]
    for text in written.values():
        assert SECRET_MARK not in text and PASSWD_MARK not in text and "lollol" not in text


MB = 1024 * 1024
BIDI = "\u202e\u2066\u202a"


def odd_items() -> bytes:
    """Items with NUL bytes, invalid UTF-8, bidi overrides and a 10,000-character title."""
    items = rss([
        {"guid": "nul", "title": "Missile\x00 launch with a NUL", "description": "Text\x00 with NUL bytes.",
         "date": "Wed, 17 Jan 2024 01:00:00 GMT"},
        {"guid": "bidi", "title": f"Launch {BIDI}txt.exe{BIDI} report", "description": f"The {BIDI}missile{BIDI} flew.",
         "date": "Wed, 17 Jan 2024 01:00:00 GMT"},
        {"guid": "long", "title": "Missile " * 1250, "description": "Short text.", "date": "Wed, 17 Jan 2024 01:00:00 GMT"},
        {"guid": "bytes", "title": "Invalid UTF-8 INVALIDHERE launch", "description": "Bad INVALIDHERE bytes.",
         "date": "Wed, 17 Jan 2024 01:00:00 GMT"},
    ])
    return items.replace(b"INVALIDHERE", b"\xff\xfe\xc3")


def test_oversized_and_odd_input_is_capped_reported_and_the_brief_comes_out(tmp_path):
    huge = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>' + b"x" * (50 * MB) + b"</channel></rss>"
    paragraph = "<p>" + "The missile launch was reported again today. " * 40 + "</p>"
    big_item = rss([{"guid": "big", "title": "Big item", "description": paragraph * (5 * MB // len(paragraph)),
                     "date": "Wed, 17 Jan 2024 01:00:00 GMT"}])
    long_line = rss([{"guid": "line", "title": "Long line", "description": "missile " * 125_000,
                      "date": "Wed, 17 Jan 2024 01:00:00 GMT"}])
    odd_json = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "odd", "items": [
        {"id": "j", "title": f"Launch\x00 {BIDI}json", "content_text": "A missile INVALIDHERE launch."}]}).encode()
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "odd.md").write_text(
        f"---\ntitle: \"{'Missile ' * 1250}\"\nsource: \"Wire{BIDI}\\0\"\n---\nThe missile\x00 {BIDI}launch.\n\n"
        + "word " * 200_000 + "\n", encoding="utf-8")
    (tmp_path / "articles" / "latin1.txt").write_bytes("Missile launch in Zürich.".encode("latin-1"))
    with FeedServer() as feeds:
        feeds.routes["/huge"] = Route(huge)
        feeds.routes["/huge-stream"] = Route(huge, no_length=True)
        feeds.routes["/big-item"] = Route(big_item)
        feeds.routes["/long-line"] = Route(long_line)
        feeds.routes["/odd"] = Route(odd_items())
        feeds.routes["/odd-json"] = Route(odd_json.replace(b"INVALIDHERE", b"\xff\xfe"), headers=JSON_FEED)
        names = ["huge", "huge-stream", "big-item", "long-line", "odd", "odd-json"]
        path = write_config(tmp_path, [{"name": n, "url": feeds.url(f"/{n}")} for n in names]
                            + [{"name": "files", "path": "articles"}],
                            feeds={"retries": 0, "deadline": 30, "max_size": "8 MB"})
        result = build_brief(load_config(path), datetime.fromisoformat(DAY).date(),
                             now=datetime(2024, 1, 17, 12, tzinfo=ZoneInfo("UTC")))
    assert {p.suffix for p in result.files} == {".json", ".html", ".md", ".pdf"}
    health = {h.source: h for h in result.brief.health}
    assert health["huge"].failed and health["huge"].reason.startswith("too large: 50 MB > 8 MB")
    assert health["huge-stream"].failed and health["huge-stream"].reason == "too large: over 8 MB"
    assert health["big-item"].reason == "1 item cut to size (text cut at 100,000 characters)"
    assert health["long-line"].reason == "1 item cut to size (a paragraph over 10,000 characters was cut)"
    assert health["odd"].status == "ok" and "a title over 200 characters was cut" in health["odd"].reason
    assert health["odd-json"].status == "ok"
    notes = {n.target: n for n in result.brief.notes}
    assert notes["articles/odd.md"].level == "warning" and notes["articles/odd.md"].reason.startswith("cut to size: ")
    assert notes["articles/latin1.txt"].reason.startswith("not UTF-8")
    articles = result.brief.articles
    assert {a.origin for a in articles} == {"big-item", "long-line", "odd", "odd-json", "files"}
    for a in articles:
        assert len(a.title) <= 200 and len(a.text) <= 100_000, a.origin
        assert max(len(p) for p in a.text.split("\n\n")) <= 10_000, a.origin
        for value in (a.title, a.text, a.source, a.author or ""):
            assert not UNSAFE_RE.search(value), (a.origin, value[:80])
    assert any("\ufffd" in a.text for a in articles if a.origin == "odd-json")
    page = (tmp_path / "out" / DAY / f"brief-{DAY}.html").read_text(encoding="utf-8")
    assert "cut to size" in page and "too large" in page
    assert not UNSAFE_RE.search(page)


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/briefgen-absolute-escape", "nul\x00name", "..", "a/../../b"])
def test_names_and_titles_never_become_paths(tmp_path, name):
    """Source names (config) and front-matter sources and titles (content) are text: every
    file a run writes is inside the output folder, and none is named after them."""
    project = tmp_path / "project"
    (project / "articles").mkdir(parents=True)
    (project / "articles" / "a.md").write_text(
        f"---\ntitle: {json.dumps(name + '/../../../etc/title')}\nsource: {json.dumps(name)}\n---\n"
        "The missile launch was reported.\n", encoding="utf-8")
    with FeedServer() as feeds:
        feeds.routes["/f"] = Route(rss([{"guid": name, "title": name.replace("\x00", "") + "/x",
                                         "description": "A missile launch.", "date": "Wed, 17 Jan 2024 01:00:00 GMT"}]))
        config = write_config(project, [{"name": name, "path": "articles"}, {"name": name + " feed", "url": feeds.url("/f")}],
                              email={"host": "127.0.0.1", "port": 1, "security": "none", "from": "brief@example.org",
                                     "to": [f"{name.replace(chr(0), '')}evil@example.org"]})
        before = files_under(tmp_path)
        assert generate(config) == 0
        assert main(["send", "--config", str(config), "--date", DAY, "--dry-run", "--quiet"]) == 0
    created = files_under(tmp_path) - before
    out = project / "out"
    assert created and all(p == out or out in p.parents for p in created), sorted(map(str, created))
    assert not Path("/tmp/briefgen-absolute-escape").exists()
    assert not list(tmp_path.rglob("title*")) and not list(tmp_path.rglob("escaped*"))
    eml = [p for p in created if p.suffix == ".eml"]
    assert len(eml) == 1 and eml[0].parent == out / DAY


@pytest.mark.parametrize("recipient", ["../../x@example.org", "/etc/x@example.org", "a\x00b@example.org"])
def test_eml_names_stay_in_the_folder(tmp_path, recipient):
    path = eml_path(tmp_path, datetime.fromisoformat(DAY).date(), recipient)
    assert path.parent == tmp_path and "/" not in path.name and "\x00" not in path.name
