"""Feedback: `briefgen feedback` records that a passage is, or is not, in a theme, and the
next brief follows it: for that sentence, and for sentences like it; never against an
`exclude`. Real store, real CLI, the seeds' brief."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefgen.analyse import feedback, themes
from briefgen.cli import main
from briefgen.config import load_config
from briefgen.models import Feedback, Passage
from briefgen.store import Store

from .conftest import ROOT, write

DAY = "2024-01-17"
# In the seeds: the rules put the first in Military drills, and miss the second (Missiles).
ARTILLERY = "Seoul claimed that Pyongyang launched artillery shells in waters off its west coast."
SHELTER = "A terrified Japan alerted its citizens to take shelter, and immediately halted its lifeline Bullet trains."
# A new article, about Korea (the brief's scope): the shelter sentence retold as wire copy
# is, and one the Missiles exclude "military-grade" vetoes.
EXTRA = """\
Japan on alert after North Korea's launch

A terrified Japan alerted its citizens to take shelter and halted its Bullet trains on Tuesday.

The ministry in Seoul said the plant makes military-grade missile parts for customers in the region.
"""


def _generate(project: Path) -> dict:
    code = main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", DAY,
                 "--out", str(project / "out"), "--format", "json,html"])
    assert code == 0
    return json.loads((project / "out" / DAY / f"brief-{DAY}.json").read_text(encoding="utf-8"))


def _feedback(project: Path, *args: str) -> int:
    return main(["feedback", "--config", str(project / "sources.yaml"), "--out", str(project / "out"), *args])


def _passages(brief: dict) -> dict[str, dict]:
    """Every passage of a brief by id, with the themes it is in."""
    found = {p["id"]: p for p in brief["other"]}
    for theme in brief["themes"]:
        for p in theme["passages"]:
            found.setdefault(p["id"], p)
            found[p["id"]].setdefault("matched_in", {})[theme["key"]] = p["matched"]
    return found


def _id_of(brief: dict, start: str) -> str:
    return next(pid for pid, p in _passages(brief).items() if p["text"].startswith(start))


def test_verdicts_change_the_next_brief_and_the_appendix_says_why(project: Path, capsys):
    brief = _generate(project)
    artillery, shelter = _id_of(brief, ARTILLERY[:40]), _id_of(brief, SHELTER[:40])
    passages = _passages(brief)
    assert passages[artillery]["themes"] == ["drills"] and passages[shelter]["themes"] == []
    capsys.readouterr()

    assert _feedback(project, artillery, "--theme", "drills", "--not") == 0
    assert _feedback(project, shelter, "--theme", "missiles", "--is") == 0
    printed = capsys.readouterr().out
    assert f"#1 recorded: passage {artillery} (brief of {DAY}) is not in Military drills" in printed
    assert f"#2 recorded: passage {shelter} (brief of {DAY}) is in Missiles" in printed
    assert f"  {SHELTER}" in printed

    write(project / "seeds" / "002_extra.txt", EXTRA)
    brief = _generate(project)
    passages = _passages(brief)
    # The exact sentences: the verdicts decide, and the evidence names them.
    assert passages[artillery]["themes"] == []
    assert passages[artillery] in brief["other"]
    refused = passages[artillery]["overruled"]
    assert [o["theme"] for o in refused] == ["drills"]
    assert refused[0]["matched"][-1] == "feedback: not (exact, #1)" and "artillery" in refused[0]["matched"]
    assert passages[shelter]["themes"] == ["missiles"]
    assert passages[shelter]["matched_in"]["missiles"] == ["feedback: is (exact, #2)"]
    # A similar sentence in a new article: moved by the nearest verdict.
    retold = _id_of(brief, "A terrified Japan alerted its citizens to take shelter and halted")
    assert passages[retold]["themes"] == ["missiles"]
    [evidence] = passages[retold]["matched_in"]["missiles"]
    assert evidence.startswith("feedback +") and "like #2 (is, 0." in evidence
    # The HTML appendix shows the same.
    html = (project / "out" / DAY / f"brief-{DAY}.html").read_text(encoding="utf-8")
    assert "Not Military drills</span>" in html and "feedback: not (exact, #1)" in html
    assert "feedback: is (exact, #2)" in html and "like #2 (is, 0." in html


def test_an_exclude_wins_over_a_verdict_and_says_so(project: Path, capsys):
    write(project / "seeds" / "002_extra.txt", EXTRA)
    brief = _generate(project)
    vetoed = _id_of(brief, "The ministry in Seoul said the plant makes military-grade")
    assert _passages(brief)[vetoed]["themes"] == []
    capsys.readouterr()

    assert _feedback(project, vetoed, "--theme", "missiles", "--is") == 0
    out, err = capsys.readouterr()
    assert "#1 recorded" in out
    assert "the exclude 'military-grade' of Missiles vetoes this sentence" in err
    assert _feedback(project, "--list") == 0
    [row] = capsys.readouterr().out.splitlines()[1:]
    assert f"missiles  is       {vetoed}" in row and "no: vetoed by exclude 'military-grade'" in row

    capsys.readouterr()
    passage = _passages(_generate(project))[vetoed]
    assert passage["themes"] == []
    [refused] = passage["overruled"]
    assert refused["theme"] == "missiles"
    assert refused["matched"] == ["not: military-grade", "feedback: is (exact, #1), vetoed by the exclude"]


def test_list_replace_and_remove(project: Path, capsys):
    brief = _generate(project)
    artillery = _id_of(brief, ARTILLERY[:40])
    capsys.readouterr()
    assert _feedback(project, "--list") == 0
    assert capsys.readouterr().out.startswith("no feedback recorded in ")

    assert _feedback(project, artillery, "--theme", "drills", "--not") == 0
    assert _feedback(project, artillery, "-t", "drills", "--is") == 0
    assert _feedback(project, artillery, "-t", "missiles", "--not", "--date", DAY) == 0
    out = capsys.readouterr().out
    assert f"#1 changed from 'not': passage {artillery}" in out and "#2 recorded" in out
    assert _feedback(project, "--list", "--theme", "drills") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["#", "recorded", "theme", "verdict", "passage", "applies", "sentence"]
    assert len(table) == 2 and table[1].split()[2:6] == ["drills", "is", artillery, "yes"]

    assert _feedback(project, "--remove", "1") == 0
    assert capsys.readouterr().out.strip() == f"#1 removed: passage {artillery} is in drills"
    with Store(project / "out" / ".briefgen" / "briefgen.sqlite3") as store:
        [left] = store.feedback_records()
    assert (left.number, left.theme, left.belongs, left.text) == (2, "missiles", False, ARTILLERY)


def test_an_id_copied_from_the_page_works(project: Path, capsys):
    # A PDF breaks a long id over lines, and a browser may copy a hyphen as another dash.
    artillery = _id_of(_generate(project), ARTILLERY[:40])
    capsys.readouterr()
    article, number = artillery.rsplit("-", 1)
    copied = f" {article[:6]}\n{article[6:]}\u2010{number} "
    assert _feedback(project, copied, "--theme", "drills", "--not") == 0
    assert f"passage {artillery} (brief of {DAY})" in capsys.readouterr().out


def _mistakes(artillery: str) -> list[tuple[list[str], str]]:
    article = artillery.rsplit("-", 1)[0]
    return [
        (["nope", "--theme", "drills", "--not"], "'nope' is not a passage id: copy one from the Passage column"),
        (["ffffffffffff-2", "--theme", "drills", "--not"], "unknown passage ffffffffffff-2: no brief in the store"),
        ([f"{article}-999", "--theme", "drills", "--not"], f"unknown passage {article}-999: article {article} has "),
        ([artillery, "--theme", "nukes", "--is"], "unknown theme 'nukes': the config's themes are missiles, drills, russia"),
        ([artillery, "--theme", "drills", "--is", "--date", "2024-01-18"], "no brief for 2024-01-18 in the store"),
        ([artillery, "--theme", "drills"], "feedback: give PASSAGE_ID --theme KEY and --is or --not"),
        (["--remove", "7"], "no feedback #7 in "),
    ]


def test_each_mistake_is_one_line_naming_it_with_exit_code_2(project: Path, capsys):
    artillery = _id_of(_generate(project), ARTILLERY[:40])
    capsys.readouterr()
    for args, says in _mistakes(artillery):
        assert _feedback(project, *args) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("briefgen: error: ") and says in err, (args, err)


def test_the_real_command_line(project: Path):
    """Through `python -m briefgen`, as a user runs it: the error line and exit code."""
    _generate(project)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "briefgen", "feedback", "abc-1", "-t", "drills", "--not",
                           "--config", str(project / "sources.yaml"), "--out", str(project / "out")],
                          capture_output=True, text=True, env=env, cwd=project, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"briefgen: error: unknown passage abc-1: no brief in the store " \
                          f"{project / 'out' / '.briefgen' / 'briefgen.sqlite3'} has an article abc " \
                          "(give --out for a brief written elsewhere)\n"


# --- on plain passages, as `themes test` uses it ------------------------------------------

def _plain(*texts: str, article: str = "a") -> list[Passage]:
    return [Passage(id=f"{article}-{n}", article_id=article, text=t, paragraph=n, index=n) for n, t in enumerate(texts)]


OTHERS = (
    "Seoul and Washington held talks on trade and the exchange rate on Monday.",
    "The central bank kept its policy rate unchanged for the fifth meeting in a row.",
    "Heavy rain flooded roads in the south of the country overnight.",
)


def test_apply_on_plain_passages_exact_similar_and_scope():
    config = load_config(ROOT / "sources.yaml")
    texts = (
        "North Korea fired a ballistic missile into the sea off its east coast on Sunday.",
        "A terrified Japan alerted its citizens to take shelter and halted its Bullet trains.",
        "The navy fired a ballistic missile from a submarine during a drill near Busan on Friday.",
        *OTHERS,
    )
    passages = _plain(*texts)
    themes.assign(passages, config.themes)
    before = [[m.theme for m in p.themes] for p in passages]
    assert "missiles" in before[0] and before[1] == []
    # No verdict: nothing changes (and nothing is imported for it).
    feedback.apply(passages, config.themes, [])
    assert [[m.theme for m in p.themes] for p in passages] == before

    records = [
        Feedback("missiles", SHELTER, True, number=1),
        Feedback("missiles", "North Korea fired a ballistic missile into the sea off its east coast on Sunday.", False, number=2),
    ]
    feedback.apply(passages, config.themes, records)
    assert passages[0].match("missiles") is None and passages[0].overruled[0].matched[-1] == "feedback: not (exact, #2)"
    joined = passages[1].match("missiles")
    assert joined is not None and joined.matched[0].startswith("feedback +") and "like #1 (is, " in joined.matched[0]
    assert all(p.themes == [] and p.overruled == [] for p in passages[3:])

    # An article outside the scope gets no theme from feedback either; it says so.
    outside = _plain(texts[1], article="b")
    feedback.apply(outside, config.themes, records, outside={"b"})
    assert outside[0].themes == []
    assert outside[0].overruled[0].matched[0] == "out of scope" and outside[0].overruled[0].matched[1].endswith(", refused")


def test_a_not_verdict_takes_evidence_from_similar_sentences():
    config = load_config(ROOT / "sources.yaml")
    near = "Officials said the navy launched artillery shells in waters off its west coast."
    passages = _plain(near, "US and South Korean troops began joint military exercises near the border.", *OTHERS)
    themes.assign(passages, config.themes)
    assert passages[0].match("drills") is not None and passages[1].match("drills") is not None
    feedback.apply(passages, config.themes, [Feedback("drills", ARTILLERY, False, number=4)])
    assert passages[0].match("drills") is None
    [taken] = passages[0].overruled
    assert taken.matched[-1].startswith("feedback -") and "like #4 (not, " in taken.matched[-1]
    # The exercise sentence is not like the verdict's: untouched.
    assert passages[1].match("drills") is not None and passages[1].overruled == []


def test_load_reads_a_store_or_a_yaml_file(project: Path, tmp_path: Path):
    artillery = _id_of(_generate(project), ARTILLERY[:40])
    assert _feedback(project, artillery, "--theme", "drills", "--not") == 0
    store = project / "out" / ".briefgen" / "briefgen.sqlite3"
    [record] = feedback.load(store)
    assert (record.theme, record.verdict, record.text, record.passage_id) == ("drills", "not", ARTILLERY, artillery)
    listed = write(tmp_path / "fb.yaml", f"- {{text: '{SHELTER}', theme: missiles, verdict: is}}\n")
    assert [(r.number, r.theme, r.belongs) for r in feedback.load(listed)] == [(1, "missiles", True)]
    bad = write(tmp_path / "bad.yaml", "- {text: x, theme: missiles, verdict: maybe}\n")
    with pytest.raises(ValueError, match=r"\[0\]\.verdict: 'is' or 'not'"):
        feedback.load(bad)


def test_themes_test_shows_the_effect_of_feedback(project: Path, capsys):
    labelled = write(project / "labelled.yaml", yaml.safe_dump([
        {"text": SHELTER, "themes": ["missiles"]},
        {"text": ARTILLERY, "themes": []},
        {"text": "North Korea fired a ballistic missile into the sea off its east coast.", "themes": ["missiles"]},
    ]))
    config = str(project / "sources.yaml")
    assert main(["themes", "test", "--config", config, str(labelled)]) == 0
    without = capsys.readouterr().out
    assert "misclassified (2)" in without

    verdicts = write(project / "verdicts.yaml", yaml.safe_dump([
        {"text": SHELTER, "theme": "missiles", "verdict": "is"},
        {"text": ARTILLERY, "theme": "drills", "verdict": "not"},
    ]))
    assert main(["themes", "test", "--config", config, "--feedback", str(verdicts), str(labelled)]) == 0
    with_feedback = capsys.readouterr().out
    assert with_feedback.startswith(f"{verdicts}: 2 verdict(s) of feedback applied")
    assert "misclassified" not in with_feedback
    assert main(["themes", "test", "--config", config, "--feedback", str(project / "none.yaml"), str(labelled)]) == 2
    assert "none.yaml: cannot be read" in capsys.readouterr().err
