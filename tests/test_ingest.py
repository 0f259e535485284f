from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from briefgen.config import load_config
from briefgen.ingest import ingest

from .conftest import write
from .feedserver import FeedServer

CONFIG = """
title: Test brief
timezone: Asia/Seoul
sources:
  - name: Local
    path: articles/
    window: all
themes:
  - key: missiles
    label: Missiles
    terms: [missile]
"""


def _ingest(tmp_path: Path):
    config = load_config(write(tmp_path / "sources.yaml", CONFIG))
    return ingest(config)


def test_seeds_become_two_articles_with_inferred_titles(project: Path):
    result = ingest(load_config(project / "sources.yaml"))
    assert result.notes == []
    titles = sorted(a.title for a in result.articles)
    assert titles == ["The Korean peninsula is on the boil again.", "What's North Korea up to?"]
    second = next(a for a in result.articles if a.title.startswith("What's"))
    # The title line is not repeated as body text; embeds and bare links are gone.
    assert not second.text.startswith("What's North Korea up to?")
    assert "https://t.co" not in second.text
    assert "(@trtworld)" not in second.text
    first = next(a for a in result.articles if a.title.startswith("The Korean"))
    assert "Russia-North Korea Camaraderie" not in first.text
    assert "Jo Chol Su, director general" in first.text


def test_ids_are_stable_across_runs(project: Path):
    config = load_config(project / "sources.yaml")
    assert [a.id for a in ingest(config).articles] == [a.id for a in ingest(config).articles]


def test_front_matter_overrides_inferred_metadata(tmp_path: Path):
    write(tmp_path / "articles/one.md", """
        ---
        title: Launch over the East Sea
        date: 2024-01-14T09:30:00
        url: https://news.example/launch
        source: Example Wire
        author: A. Writer
        ---
        # A heading in the body
        North Korea fired a ballistic missile into the sea on Sunday, officials said.
        """)
    result = _ingest(tmp_path)
    [article] = result.articles
    assert article.title == "Launch over the East Sea"
    assert article.source == "Example Wire"
    assert article.url == "https://news.example/launch"
    assert article.author == "A. Writer"
    assert article.published.isoformat() == "2024-01-14T09:30:00+09:00"
    assert article.text == "North Korea fired a ballistic missile into the sea on Sunday, officials said."


def test_long_first_line_gives_a_shortened_first_sentence(tmp_path: Path):
    write(tmp_path / "articles/a.txt", "Officials in Seoul said on Monday that a long series of events had unfolded over the weekend near the border, which drew wide concern. More text follows.\n")
    [article] = _ingest(tmp_path).articles
    assert article.title.endswith("\u2026") and len(article.title) <= 90
    assert article.title.startswith("Officials in Seoul said on Monday")


def test_html_gives_main_text_not_markup(tmp_path: Path):
    write(tmp_path / "articles/page.html", """
        <html><head><title>Drills resume</title><script>var x = "do not show";</script></head>
        <body><nav>Home | World | Sport</nav>
        <article><h1>Drills resume</h1>
        <p>South Korea and the United States resumed joint military drills near the border on Monday.</p>
        <p>The exercises involve live-fire training and thousands of troops from both countries.</p>
        </article><footer>Copyright 2024</footer></body></html>
        """)
    [article] = _ingest(tmp_path).articles
    assert article.title == "Drills resume"
    assert "resumed joint military drills" in article.text
    assert "<p>" not in article.text and "do not show" not in article.text


def test_bad_files_are_noted_and_skipped(tmp_path: Path):
    write(tmp_path / "articles/good.txt", "A missile was fired. Officials confirmed the launch on Monday.\n")
    (tmp_path / "articles/latin1.txt").write_bytes("Caf\xe9 missile story with more words.".encode("latin-1"))
    (tmp_path / "articles/empty.txt").write_text("  \n", encoding="utf-8")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "articles/broken.txt")
    result = _ingest(tmp_path)
    assert [a.path for a in result.articles] == ["articles/good.txt"]
    reasons = {n.target: n.reason for n in result.notes}
    assert reasons["articles/latin1.txt"].startswith("not UTF-8")
    assert reasons["articles/empty.txt"] == "empty file"
    assert reasons["articles/broken.txt"].startswith("cannot read")
    assert all(n.source == "Local" for n in result.notes)


def test_missing_path_is_a_note(tmp_path: Path):
    config = load_config(write(tmp_path / "sources.yaml", CONFIG.replace("articles/", "absent/*.txt")))
    result = ingest(config)
    assert result.articles == []
    assert result.notes[0].reason == "no file matches this path"


def test_first_seen_is_the_file_time_in_the_config_zone(tmp_path: Path):
    path = write(tmp_path / "articles/a.txt", "North Korea fired a missile. It flew over Japan.\n")
    stamp = datetime(2024, 1, 16, 12, 0).timestamp()
    os.utime(path, (stamp, stamp))
    [article] = _ingest(tmp_path).articles
    assert article.published is None
    assert article.date == datetime.fromtimestamp(stamp).astimezone(article.first_seen.tzinfo)
    assert str(article.first_seen.tzinfo) == "Asia/Seoul"


def test_each_file_says_how_its_date_was_had(tmp_path: Path):
    """Front matter and HTML metadata date an article; a file's time only marks it as modified."""
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
        <p>South Korea and the United States resumed joint military drills near the border on Monday.</p>
        <p>The exercises involve live-fire training and thousands of troops from both countries.</p>
        </article></body></html>
        """)
    # Dates in the text and in the canonical link are not the page's publication date.
    write(tmp_path / "articles/bare.html", """
        <html><head><title>Talks stall</title>
        <link rel="canonical" href="https://news.example/2023/03/05/talks.html"></head>
        <body><article><h1>Talks stall</h1>
        <p>The meeting of 2023-03-05 was cancelled, officials said, and no new date was set for the talks.</p>
        <p>Envoys from both sides said they would keep in touch through the liaison office at Panmunjom.</p>
        </article></body></html>
        """)
    write(tmp_path / "articles/plain.txt", "North Korea fired a missile. It flew over Japan.\n")
    stamp = datetime(2026, 11, 27, 10, 0).timestamp()
    for name in ("meta.html", "bare.html", "plain.txt", "front.md"):
        os.utime(tmp_path / "articles" / name, (stamp, stamp))
    by_name = {Path(a.path).name: a for a in _ingest(tmp_path).articles}
    touched = datetime.fromtimestamp(stamp).astimezone(by_name["plain.txt"].modified.tzinfo)

    front, meta, bare, plain = (by_name[n] for n in ("front.md", "meta.html", "bare.html", "plain.txt"))
    assert (front.published.isoformat(), front.date_basis) == ("2024-01-14T09:30:00+09:00", "front matter")
    assert (meta.published.isoformat(), meta.date_basis) == ("2024-01-15T08:00:00+09:00", "html metadata")
    for undated in (bare, plain):
        assert undated.published is None and undated.date_basis == "file modified"
        assert undated.modified == touched
    # Every file keeps its modification time apart, dated or not.
    assert front.modified == meta.modified == touched


def test_dating_an_html_file_fetches_nothing(tmp_path: Path):
    """htmldate downloads a string that looks like a URL; briefgen never hands it one."""
    with FeedServer() as server:
        write(tmp_path / "articles/link.html", server.url("/bare-url") + "\n")
        write(tmp_path / "articles/page.html", f"""
            <html><head><link rel="canonical" href="{server.url('/2024/01/16/canonical')}">
            <meta http-equiv="refresh" content="0; url={server.url('/refresh')}"></head>
            <body><p>North Korea fired a missile on Monday, officials said, and Japan protested at once.</p>
            <img src="{server.url('/img/2024-01-16.png')}"></body></html>
            """)
        result = _ingest(tmp_path)
        assert server.hits == []
    dates = {Path(a.path).name: (a.published, a.date_basis) for a in result.articles}
    assert dates["page.html"] == (None, "file modified")
