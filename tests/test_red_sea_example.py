"""The Red Sea example (docs/examples/red-sea.yaml), the worked example of docs/themes.md:
the page quotes the file as it is, `check` finds nothing wrong in it, and it does what the
page says its rules are for, on sentences written for these tests."""

from __future__ import annotations

import re

import pytest

from briefgen.analyse import themes as engine
from briefgen.cli import main
from briefgen.config import load_config
from briefgen.lint import lint
from briefgen.models import Passage

from .conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "red-sea.yaml"
PAGE = ROOT / "docs" / "themes.md"


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(EXAMPLE)


def _quoted_rules() -> list[str]:
    """The rule lines the page's "Writing themes" section quotes in its YAML blocks."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## Writing themes for a topic of your own"):text.index("## Measuring themes")]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if '"' in line]


def test_the_page_quotes_the_example_file_as_it_is():
    quoted = _quoted_rules()
    assert len(quoted) >= 6
    lines = {line.strip() for line in EXAMPLE.read_text(encoding="utf-8").splitlines()}
    assert [q for q in quoted if q not in lines] == []


def test_check_finds_no_rule_that_cannot_matter_and_no_short_star(config, capsys):
    capsys.readouterr()
    # Usable as it stands: its articles/ folder is empty, which is a warning.
    assert main(["check", "--offline", "--config", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "no articles yet" in out
    assert "warning" not in out.replace("warning: files articles/: no articles yet", "")
    for theme in config.themes:
        found = lint(theme)
        assert found.never == [], theme.key
        assert [n for n in found.notes if "match every word" in n] == [], theme.key


def _assign(config, articles: dict[str, tuple[str, list[str]]]) -> tuple[dict[str, set[str]], set[str]]:  # type: ignore[no-untyped-def]
    passages = [Passage(id=f"{a}{n}", article_id=a, text=t, paragraph=n, index=n)
                for a, (_, texts) in articles.items() for n, t in enumerate(texts)]
    titles = {a: title for a, (title, _) in articles.items()}
    left_out = engine.assign(passages, config.themes, engine.Articles(titles, config.scope))
    return {p.text: {m.theme for m in p.themes} for p in passages}, left_out


def test_the_rules_do_what_the_page_says(config):
    got, left_out = _assign(config, {
        "strikes": ("US and UK strike Houthi radar and launch sites in Yemen", [
            "American and British warplanes struck Houthi radar and missile launch sites overnight, the Pentagon said.",
            # The theme's own word (1.5) and an article about the theme decide.
            "These strikes were lawful and proportionate, officials said.",
        ]),
        "debate": ("Security Council debates navigation in the Red Sea", [
            "Houthi forces attacked two merchant vessels in the Red Sea on Monday.",
            # Vessels and the Red Sea are the topic's scene, not an attack.
            "Members stressed the navigational rights and freedoms of all vessels in the Red Sea.",
        ]),
        "war": ("Air raids on the Yemeni capital", [
            "The Saudi-led coalition carried out airstrikes on Sanaa, the Yemeni capital.",
        ]),
        "canal": ("The Suez Canal", [
            "About 12 percent of world trade passes through the Suez Canal.",
            "Canal traffic fell by half as shipping lines rerouted around the Cape of Good Hope.",
            # Sailing longer distances is the rerouting, in other words.
            "Ships that avoid the canal have to go longer distances, which means we need more ships.",
        ]),
        "pirates": ("Pirates fire on a tanker in the Gulf of Aden", [
            "Somali pirates fired on a tanker in the Gulf of Aden on Tuesday.",
            "A European warship escorted the tanker to safety.",
        ]),
    })
    assert got["American and British warplanes struck Houthi radar and missile launch sites overnight, "
               "the Pentagon said."] == {"naval_operations"}
    assert got["These strikes were lawful and proportionate, officials said."] == {"naval_operations"}
    assert got["Houthi forces attacked two merchant vessels in the Red Sea on Monday."] == {"shipping_attacks"}
    assert got["Members stressed the navigational rights and freedoms of all vessels in the Red Sea."] == set()
    # Yemen's civil war is another story: "saudi-led coalition" outweighs the air strikes.
    assert got["The Saudi-led coalition carried out airstrikes on Sanaa, the Yemeni capital."] == set()
    # Background until something changes (requires a word of change).
    assert got["About 12 percent of world trade passes through the Suez Canal."] == set()
    assert got["Canal traffic fell by half as shipping lines rerouted around the Cape of Good Hope."] == {"trade_disruption"}
    assert got["Ships that avoid the canal have to go longer distances, which means we need more ships."] == {"trade_disruption"}
    # The Gulf of Aden alone does not make an article the brief's: Somali piracy stays out.
    assert left_out == {"pirates"}
    assert got["A European warship escorted the tanker to safety."] == set()
