"""A bug in one section of the analysis costs the brief that section, never the brief.

The faults are injected (a section's step made to raise) because the point is what
`generate` does with any bug there; the case that showed it, a real KeyError in the day's
merge of names, has its own test in test_sections.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen import analyse as analyse_pkg
from briefgen.cli import main

DATE = "2024-01-17"


def _generate(project: Path, formats: str = "json,md,html") -> Path:
    out = project / "out"
    assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", DATE, "--out", str(out),
                 "--format", formats]) == 0
    return out / DATE


def test_a_normal_brief_has_no_failed_section(project: Path):
    data = json.loads((_generate(project, "json") / f"brief-{DATE}.json").read_text(encoding="utf-8"))
    assert data["failed_sections"] == [] and data["entities"]


def test_a_section_that_raises_is_left_out_and_said_so_and_the_rest_is_written(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def broken(*args: object, **kwargs: object) -> None:
        # An error that quotes article text, with a control character in it.
        raise KeyError("dominguez\x1b[31m")

    monkeypatch.setattr(analyse_pkg.merging, "collect", broken)
    folder = _generate(project, "json,md,html,pdf")
    data = json.loads((folder / f"brief-{DATE}.json").read_text(encoding="utf-8"))
    assert data["failed_sections"] == [{"section": "People and organisations", "error": "KeyError: 'dominguez\\x1b[31m'"}]
    # Nothing of the section, everything else: themes, stories, quotes (without speakers'
    # kinds from the names), the timeline.
    assert data["entities"] == [] and data["themes"] and data["bottom_line"] and data["stories"] and data["timeline"]
    md = (folder / f"brief-{DATE}.md").read_text(encoding="utf-8")
    assert "> Not in this brief: People and organisations. It could not be built (KeyError:" in md
    assert "\x1b" not in md
    # The empty section does not claim the day had no names.
    people = md[md.index("## People and organisations"):md.index("## Emerging topics")]
    assert "_Not built in this brief: see the notice at its top._" in people and "No names found" not in people
    html = (folder / f"brief-{DATE}.html").read_text(encoding="utf-8")
    assert 'role="alert">Not in this brief: People and organisations.' in html and "\x1b" not in html
    assert html.count("Not built in this brief: see the notice at its top.") == 1
    assert (folder / f"brief-{DATE}.pdf").stat().st_size > 0
    err = capsys.readouterr().err
    assert "People and organisations: could not be built (KeyError: 'dominguez\\x1b[31m')" in err
    assert "\x1b[31m" not in err.replace("\x1b[1;31m", "").replace("\x1b[0m", "")


def test_every_guarded_section_fails_on_its_own(project: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(analyse_pkg.emerging, "find", broken)
    monkeypatch.setattr(analyse_pkg.changes_mod, "compare", broken)
    data = json.loads((_generate(project, "json") / f"brief-{DATE}.json").read_text(encoding="utf-8"))
    assert [f["section"] for f in data["failed_sections"]] == ["What changed", "Emerging topics"]
    assert data["changes"] is None and data["emerging"] == [] and data["entities"] and data["themes"]


def test_continuity_with_earlier_briefs_that_fails_leaves_the_stories_new_and_what_changed_out(
        project: Path, monkeypatch: pytest.MonkeyPatch):
    out = project / "out"
    assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", "2024-01-16", "--out", str(out),
                 "--format", "json"]) == 0

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a story record of an earlier version")

    monkeypatch.setattr(analyse_pkg.storyline, "link", broken)
    data = json.loads((_generate(project, "json,md") / f"brief-{DATE}.json").read_text(encoding="utf-8"))
    assert data["failed_sections"] == [{"section": "Stories continued from earlier briefs, and What changed",
                                        "error": "ValueError: a story record of an earlier version"}]
    assert data["changes"] is None and data["stories"] and all(s["continues"] is None for s in data["stories"])
    assert data["entities"] and data["themes"]
    md = (out / DATE / f"brief-{DATE}.md").read_text(encoding="utf-8")
    assert "## What changed" not in md and "> Not in this brief: Stories continued from earlier briefs" in md
