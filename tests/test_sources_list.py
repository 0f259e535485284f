"""The sources list: every source has a date or says how it is unknown, in every format.

A brief is made from real files (front matter, HTML metadata, a plain file whose time is
set with os.utime) and a real feed on 127.0.0.1 (one item dated, one not); the list is
read back as a reader gets it: the HTML page, the PDF's text (pdftotext), the Markdown
and the JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from briefgen.config import parse_config
from briefgen.pipeline import build_brief

from .conftest import write
from .feedserver import FeedServer, Route, rss

SEOUL = ZoneInfo("Asia/Seoul")
DAY = date(2024, 1, 17)
NOW = datetime(2024, 1, 17, 7, 0, tzinfo=SEOUL)
TOUCHED = datetime(2026, 11, 27, 10, 0, tzinfo=SEOUL)
THEMES = [{"key": "missiles", "label": "Missiles", "terms": ["missile"]}]

# What each source's entry says after its name, in the HTML, PDF and Markdown alike.
EXPECTED = {
    "Launch over the East Sea": ("Local", "14 Jan 2024"),
    "Drills resume": ("Local", "15 Jan 2024 (from HTML metadata)"),
    "Talks stall": ("Local", "date unknown (file modified 27 Nov 2026)"),
    "Plain notes on the launch": ("Local", "date unknown (file modified 27 Nov 2026)"),
    "Missile over the East Sea": ("Wire", "17 Jan 2024"),
    "Undated missile item": ("Wire", "date unknown: the feed gives none (first seen 17 Jan 2024)"),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The brief's folder, written from files and a feed (once: every test only reads it)."""
    tmp_path = tmp_path_factory.mktemp("project")
    write(tmp_path / "articles/front.md", """
        ---
        title: Launch over the East Sea
        date: 2024-01-14T09:30:00
        ---
        North Korea fired a ballistic missile into the sea on Sunday, officials said.
        """)
    write(tmp_path / "articles/meta.html", """
        <html><head><title>Drills resume</title>
        <meta property="article:published_time" content="2024-01-15T08:00:00+09:00"></head>
        <body><article><h1>Drills resume</h1>
        <p>South Korea and the United States resumed joint military drills after a missile launch on Monday.</p>
        <p>The exercises involve live-fire training and thousands of troops from both countries.</p>
        </article></body></html>
        """)
    write(tmp_path / "articles/bare.html", """
        <html><head><title>Talks stall</title></head>
        <body><article><h1>Talks stall</h1>
        <p>The meeting of 2023-03-05 on missile limits was cancelled, officials said, and no new date was set.</p>
        <p>Envoys from both sides said they would keep in touch through the liaison office at Panmunjom.</p>
        </article></body></html>
        """)
    write(tmp_path / "articles/plain.txt", "Plain notes on the launch\nNorth Korea fired a missile on Sunday. It flew over Japan.\n")
    for file in (tmp_path / "articles").iterdir():
        os.utime(file, (TOUCHED.timestamp(), TOUCHED.timestamp()))
    items = [
        {"guid": "w1", "title": "Missile over the East Sea", "link": "https://wire.example/1",
         "description": "North Korea fired a short-range missile into the East Sea on Wednesday.",
         "date": "Wed, 17 Jan 2024 01:00:00 GMT"},
        {"guid": "w2", "title": "Undated missile item", "link": "https://wire.example/2",
         "description": "The missile flew about 1,000 kilometres before it fell into the sea."},
    ]
    with FeedServer() as server:
        server.routes["/feed"] = Route(rss(items))
        config = parse_config({
            "timezone": "Asia/Seoul", "themes": THEMES,
            "sources": [{"name": "Local", "path": "articles/", "window": "all"},
                        {"name": "Wire", "url": server.url("/feed"), "window": "all"}],
        }, base_dir=tmp_path)
        build_brief(config, DAY, out_dir=tmp_path / "out", now=NOW)
    return tmp_path / "out" / DAY.isoformat()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_source_in_the_html_has_a_date_or_says_why_not(made: Path):
    root = lxml.html.fromstring((made / f"brief-{DAY}.html").read_bytes())
    entries = root.xpath('//ol[@class="source-list"]/li')
    shown = {}
    for entry in entries:
        title = _flat(entry.find_class("src-title")[0].text_content())
        source, _, when = _flat(entry.find_class("src-meta")[0].text_content()).partition(" · ")
        shown[title] = (source, when)
        # Every entry links, or names its file.
        assert entry.find_class("src-url"), title
    assert shown == EXPECTED


def test_every_source_in_the_pdf_and_the_markdown_has_a_date_or_says_why_not(made: Path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found: install poppler-utils (scripts/sysdeps.sh does)")
    pdf = subprocess.run(["pdftotext", str(made / f"brief-{DAY}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    listed = _flat(pdf[pdf.rindex("Sources"):])
    for title, (source, when) in EXPECTED.items():
        assert f"{title} {source} · {when}" in listed, title
    markdown = (made / f"brief-{DAY}.md").read_text(encoding="utf-8")
    for title, (source, when) in EXPECTED.items():
        assert re.search(rf"^\d+\. \*\*{re.escape(title)}\*\* — {source}, {re.escape(when)}\\?$", markdown, re.M), title


def test_the_json_says_how_each_source_was_dated(made: Path):
    sources = {s["title"]: s for s in json.loads((made / f"brief-{DAY}.json").read_text(encoding="utf-8"))["sources"]}
    touched = TOUCHED.isoformat()
    assert {title: (s["published"], s["date_basis"], s["modified"]) for title, s in sources.items()} == {
        "Launch over the East Sea": ("2024-01-14T09:30:00+09:00", "front matter", touched),
        "Drills resume": ("2024-01-15T08:00:00+09:00", "html metadata", touched),
        "Talks stall": (None, "file modified", touched),
        "Plain notes on the launch": (None, "file modified", touched),
        "Missile over the East Sea": ("2024-01-17T10:00:00+09:00", "feed", None),
        "Undated missile item": (None, None, None),
    }


def test_a_modification_time_never_anchors_the_timeline(made: Path):
    """'On Sunday' in a file dated only by its modification time stays unresolved."""
    brief = json.loads((made / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    plain = next(s["id"] for s in brief["sources"] if s["title"] == "Plain notes on the launch")
    [sunday] = [e for e in brief["timeline"] if plain in e["source_ids"]]
    assert (sunday["expression"], sunday["status"], sunday["date"]) == ("on Sunday", "unresolved", None)
