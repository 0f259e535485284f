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
    # (.briefgen holds the store, which lives in the output folder by default; .briefgen-output
    # marks the folder as briefgen's.)
    assert sorted(p.name for p in out.iterdir() if p.name not in (".briefgen", ".briefgen-output")) == [
        "2024-01-16", "2024-01-17", "index.html", "latest"]


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


# --- Whose the output folder is ------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`: a file's bytes, a link's target, a folder as such."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        found[key] = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return found


def _run(project: Path, out: Path, capsys, day: str = "2024-01-17") -> tuple[int, str]:
    capsys.readouterr()
    code = main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", day,
                 "--out", str(out), "--format", "json,html"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("theirs", [
    {"index.html": "<h1>My home page</h1>"},
    {"latest/notes.txt": "my notes"},
    {"photos/cat.jpg": "meow"},
    {"2024-01-17/thesis.docx": "chapter 1"},
    {"2024-01-16/brief-2024-01-16.html": "ok", "2024-01-16/draft.txt": "mine"},
    {"README": "mine"},
], ids=["index", "latest-folder", "other-folder", "in-a-dated-folder", "beside-a-brief", "file"])
def test_a_folder_holding_files_briefgen_did_not_write_is_left_exactly_as_it_was(project: Path, tmp_path: Path,
                                                                                capsys, theirs: dict[str, str]):
    out = tmp_path / "mine"
    for name, text in theirs.items():
        write(out / name, text)
    before = _snapshot(out)
    code, err = _run(project, out, capsys)
    assert code == 10, err
    assert err.count("\n") == 1 and f"{out} holds files briefgen did not write" in err, err
    assert "choose a new or empty output folder" in err
    assert _snapshot(out) == before


def test_a_latest_link_to_something_else_is_not_briefgens(project: Path, tmp_path: Path, capsys):
    out = tmp_path / "mine"
    write(out / "docs/a.txt", "mine")
    os.symlink("docs", out / "latest")
    # Only the link would be a stranger if docs/ were not: take docs/ away from the picture.
    (out / "docs/a.txt").unlink()
    (out / "docs").rmdir()
    code, err = _run(project, out, capsys)
    assert code == 10 and "(latest)" in err, err


def test_an_older_versions_output_folder_without_a_marker_keeps_working(project: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert _run(project, out, capsys, "2024-01-16") == (0, "")
    marker = out / ".briefgen-output"
    assert marker.is_file()
    # As an older briefgen left it: no marker, and leftovers of a killed archive update.
    marker.unlink()
    write(out / f".index.html.{os.getpid()}.tmp", "half")
    write(out / "2024-01-16" / f"brief-2024-01-16.{'alice@example.org'}.eml", "From: x\n")
    code, err = _run(project, out, capsys)
    assert code == 0, err
    assert marker.is_file()
    assert _entries(out / "index.html") == ["2024-01-17", "2024-01-16"]
    assert os.readlink(out / "latest") == "2024-01-17"


def test_with_the_marker_index_and_latest_are_replaced(project: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    write(out / ".briefgen-output", "")
    write(out / "index.html", "an index someone edited")
    write(out / "latest/old.html", "a copy from a machine without symlinks")
    assert _run(project, out, capsys) == (0, "")
    assert _entries(out / "index.html") == ["2024-01-17"]
    assert os.readlink(out / "latest") == "2024-01-17"


def test_an_empty_or_missing_folder_becomes_briefgens(project: Path, tmp_path: Path, capsys):
    for out in (tmp_path / "new" / "deeper", tmp_path / "empty"):
        (tmp_path / "empty").mkdir(exist_ok=True)
        assert _run(project, out, capsys) == (0, "")
        assert (out / ".briefgen-output").is_file() and (out / "index.html").is_file()


def test_an_output_folder_inside_a_source_folder_is_refused_by_check_and_generate(project: Path, capsys):
    import yaml

    config = project / "sources.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    folder = data["sources"][0]["path"]
    for inside in (f"{folder.rstrip('/')}/out", folder):
        data["output"] = {**data.get("output", {}), "dir": inside}
        config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        for argv in (["check", "--offline"], ["generate", "--date", "2024-01-17"]):
            capsys.readouterr()
            assert main([*argv, "--config", str(config)]) == 3
            err = capsys.readouterr().err
            assert f"output.dir: {project / inside} is inside the folder of sources[0] ({folder})" in err, err
    # The config's own folder is fine; --out into the sources is a usage error.
    data["output"]["dir"] = "out"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["generate", "--config", str(config), "--date", "2024-01-17",
                 "--out", str(project / folder / "briefs")]) == 2
    assert "--out: " in capsys.readouterr().err
    assert not (project / folder / "briefs").exists()


def test_an_output_folder_reached_through_a_symbolic_link_into_a_source_folder_is_refused(project: Path, capsys):
    # The same folder by another name: the briefs would still be read back as articles.
    import yaml

    config = project / "sources.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    folder = project / data["sources"][0]["path"]
    (project / "shortcut").symlink_to(folder, target_is_directory=True)
    for name, source in (("shortcut/out", data["sources"][0]["path"]), ("briefs", None)):
        if source is None:
            # The other way round: the source named through the link, the output by its real path.
            data["sources"][0]["path"] = "shortcut/"
            name = str(folder / "briefs")
        data["output"] = {**data.get("output", {}), "dir": name}
        config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        for argv in (["check", "--offline"], ["generate", "--date", "2024-01-17"]):
            capsys.readouterr()
            assert main([*argv, "--config", str(config)]) == 3, name
            assert "is inside the folder of sources[0]" in capsys.readouterr().err
    assert not (folder / "out").exists() and not (folder / "briefs").exists()
