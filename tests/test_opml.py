"""`briefgen sources import FILE.opml`: feeds appended as text, the file's comments kept."""

from __future__ import annotations

from pathlib import Path

from briefgen.cli import main
from briefgen.config import load_config

from .conftest import write

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Korea watch</title></head>
  <body>
    <outline text="Korea">
      <outline type="rss" text="NK News" title="NK News" xmlUrl="https://www.nknews.org/feed/" htmlUrl="https://www.nknews.org/"/>
      <outline type="rss" text="Seed articles" xmlUrl="https://seeds.example/rss"/>
      <outline type="rss" text='Quote " and: colon # hash' xmlUrl="https://quotes.example/feed?a=1&amp;b=2"/>
      <outline type="rss" text="Again NK News" xmlUrl="https://www.nknews.org/feed/"/>
      <outline type="link" text="Not a feed" url="https://example.org/"/>
      <outline type="rss" text="Bad scheme" xmlUrl="javascript:alert(1)"/>
    </outline>
  </body>
</opml>
"""


def test_import_appends_feeds_and_keeps_the_file_as_it_was(project: Path, capsys):
    config_path = project / "sources.yaml"
    before = config_path.read_text(encoding="utf-8")
    opml = write(project / "feeds.opml", OPML)
    assert main(["sources", "import", str(opml), "-c", str(config_path)]) == 0
    after = config_path.read_text(encoding="utf-8")
    # Every original line is still there, in order: only new lines were inserted.
    old = before.splitlines()
    new_lines = after.splitlines()
    it = iter(new_lines)
    assert all(line in it for line in old)
    assert "  # Imported from feeds.opml" in new_lines
    config = load_config(config_path)
    # "NK News" is already configured (disabled) by URL; a taken name gets a suffix.
    added = [s for s in config.sources if s.url in ("https://seeds.example/rss", "https://quotes.example/feed?a=1&b=2")]
    assert [s.name for s in added] == ["Seed articles (2)", 'Quote " and: colon # hash']
    assert [t.key for t in config.themes] == ["missiles", "drills", "russia"]
    assert "2 feeds added, 1 already there" in capsys.readouterr().out
    # Importing again adds nothing and leaves the file alone.
    assert main(["sources", "import", str(opml), "-c", str(config_path)]) == 0
    assert config_path.read_text(encoding="utf-8") == after


def test_import_into_a_file_it_cannot_extend_changes_nothing(tmp_path: Path, capsys):
    config_path = write(tmp_path / "sources.yaml", """
        sources: [{name: a, path: x}]
        themes: [{key: m, label: M, terms: [missile]}]
        """)
    before = config_path.read_text(encoding="utf-8")
    opml = write(tmp_path / "feeds.opml", OPML)
    assert main(["sources", "import", str(opml), "-c", str(config_path)]) == 3
    assert "write 'sources:' as a block list" in capsys.readouterr().err
    assert config_path.read_text(encoding="utf-8") == before
    not_opml = write(tmp_path / "feeds.xml", "<rss><channel/></rss>")
    assert main(["sources", "import", str(not_opml), "-c", str(config_path)]) == 3
    assert "not an OPML file" in capsys.readouterr().err
