"""`briefgen init`: a project a new user can make a brief with, following only what it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefgen.cli import main
from briefgen.config import json_schema, load_config
from briefgen.init import local_timezone

from .conftest import ROOT, write

CLIMATE = """
EU ministers agree tougher 2040 emissions target

European Union environment ministers agreed on Tuesday to cut greenhouse gas emissions by 90 percent by 2040, after a night of negotiations in Brussels.
The deal lets governments count some international carbon credits towards the target, a concession to Poland and Italy.
Climate campaigners said the flexibility weakened the pledge, while industry groups welcomed a longer path to net zero.
"This is a credible path to climate neutrality," the Danish climate minister told reporters.
"""

ENERGY = """
Oil prices climb as OPEC extends output cuts

Brent crude rose 2 percent to 84 dollars a barrel on Monday after OPEC and its allies agreed to extend production cuts.
Traders said lower supply and strong demand from Asia would keep the oil market tight through the winter.
European gas prices fell for a third day as LNG imports kept storage sites nearly full.
Wholesale electricity prices in Germany dropped as wind power output surged.
"""


def _briefgen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # As a user runs it: a fresh process, in the folder they are in, with no --config.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                           capture_output=True, text=True, check=False)


def test_a_new_user_gets_a_brief_on_their_own_themes_following_the_printed_steps(tmp_path: Path):
    made = _briefgen(tmp_path, "init", "demo")
    assert made.returncode == 0, made.stderr
    steps = made.stdout.split("Next:\n", 1)[1].splitlines()
    commands = [s.split("    #")[0].strip() for s in steps]
    assert len(commands) == 3, made.stdout
    assert commands[0] == "cd demo"
    assert commands[1].startswith("cp ") and commands[1].endswith(" articles/")
    assert commands[2] == "briefgen generate"

    demo = tmp_path / "demo"
    # The user drops two articles into articles/, as the second step says...
    write(demo / "articles/climate.txt", CLIMATE)
    write(demo / "articles/energy.txt", ENERGY)
    # ...and runs the third in the folder of the first.
    built = _briefgen(demo, "generate")
    assert built.returncode == 0, built.stderr
    written = [Path(line) for line in built.stdout.splitlines()]
    assert {p.suffix for p in written} == {".html", ".pdf", ".json", ".md"}
    brief = json.loads(next(p for p in written if p.suffix == ".json").read_text(encoding="utf-8"))
    themes = {t["key"]: t for t in brief["themes"]}
    assert [t["label"] for t in brief["themes"]] == ["Climate policy", "Energy markets"]
    sources = {s["id"]: s["path"] for s in brief["sources"]}
    assert sorted(sources.values()) == ["articles/climate.txt", "articles/energy.txt"]
    for key, needle in (("climate-policy", "emissions"), ("energy-markets", "Brent crude")):
        # What a theme tells: its stories' lines in the bottom line, and its own points.
        listed = {s["story"] for s in themes[key]["stories"]}
        points = [p for p in brief["bottom_line"] if p["story"] in listed] + themes[key]["summary"]
        assert points, f"{key} has no points"
        assert all(p["source_ids"] for p in points), "every point is cited"
        assert any(needle in p["text"] for p in points)
    # Each theme's points cite the article they come from.
    stories = {s["id"]: s for s in brief["stories"]}
    for key, path in (("climate-policy", "articles/climate.txt"), ("energy-markets", "articles/energy.txt")):
        told = [stories[s["story"]] for s in themes[key]["stories"]]
        assert {sources[i] for s in told for i in s["source_ids"]} == {path}
        assert {sources[i] for p in themes[key]["summary"] for i in p["source_ids"]} <= {path}
    html = next(p for p in written if p.suffix == ".html").read_text(encoding="utf-8")
    assert "Climate and Energy Brief" in html and "Energy markets" in html


def test_init_writes_a_commented_valid_config_with_its_schema(tmp_path: Path, capsys):
    assert main(["init", str(tmp_path / "p"), "--timezone", "Europe/Paris"]) == 0
    root = tmp_path / "p"
    text = (root / "sources.yaml").read_text(encoding="utf-8")
    # Editors with the YAML language server check the file against the schema beside it, offline.
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./sources.schema.json"
    assert json.loads((root / "sources.schema.json").read_text(encoding="utf-8")) == json_schema()
    config = load_config(root / "sources.yaml")
    assert config.timezone == "Europe/Paris"
    assert [s.path or s.url for s in config.sources] == ["articles/", "https://www.carbonbrief.org/feed/"]
    assert [s.enabled for s in config.sources] == [True, False]
    assert [t.key for t in config.themes] == ["climate-policy", "energy-markets"]
    assert all(t.terms and len(t.examples) >= 2 for t in config.themes)
    # Every top-level section has a comment above it saying what it is.
    lines = text.splitlines()
    for key in ("title", "timezone", "sources", "themes", "output", "schedule"):
        at = lines.index(next(line for line in lines if line.startswith(f"{key}:")))
        assert lines[at - 1].startswith("# "), key
    assert (root / "articles").is_dir() and not any((root / "articles").iterdir())
    assert "templates:" in (root / "templates/README.md").read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "sources.yaml" in out and "Next:" in out


def test_init_in_the_current_folder_still_prints_three_commands(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    steps = capsys.readouterr().out.split("Next:\n", 1)[1].splitlines()
    assert [s.split()[1] for s in steps] == ["~/path/to/some/articles/*.txt", "check", "generate"]
    assert (tmp_path / "sources.yaml").is_file()


def test_init_never_overwrites_a_file(tmp_path: Path, capsys):
    write(tmp_path / "templates/README.md", "mine\n")
    assert main(["init", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"briefgen: error: {tmp_path}: templates/README.md already exists: briefgen init never overwrites a file" in err
    # Nothing was written, not even the files that did not exist.
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["README.md", "templates"]
    assert (tmp_path / "templates/README.md").read_text(encoding="utf-8") == "mine\n"


def test_the_local_time_zone_is_used_when_it_can_be_told(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Seoul")
    assert local_timezone() == "Asia/Seoul"
    monkeypatch.setenv("TZ", "Nowhere/Else")
    assert local_timezone() != "Nowhere/Else"


@pytest.mark.parametrize("args", [["config", "schema"], ["schema"]])
def test_config_schema_and_its_alias_print_the_models_schema(args: list[str], capsys):
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()


def test_the_skeleton_is_what_the_docs_describe():
    text = (ROOT / "briefgen/skeleton/sources.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text.replace("{{timezone}}", "UTC"))
    assert {t["label"] for t in data["themes"]} == {"Climate policy", "Energy markets"}
    assert "Climate policy" in (ROOT / "docs/cli.md").read_text(encoding="utf-8")
