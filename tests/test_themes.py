"""Theme assignment: scored against the labelled sets, the traps, and the context cases
that a keyword filter gets wrong."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen import evaluate
from briefgen.analyse import passages as passages_mod
from briefgen.analyse import themes
from briefgen.config import ThemeConfig, load_config
from briefgen.ingest import ingest
from briefgen.models import Passage

from .conftest import DEFAULT_CONFIG, ROOT

DEV = ROOT / "tests" / "data" / "labelled.yaml"
HELDOUT = ROOT / "tests" / "data" / "heldout.yaml"
KEYS = ("missiles", "drills", "russia")


@pytest.fixture(scope="module")
def reports() -> dict[str, evaluate.Report]:
    return {path.stem: evaluate.evaluate(DEFAULT_CONFIG, path) for path in (DEV, HELDOUT)}


def assigned(*texts: str) -> list[set[str]]:
    """The theme keys the default config gives each text, assigned as one batch."""
    batch = [Passage(id=f"t{n}", article_id="test", text=t, paragraph=0, index=n) for n, t in enumerate(texts)]
    themes.assign(batch, load_config(DEFAULT_CONFIG).themes)
    return [{m.theme for m in p.themes} for p in batch]


# --- the labelled sets ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["labelled", "heldout"])
def test_micro_f1_on_both_sets(reports: dict[str, evaluate.Report], name: str):
    report = reports[name]
    assert report.micro.f1 >= 0.95, evaluate.format_report(report, verbose=True)


@pytest.mark.parametrize("name", ["labelled", "heldout"])
def test_no_trap_gets_a_theme_it_is_not_labelled_with(reports: dict[str, evaluate.Report], name: str):
    hit = reports[name].traps_hit
    assert not hit, [(m.item.text, sorted(m.false_positives)) for m in hit]


def test_the_sets_cover_what_they_should():
    dev = evaluate.load_labelled(DEV, KEYS)
    heldout = evaluate.load_labelled(HELDOUT, KEYS)
    everything = dev + heldout
    assert len(everything) >= 170
    assert 0.55 <= len(dev) / len(everything) <= 0.75
    assert sum(i.trap for i in dev) >= 15 and sum(i.trap for i in heldout) >= 15
    for items in (dev, heldout):
        for key in KEYS:
            assert sum(key in i.themes for i in items) >= 10, key
        assert sum(len(i.themes) > 1 for i in items) >= 5
        assert sum(not i.themes and not i.trap for i in items) >= 8
    # No sentence is in both sets.
    assert not {i.text for i in dev} & {i.text for i in heldout}


def test_every_seed_sentence_is_labelled():
    config = load_config(DEFAULT_CONFIG)
    seeds = [p.text for a in ingest(config).articles for p in passages_mod.split(a)]
    labelled = {i.text for i in evaluate.load_labelled(DEV)}
    assert seeds and [s for s in seeds if s not in labelled] == []


def test_unknown_theme_in_a_labelled_file_is_reported(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text('- text: "x"\n  themes: [missles]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown theme 'missles'"):
        evaluate.load_labelled(path, KEYS)


# --- context cases ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Missiles: the weapon is decisive; launch words need more.
        ("North Korea fired two short-range ballistic missiles into the sea on Monday.", {"missiles"}),
        ("The North launched what Tokyo called a projectile that splashed down in the Sea of Japan.", {"missiles"}),
        ("The space agency launched a weather satellite into orbit from its space centre.", set()),
        ("The carmaker will launch its new electric model next month, the company said.", set()),
        # A launch one of a series is a missile's in this brief; a product's is not.
        ("North Korea announced plans for a second launch as soon as possible.", {"missiles"}),
        ("The company plans a second launch of its phone next year.", set()),
        ("The club fired its coach after a run of defeats.", set()),
        ("A remake of the arcade game Missile Command goes on sale this week.", set()),
        # Drills: an exercise word needs military context, and civil context argues against.
        ("South Korean and US troops began a combined field exercise near the border.", {"drills"}),
        ("Marines fired multiple rocket launchers at targets on the range during the drill.", {"drills"}),
        ("The allied navies held a live-fire drill in the Yellow Sea.", {"drills"}),
        ("Seoul's Joint Chiefs of Staff said the allies would stage joint drills next week.", {"drills"}),
        ("Soldiers practiced realistic combat scenarios with the combined force.", {"drills"}),
        ("Officials of both defense ministries held a tabletop exercise on extended deterrence.", {"drills"}),
        ("South Korean officers observed the annual command-post exercise.", {"drills"}),
        ("The Joint Chiefs of Staff said the North fired a ballistic missile and the military was on alert.", {"missiles"}),
        ("A destroyer and a nuclear missile submarine were deployed to the peninsula with US bombers.", {"drills", "missiles"}),
        ("Office workers filed down the stairs during the building's fire drill.", set()),
        ("Engineers are drilling for natural gas off the coast.", set()),
        ("Managers can drill down into the data by region.", set()),
        ("Thirty minutes of exercise a day improves heart health, doctors say.", set()),
        ("China urged both sides to exercise restraint, the foreign ministry said.", set()),
        # Russia: named, and tied to North Korea, diplomacy, trade or arms changing hands.
        ("Russia and North Korea signed a treaty on comprehensive strategic partnership.", {"russia"}),
        ("The Kremlin said Putin would visit Pyongyang.", {"russia"}),
        ("A Russian ballet company opened its season in Seoul.", set()),
        ("The Russian striker scored twice in the league match.", set()),
        ("Russian forces shelled Kharkiv overnight, Ukrainian officials said.", set()),
        # A border is the map; trade across it is ties.
        ("The main Russian border guard station on the river is at Khasan.", set()),
        ("Trade across the Russian border has picked up, with North Korean workers back in Vladivostok.", {"russia"}),
        ("Rail traffic through the border crossing between Russia and North Korea resumed.", {"russia"}),
        # Missiles another country is given or fires in Ukraine's war are no launch of the North's.
        ("MPs asked whether Storm Shadow missiles could be used for attacks on Russia.", set()),
        # Several themes at once.
        ("Russia fired North Korean ballistic missiles at Kyiv, Ukraine said.", {"missiles", "russia"}),
        ("The North test-fired a cruise missile as the allies held joint military drills.", {"missiles", "drills"}),
    ],
)
def test_context_decides(text: str, expected: set[str]):
    assert assigned(text) == [expected]


# --- the engine ------------------------------------------------------------------------


def _one(text: str, **theme: object) -> Passage:
    passage = Passage(id="t0", article_id="test", text=text, paragraph=0, index=0)
    themes.assign([passage], [ThemeConfig(key="t", label="T", **theme)])  # type: ignore[arg-type]
    return passage


def test_alternatives_count_once_and_say_which_fired():
    passage = _one("Putin met Lavrov in Moscow.", terms={"russia|moscow|putin|lavrov": 2, "met": 0.5})
    match = passage.match("t")
    assert match is not None and match.score == 2.5
    # The first alternative, in the order the config lists them, names the evidence.
    assert match.matched == ("moscow", "met")


def test_a_plural_listed_twice_counts_once():
    assert _one("It fired missiles.", terms={"missile": 1.5, "missiles": 1.5}).themes == []
    assert _one("It fired missiles.", terms={"missile": 1.5, "missiles": 2}).match("t").score == 2  # type: ignore[union-attr]


def test_negative_context_is_shown_with_its_weight():
    passage = _one("The dentist's drill and the army drill.", terms={"drill": 3, "dentist": -0.5})
    match = passage.match("t")
    assert match is not None and match.score == 2.5
    assert match.matched == ("drill", "dentist (-0.5)")


def test_a_veto_wins_and_score_all_keeps_what_assign_drops():
    batch = [Passage(id="t0", article_id="test", text="Play Missile Command tonight.", paragraph=0, index=0)]
    config = [ThemeConfig(key="t", label="T", terms={"missile": 5}, exclude=["missile command"])]
    themes.assign(batch, config)
    assert batch[0].themes == []
    [[match]] = themes.score_all(batch, config)
    assert match.score == 0 and match.matched == ("not: missile command",)


# --- the command -----------------------------------------------------------------------


def test_command_prints_a_table_for_each_file():
    result = subprocess.run(
        [sys.executable, "-m", "briefgen.evaluate", "tests/data/labelled.yaml", "tests/data/heldout.yaml"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("micro") == 2
    assert "tests/data/heldout.yaml:" in result.stdout


def test_verbose_lists_misclassified_passages_with_their_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "set.yaml"
    path.write_text(
        '- text: "North Korea fired a ballistic missile."\n  themes: [drills]\n  note: "mislabelled on purpose"\n',
        encoding="utf-8",
    )
    assert evaluate.main(["--config", str(DEFAULT_CONFIG), "--verbose", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[+missiles -drills]" in out
    assert re.search(r"missiles [\d.]+: missile, ballistic", out)
    assert re.search(r"drills [\d.]+: ", out)
    assert "note: mislabelled on purpose" in out


def test_command_reports_a_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert evaluate.main(["--config", str(tmp_path / "nope.yaml"), str(DEV)]) == 3
    assert "file not found" in capsys.readouterr().err


def test_a_user_theme_from_a_label_a_few_terms_and_examples_works_without_code():
    """A theme a user adds in sources.yaml: label, three terms, two example sentences."""
    from briefgen.analyse.themes import assign
    from briefgen.config import parse_config
    from briefgen.models import Passage

    config = parse_config({
        "sources": [{"name": "x", "path": "x"}],
        "themes": [{
            "key": "sanctions",
            "label": "Sanctions",
            "terms": {"sanction*": 2, "embargo": 2, "asset freeze": 2},
            "examples": [
                "The UN Security Council tightened sanctions on North Korea's oil imports.",
                "The Treasury froze the assets of three shipping firms that evaded the embargo.",
            ],
        }],
    })
    texts = {
        "Washington announced new sanctions on two banks that financed Pyongyang's weapons programme.": True,
        "The EU extended its arms embargo on North Korea for another year.": True,
        "An asset freeze now covers the trading company's accounts in Singapore.": True,
        "North Korea fired a ballistic missile into the sea on Sunday.": False,
        "The football federation fined the club for crowd trouble.": False,
        "South Korea and the US began their annual joint military drills.": False,
    }
    passages = [Passage(id=f"u{n}", article_id="u", text=t, paragraph=0, index=n) for n, t in enumerate(texts)]
    assign(passages, config.themes)
    got = {p.text: bool(p.match("sanctions")) for p in passages}
    assert got == texts
    match = passages[0].match("sanctions")
    assert match is not None and "sanction*" in " ".join(match.matched)


def test_evidence_sent_back_by_workers_is_each_texts_own():
    """The term evidence a worker sends back holds each distinct row once, with each text's
    place among them: read back, every text has exactly the evidence worked out for it alone,
    texts with the same evidence share one row, and texts whose evidence differs do not."""
    config = load_config(DEFAULT_CONFIG)
    models = [themes.ThemeModel(t) for t in config.themes]
    texts = [
        "North Korea fired a ballistic missile into the East Sea.",
        "The weather in Seoul was mild.",
        "North Korea fired a ballistic missile into the Sea of Japan.",
        "Shares in Samsung rose on Tuesday.",
        "South Korea and the United States began joint military drills.",
        "Lavrov arrived in Pyongyang for talks with Kim Jong Un.",
        "The weather in Busan was mild.",
        "South Korea and the United States held joint military drills.",
    ]
    alone = themes._term_evidence(texts, models)
    [(table, which, named, bounds)] = themes._evidence_and_scope(texts, models, None)
    rows = [table[n] for n in which]
    # (No Korean text: no morphemes to send on to the per-article reading.)
    assert rows == alone and named == [False] * len(texts) and bounds == {}
    for a in range(len(texts)):
        for b in range(len(texts)):
            assert (which[a] == which[b]) == (alone[a] == alone[b]), (texts[a], texts[b])
    # (Most texts share their row: the evidence of none of the themes, or the same terms.)
    assert len(table) < len(texts)
