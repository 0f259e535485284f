from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from briefgen.config import load_config
from briefgen.ingest import ingest

from .conftest import write

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
