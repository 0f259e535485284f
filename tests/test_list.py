"""`briefgen list`: the briefs on disk, their counts per theme, and whether each was emailed."""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.cli import main

from .mailserver import Inbox, add_email, smtp_server


def _list(project: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["list", "--config", str(project / "sources.yaml"), *args]) == 0
    return capsys.readouterr().out


def test_each_brief_with_its_counts_and_whether_it_was_emailed(project: Path, capsys):
    config = str(project / "sources.yaml")
    inbox = Inbox(refuse={"carol@example.org": "550 5.1.1 no such user here"})
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        assert main(["generate", "-q", "--config", config, "--date", "2024-01-16", "--format", "json"]) == 0
        assert main(["generate", "-q", "--config", config, "--date", "2024-01-17", "--email"]) == 7
        inbox.refuse.clear()
        assert main(["send", "-q", "--config", config, "--date", "2024-01-17"]) == 0
        inbox.refuse["carol@example.org"] = "550 5.1.1 no such user here"
        assert main(["generate", "-q", "--config", config, "--date", "2024-01-18", "--email"]) == 7

    brief = json.loads((project / "out/2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    passages = {t["key"]: len(t["passages"]) for t in brief["themes"]}
    lines = _list(project, capsys).splitlines()
    assert lines[0].split() == ["date", "articles", "missiles", "drills", "russia", "emailed"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert list(rows) == ["2024-01-18", "2024-01-17", "2024-01-16"]  # newest first
    counts = [str(passages[k]) for k in ("missiles", "drills", "russia")]
    assert rows["2024-01-17"] == ["2024-01-17", str(len(brief["sources"])), *counts, "yes"]
    assert rows["2024-01-18"][-2:] == ["partial", "(2/3)"]
    assert rows["2024-01-16"][-1] == "no"

    listed = json.loads(_list(project, capsys, "--json"))
    assert [b["date"] for b in listed] == ["2024-01-18", "2024-01-17", "2024-01-16"]
    assert [b["emailed"] for b in listed] == ["partial", "yes", "no"]
    assert listed[2]["formats"] == ["json"]
    assert {t["key"]: t["passages"] for t in listed[1]["themes"]} == passages


def test_an_empty_output_folder_says_how_to_make_a_brief(project: Path, capsys):
    out = _list(project, capsys)
    assert out.startswith("no briefs in ") and "`briefgen generate`" in out
    # Listing reads the store, and never makes one.
    assert not (project / "out/.briefgen").exists()
    assert json.loads(_list(project, capsys, "--json")) == []
