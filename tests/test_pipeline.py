"""End to end: seeds in, the four files out, through the real CLI entry point."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.deliver.files import atomic_write
from briefgen.errors import OutputError

from .conftest import ROOT, write


def _generate(project: Path, out: Path, *extra: str) -> int:
    return main(["generate", "--config", str(project / "sources.yaml"), "--date", "2024-01-17", "--out", str(out), *extra])


def _without_generated_at(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


def test_json_brief_matches_the_contract_and_is_reproducible(project: Path):
    out = project / "build/x"
    assert _generate(project, out, "--format", "json") == 0
    path = out / "2024-01-17/brief-2024-01-17.json"
    assert sorted(p.name for p in path.parent.iterdir()) == ["brief-2024-01-17.json"]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["date"] == "2024-01-17"
    assert data["title"] == "Korean Peninsula Daily Brief"
    assert {"date", "title", "generated_at", "window", "sources", "bottom_line", "themes", "other", "notes"} <= set(data)
    assert [t["key"] for t in data["themes"]] == ["missiles", "drills", "russia"]
    assert [t["label"] for t in data["themes"]] == ["Missiles", "Military drills", "Russia ties"]
    ids = {s["id"] for s in data["sources"]}
    assert len(ids) == 2
    for source in data["sources"]:
        assert {"id", "name", "title", "url", "path", "published"} <= set(source)
        assert source["name"] == "Seed articles" and source["path"].startswith("seeds/")
    # The bottom line tells distinct stories, one line each: the seeds are two stories.
    assert [p["story"] for p in data["bottom_line"]] == [s["id"] for s in sorted(data["stories"], key=lambda s: s["rank"])]
    assert len(data["bottom_line"]) == 2
    for theme in data["themes"]:
        assert theme["summary"], theme["key"]
        assert theme["passages"], theme["key"]
        for passage in theme["passages"]:
            assert passage["source_id"] in ids and passage["score"] > 0 and passage["matched"]
    for point in data["bottom_line"] + [p for t in data["themes"] for p in t["summary"]]:
        assert point["source_ids"] and set(point["source_ids"]) <= ids
    assert data["other"] and all(p["matched"] == [] for p in data["other"])
    assert data["notes"] == []

    assert _generate(project, out, "--format", "json") == 0
    assert _without_generated_at(path) == {k: v for k, v in data.items() if k != "generated_at"}


def test_every_summary_sentence_is_verbatim_from_its_source(project: Path):
    out = project / "out"
    assert _generate(project, out, "--format", "json") == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    texts = {}
    for source in data["sources"]:
        raw = (project / source["path"]).read_text(encoding="utf-8")
        texts[source["id"]] = re.sub(r"\s+", " ", raw.replace("\u00a0", " "))
    points = data["bottom_line"] + [p for t in data["themes"] for p in t["summary"]]
    for point in points:
        assert any(re.sub(r"\s+", " ", point["text"]) in texts[sid] for sid in point["source_ids"]), point["text"]


def test_four_formats_with_a_readable_pdf(project: Path):
    from pypdf import PdfReader

    out = project / "out"
    assert _generate(project, out) == 0
    folder = out / "2024-01-17"
    assert sorted(p.name for p in folder.iterdir()) == [f"brief-2024-01-17.{x}" for x in ("html", "json", "md", "pdf")]
    reader = PdfReader(folder / "brief-2024-01-17.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Headings may be set in capitals by the stylesheet; compare without case.
    for heading in ("Missiles", "Military drills", "Russia ties", "Bottom line", "Sources"):
        assert heading.casefold() in text.casefold(), heading
    assert re.search(r"\[\d+\]", text)
    assert f"Page 1 of {len(reader.pages)}" in text.replace("\n", " ")
    html = (folder / "brief-2024-01-17.html").read_text(encoding="utf-8")
    assert "<h2" in html and "Russia ties" in html
    md = (folder / "brief-2024-01-17.md").read_text(encoding="utf-8")
    assert "## Missiles" in md and re.search(r"\[\d+\]", md)


def test_strict_fails_after_writing_when_a_source_failed(project: Path):
    (project / "seeds/broken.txt").write_bytes(b"\xff\xfe bad bytes")
    out = project / "out"
    assert _generate(project, out, "--format", "json") == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert data["notes"] == [
        {"source": "Seed articles", "target": "seeds/broken.txt", "reason": "not UTF-8 (invalid byte at offset 0); convert it to UTF-8", "level": "error"}
    ]
    assert len(data["sources"]) == 2
    (out / "2024-01-17/brief-2024-01-17.json").unlink()
    assert _generate(project, out, "--format", "json", "--strict") == 4
    assert (out / "2024-01-17/brief-2024-01-17.json").exists()


def test_window_excludes_old_dated_articles(project: Path):
    write(project / "news/old.md", "---\ndate: 2024-01-12\n---\nNorth Korea fired a missile into the sea, officials said.\n")
    write(project / "news/new.md", "---\ndate: 2024-01-17T08:00:00\n---\nNorth Korea fired another missile into the sea, officials said.\n")
    config = (project / "sources.yaml").read_text(encoding="utf-8")
    config = config.replace("sources:\n", "sources:\n  - name: News\n    path: news/*.md\n", 1)
    (project / "sources.yaml").write_text(config, encoding="utf-8")
    out = project / "out"
    assert _generate(project, out, "--format", "json") == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    paths = [s["path"] for s in data["sources"]]
    assert "news/new.md" in paths and "news/old.md" not in paths
    assert data["window"]["start"] == "2024-01-17T00:00:00+09:00" and data["window"]["end"] == "2024-01-18T00:00:00+09:00"
    assert _generate(project, out, "--format", "json", "--window", "7d") == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert "news/old.md" in [s["path"] for s in data["sources"]]


def test_bad_config_is_one_line_with_exit_code_3(tmp_path: Path):
    path = write(tmp_path / "sources.yaml", "title: x\nsources: []\nthemes: []\nextra: 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "generate", "--config", str(path)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "sources: List should have at least 1 item" in proc.stderr
    assert "extra: unknown key" in proc.stderr


@pytest.mark.parametrize("command", [[], ["generate"], ["check"], ["schema"]])
def test_help_everywhere(command: list[str]):
    proc = subprocess.run([sys.executable, "-m", "briefgen", *command, "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "usage: briefgen" in proc.stdout


def test_bad_date_is_a_usage_error(project: Path):
    with pytest.raises(SystemExit) as info:
        main(["generate", "--config", str(project / "sources.yaml"), "--date", "17/01/2024"])
    assert info.value.code == 2


def test_atomic_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "brief.pdf"

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("briefgen.deliver.files.os.replace", crash)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write(target, b"%PDF-1.7 ...")
    assert list(tmp_path.iterdir()) == []


def test_a_deleted_local_file_leaves_the_brief(project: Path):
    out = project / "out"
    assert _generate(project, out, "--format", "json") == 0
    (project / "seeds/000_f94ec538fc6634e2.txt").unlink()
    assert _generate(project, out, "--format", "json") == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in data["sources"]] == ["seeds/001_47c569a622c2a1d3.txt"]
