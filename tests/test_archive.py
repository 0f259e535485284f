"""The archive: out/index.html lists every brief, newest first; out/latest is the newest."""

from __future__ import annotations

import html
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.config import parse_config
from briefgen.deliver import archive
from briefgen.deliver.archive import ArchiveEntry, render_index, write_archive
from briefgen.models import BriefRecord, ThemeCount

from .conftest import write


def _generate(project: Path, out: Path, day: str, formats: str = "json,html") -> None:
    assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", day,
                 "--out", str(out), "--format", formats]) == 0


def _entries(index: Path) -> list[str]:
    return re.findall(r'<article class="entry[^"]*" id="brief-([\d-]+)"', index.read_text(encoding="utf-8"))


def test_index_lists_every_brief_newest_first_and_latest_follows(project: Path):
    out = project / "out"
    _generate(project, out, "2024-01-16")
    _generate(project, out, "2024-01-17", "json,html,pdf,md")
    _generate(project, out, "2024-01-15")  # an earlier date, regenerated later
    index = out / "index.html"
    assert _entries(index) == ["2024-01-17", "2024-01-16", "2024-01-15"]
    page = index.read_text(encoding="utf-8")
    assert "Wednesday 17 January 2024" in page and 'class="badge">Latest<' in page
    for fmt in ("html", "pdf", "md", "json"):
        assert f'href="2024-01-17/brief-2024-01-17.{fmt}"' in page
    assert 'href="2024-01-16/brief-2024-01-16.pdf"' not in page
    # The bottom line and the counts per theme of each brief, as its JSON has them.
    # (The seeds tell the same two stories every day: only the first brief, 16 Jan, has them as news.)
    first = json.loads((out / "2024-01-16/brief-2024-01-16.json").read_text(encoding="utf-8"))
    assert html.escape(first["bottom_line"][0]["text"], quote=False) in page
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert data["bottom_line"] == []
    missiles = next(t for t in data["themes"] if t["key"] == "missiles")
    assert re.search(
        rf"<td>Missiles</td><td class=\"num\">{len(missiles['summary'])}</td><td class=\"num\">{len(missiles['passages'])}</td>",
        page,
    )
    assert "<style>" in page and "<link" not in page and "<script" not in page
    # latest: the newest date, not the last run.
    latest = out / "latest"
    assert latest.is_symlink() and os.readlink(latest) == "2024-01-17"
    assert (latest / "brief-2024-01-17.pdf").is_file()


def test_latest_is_a_copy_where_symlinks_fail(project: Path, monkeypatch: pytest.MonkeyPatch):
    out = project / "out"

    def no_symlinks(*args: object, **kwargs: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(archive.os, "symlink", no_symlinks)
    _generate(project, out, "2024-01-16")
    _generate(project, out, "2024-01-17")
    latest = out / "latest"
    assert latest.is_dir() and not latest.is_symlink()
    assert sorted(p.name for p in latest.iterdir()) == ["brief-2024-01-17.html", "brief-2024-01-17.json"]
    monkeypatch.undo()
    # Once symlinks work again, the copy gives way to a link, and no temporary is left behind.
    _generate(project, out, "2024-01-17")
    assert latest.is_symlink() and os.readlink(latest) == "2024-01-17"
    # (.briefgen holds the store, which lives in the output folder by default.)
    assert sorted(p.name for p in out.iterdir() if p.name != ".briefgen") == ["2024-01-16", "2024-01-17", "index.html", "latest"]


def test_index_escapes_what_briefs_say(tmp_path: Path):
    config = parse_config({"sources": [{"name": "s", "path": "x"}], "themes": [{"key": "t", "label": "T", "terms": ["x"]}],
                           "output": {"distribution": "Internal <b>only</b>"}}, base_dir=tmp_path)
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    entry = ArchiveEntry(
        date(2024, 1, 17), "2024-01-17",
        BriefRecord(date(2024, 1, 17), "x", (f"Point {hostile}",), (ThemeCount("t", f"Theme {hostile}", 1, 2, 1),), 1, 1),
        {"html": "2024-01-17/brief-2024-01-17.html"},
    )
    page = render_index([entry, ArchiveEntry(date(2024, 1, 16), "2024-01-16", None, {"pdf": "2024-01-16/brief-2024-01-16.pdf"})], config)
    assert "<script" not in page and "<img" not in page and "<b>only" not in page
    assert "Point &lt;script&gt;" in page and "Theme &lt;script&gt;" in page and "Internal &lt;b&gt;only" in page
    assert "No JSON brief for this date" in page
    assert '<a href="2024-01-17/brief-2024-01-17.html">Wednesday 17 January 2024</a>' in page


def test_empty_output_folder_gives_an_empty_index(tmp_path: Path):
    config = parse_config({"sources": [{"name": "s", "path": "x"}], "themes": [{"key": "t", "label": "T", "terms": ["x"]}]},
                          base_dir=tmp_path)
    written = write_archive(tmp_path / "out", config)
    assert written == [tmp_path / "out/index.html"]
    assert "No briefs yet." in written[0].read_text(encoding="utf-8")


def test_archive_template_can_be_overridden(project: Path):
    write(project / "mytemplates/archive.html",
          "<ul>{% for b in briefs %}<li>{{ b.date.isoformat() }} {{ b.record.themes | length }}</li>{% endfor %}</ul>\n")
    config = (project / "sources.yaml").read_text(encoding="utf-8").replace("output:\n", "output:\n  templates: mytemplates\n", 1)
    (project / "sources.yaml").write_text(config, encoding="utf-8")
    out = project / "out"
    _generate(project, out, "2024-01-17")
    assert (out / "index.html").read_text(encoding="utf-8") == "<ul><li>2024-01-17 3</li></ul>\n"
