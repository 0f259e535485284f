"""Themes on real text: a passage is judged with its article (title, neighbours), the
brief's scope leaves whole articles out, all-of groups, longest match, plural folding that
keeps words apart, `check`'s warnings on rules, and `briefgen themes test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.analyse import themes as engine
from briefgen.cli import main
from briefgen.config import ScopeConfig, ThemeConfig
from briefgen.lint import lint
from briefgen.models import Passage

from .conftest import DEFAULT_CONFIG, write

DRILLS = ThemeConfig(key="drills", label="Drills", terms={"exercise|drill": 1.25, "military|troops|marines": 1, "joint|combined": 0.75})
KOREA = ScopeConfig(label="Korea", terms=["korea*|pyongyang|seoul"])


def _article(article: str, texts: list[str]) -> list[Passage]:
    return [Passage(f"{article}-{n}", article, text, n, n) for n, text in enumerate(texts)]


def _themes(passages: list[Passage]) -> dict[str, list[str]]:
    return {p.text: [m.theme for m in p.themes] for p in passages}


def test_a_passage_in_an_article_about_the_theme_needs_less_of_its_own():
    drill = _article("d", [
        "South Korean and US marines began a combined military exercise on Monday.",
        "Observers praised the conduct of the exercise in difficult weather.",
    ])
    office = _article("o", [
        "Seoul's new office tower opened to tenants on Monday.",
        "Observers praised the conduct of the exercise in difficult weather.",
    ])
    passages = drill + office
    titles = {"d": "Allied marines train together in South Korea", "o": "Office tower opens in Seoul"}
    engine.assign(passages, [DRILLS], engine.Articles(titles, KOREA))
    assert passages[1].themes and passages[1].themes[0].theme == "drills"
    # Its evidence says which part came from the passage and which from its article.
    assert passages[1].themes[0].matched[0] == "exercise" and passages[1].themes[0].matched[-1].startswith("article: ")
    assert not passages[3].themes
    # Alone, without its article, the sentence is too weak to reach the theme.
    alone = _article("x", ["Observers praised the conduct of the exercise in difficult weather."])
    engine.assign(alone, [DRILLS])
    assert not alone[0].themes


def test_why_an_article_did_not_tip_a_close_call():
    from briefgen.analyse.context import unhelped

    # 1.5 of 2 is a close call, but nothing in its article reaches the theme.
    assert unhelped(1.5, 2, False, 0, 5, False).startswith("article: no help: nothing in its article reaches the theme")
    # 1.0 is under 60% unless the title and a third of the passages reach the theme (40% then).
    assert "under 60% of the threshold" in unhelped(1.0, 2, True, 1, 5, True)
    assert unhelped(1.0, 2, True, 2, 5, False) is None
    assert "under 40% of the threshold" in unhelped(0.5, 2, True, 2, 5, False)
    # A neighbour that reaches the theme helps a close call.
    assert unhelped(1.5, 2, False, 1, 5, True) is None


def test_an_article_outside_the_scope_reaches_no_theme():
    zapad = _article("z", ["Russian and Belarusian troops began the joint Zapad military exercise on Thursday."])
    korea = _article("k", ["South Korean troops began a joint military exercise near Seoul on Thursday."])
    passages = zapad + korea
    left_out = engine.assign(passages, [DRILLS], engine.Articles({"z": "Zapad 2017 begins", "k": "Drills begin"}, KOREA))
    assert left_out == {"z"}
    assert not passages[0].themes and passages[1].themes
    # The evidence says why: the terms matched, the article is out of scope.
    [match] = engine.score_all(zapad, [DRILLS], engine.Articles({"z": "Zapad 2017 begins"}, KOREA))[0]
    assert "out of scope" in match.matched and match.score >= DRILLS.threshold


def test_the_scope_judged_from_what_workers_found_leaves_out_the_same_articles(monkeypatch: pytest.MonkeyPatch):
    # On a large day, whether each text names the scope is found with the theme terms (on
    # workers); the judgement of each article from those answers is the one made here.
    from briefgen import forking

    monkeypatch.setattr(forking, "workers", lambda: 0)  # the same function, in this process
    monkeypatch.setattr(engine, "PARALLEL_PASSAGES", 1)
    texts = ["Russian and Belarusian troops began the joint Zapad military exercise on Thursday.",
             "South Korean troops began a joint military exercise near Seoul on Thursday.",
             "The troops rehearsed landings.", "It was the largest drill this year.", "Pyongyang said nothing."]
    passages = [p for n in range(12) for p in _article(f"a{n}", [texts[(n + k) % 5] for k in range(1 + n % 4)])]
    titles = {f"a{n}": ["Zapad 2017 begins", "Drills begin", "", "Korea watch"][n % 4] for n in range(12)}
    articles = engine.Articles(titles, KOREA)
    alone = engine.assign(passages, [DRILLS], articles)
    evidence = engine.TermEvidence([*(p.text for p in passages), *(t for t in titles.values() if t)], [DRILLS], (), KOREA)
    evidence.wait()
    assert evidence.named and set(evidence.named.values()) == {True, False}
    found = engine.begin(passages, [DRILLS], articles, evidence)
    found.finish()
    assert found.out_of_scope == alone and alone and len(alone) < 12


def test_scope_reads_hangul_inside_words():
    scope = ScopeConfig(label="Korea", terms=["korea*", "북한|평양"])
    passages = _article("h", ["북한은 16일 동해상으로 탄도미사일을 발사했다."])
    assert engine.assign(passages, [DRILLS], engine.Articles({}, scope)) == set()
    # ... at the start of a word only: 태평양 (the Pacific) does not name 평양.
    pacific = _article("p", ["미사일은 30분 만에 남태평양 목표 지점에 떨어졌습니다.", "태평양 함대가 훈련을 마쳤다."])
    assert engine.assign(pacific, [DRILLS], engine.Articles({}, scope)) == {"p"}


def test_requires_all_of_groups_from_the_passage_or_its_title():
    attacks = ThemeConfig(key="attacks", label="Attacks on shipping", terms={"attack*": 1.5, "houthi*": 1},
                          requires=["ship|vessel*|tanker*"])
    passages = _article("a", ["Houthi rebels claimed an attack on Eilat."]) + \
        _article("b", ["Houthi rebels claimed an attack on Eilat."]) + \
        _article("c", ["Houthi rebels claimed an attack on a tanker."])
    engine.assign(passages, [attacks], engine.Articles({"b": "Tanker ablaze after strike"}))
    assert [bool(p.themes) for p in passages] == [False, True, True]
    [[match]] = engine.score_all(passages[:1], [attacks])
    assert "requires: ship|vessel*|tanker*" in match.matched


def test_a_theme_may_ask_each_passage_to_meet_its_requires_itself():
    # Under a title that reports the change, the canal's share of trade is still background.
    def trade(title_meets: bool) -> ThemeConfig:
        return ThemeConfig(key="trade", label="Trade disruption", terms={"suez canal": 1, "trade": 1, "fell": 0.5},
                           requires=["fell|disrupt*|rerout*"], title_meets_requires=title_meets)

    title = {"t": "Trade through the Suez Canal fell by half"}
    for meets, expected in ((True, True), (False, False)):
        passages = _article("t", ["The Suez Canal handled about 12% of global trade in 2023."])
        engine.assign(passages, [trade(meets)], engine.Articles(title))
        assert bool(passages[0].themes) is expected, meets
    # A passage that says the change itself still reaches the theme.
    passages = _article("t", ["Trade through the Suez Canal fell by half in January."])
    engine.assign(passages, [trade(False)], engine.Articles(title))
    assert passages[0].themes
    [[match]] = engine.score_all(_article("t", ["The Suez Canal handled about 12% of global trade in 2023."]),
                                 [trade(False)], engine.Articles(title))
    assert "requires: fell|disrupt*|rerout*" in match.matched


def test_the_longest_match_wins_and_counts_once():
    theme = ThemeConfig(key="t", label="T", terms={"carrier strike group": 1.5, "strike*": 1.5}, threshold=2)
    group = _article("g", ["A carrier strike group arrived in Busan."])
    both = _article("s", ["A carrier strike group arrived as strikes hit the port."])
    engine.assign(group + both, [theme])
    assert not group[0].themes
    assert both[0].themes and both[0].themes[0].matched == ("carrier strike group", "strike*")


def test_the_longest_match_is_judged_per_occurrence_not_per_line():
    # The line's "strike on" is its longest find here, yet its "target" in "Houthi
    # targets" is the shorter of two matches there, and goes to the longer phrase.
    theme = ThemeConfig(key="t", label="T", terms={"target|strike on": 1.5, "houthi target*": -1, "yemen": 0.5})
    passages = _article("s", ["Allies conducted strikes on 60 Houthi targets across Yemen."])
    scores = engine.score_all(passages, [theme])
    assert scores[0][0].matched == ("strike on", "houthi target* (-1)", "yemen")
    assert scores[0][0].score == 1.0


def test_plurals_fold_but_never_into_another_word():
    theme = ThemeConfig(key="t", label="T", terms={"arms": 2, "missile": 2})
    passages = _article("p", ["He broke his arm.", "Moscow buys arms.", "Two missiles flew.", "One missile flew."])
    engine.assign(passages, [theme])
    assert [bool(p.themes) for p in passages] == [False, True, True, True]


def test_check_warns_of_rules_that_can_never_matter():
    theme = ThemeConfig(key="t", label="T", terms={"ракета": 2, "missile": 1, "missiles": 0.5, "zero": 0, "ship*": 1},
                        threshold=9)
    found = lint(theme)
    text = " ".join(found.never)
    assert "'ракета' can never match" in text and "'zero' weigh 0" in text
    # ...unless it holds another term, whose words it then takes (a warship's class, not a launch).
    held = ThemeConfig(key="h", label="H", terms={"missile": 5, "guided-missile destroyer*": 0, "destroyer": 0})
    assert [n for n in lint(held).never if "weigh 0" in n] == ["'destroyer' weigh 0 and can never matter"]
    # Korean terms match Korean text on its morphemes (#17): a term written with an affix or
    # a particle Korean text is never read as is named, with the form to write.
    assert lint(ThemeConfig(key="k", label="K", terms={"미사일|쇼이구|활공*": 2, "쏘다": 1})).never == []
    korean = " ".join(lint(ThemeConfig(key="k", label="K", terms={"대륙간 탄도|미사일": 2, "동해상": 1},
                                       requires=["두 나라|러시아"])).never)
    assert "can never match Korean text" in korean
    assert "'대륙간 탄도' as '대륙 탄도'" in korean and "'동해상' as '동해'" in korean and "'두 나라' as '나라'" in korean
    assert "미사일" not in korean and "러시아" not in korean
    assert "'missiles' counts once with 'missile'" in text and "under the threshold 9" in text
    assert any("'ship*' match every word" in n for n in found.notes)
    good = ThemeConfig(key="g", label="G", terms={"missile": 2, "launch*": 1})
    assert lint(good).never == [] and any("decide alone" in n and "'missile (2)'" in n for n in lint(good).notes)
    # Asking each passage to meet `requires` itself means nothing without a group.
    idle = ThemeConfig(key="i", label="I", terms={"missile": 2}, title_meets_requires=False)
    assert any("title_meets_requires" in n for n in lint(idle).never)
    kept = ThemeConfig(key="k", label="K", terms={"missile": 2}, requires=["korea"], title_meets_requires=False)
    assert lint(kept).never == []


def test_check_shows_the_warning(tmp_path: Path, capsys):
    write(tmp_path / "sources.yaml", """
        sources: [{name: s, path: a/}]
        themes:
          - {key: t, label: T, terms: {"zero": 0, "missile": 2}}
        """)
    (tmp_path / "a").mkdir()
    main(["check", "--offline", "--config", str(tmp_path / "sources.yaml")])
    out = capsys.readouterr().out
    assert "warning" in out and "'zero' weigh 0 and can never matter" in out


def test_check_judges_each_alternative_of_a_zero_weight_line():
    # "peace of mind" guards "peace"; "peacekeeping" is one word beside "peace*" and takes nothing.
    peace = ThemeConfig(key="peace", label="Peace", terms={"peace*": 1.5, "talks": 1, "peacekeeping|peace of mind": 0})
    assert lint(peace).never == ["'peacekeeping' weigh 0 and can never matter"]
    passage = Passage("x", "a", "The peacekeeping mission left.", 0, 0)
    [[match]] = engine.score_all([passage], [peace])
    assert match.score == 1.5


def test_check_warns_of_a_term_that_is_a_common_word():
    # A new user's 'who' (the World Health Organization) matched "those who" everywhere.
    aid = ThemeConfig(key="aid", label="Aid", terms={"who|unicef": 1.5, "US": 1, "us army|aid": 1, "whole*": 0.5})
    found = lint(aid)
    assert len(found.common) == 1 and found.common[0].startswith("'who', 'US' match a common word")
    # A phrase holding one ("us army"), a * word, or one in full is not such a term.
    assert lint(ThemeConfig(key="aid", label="Aid", terms={"us army|whole*|world health organization": 2})).common == []


LABELLED = """
- title: Allied marines train together in South Korea
  scope: in
  passages:
    - text: South Korean and US marines began a combined military exercise on Monday.
      themes: [drills]
    - text: Observers praised the conduct of the exercise in difficult weather.
      themes: [drills]
      context: true
- title: Bakery opens in Busan
  scope: in
  passages:
    - text: A bakery opened in Busan, South Korea, on Monday.
      themes: []
    - text: Its owner trained for years in a military kitchen.
      themes: [drills]
"""


def test_themes_test_scores_articles_and_names_every_miss(tmp_path: Path, capsys):
    config = tmp_path / "sources.yaml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    labelled = write(tmp_path / "labelled.yaml", LABELLED)
    assert main(["themes", "test", "--config", str(config), str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "4 passages" in out and "1 of 1 distractors" not in out
    assert "drills" in out and "- [-drills] Its owner trained for years in a military kitchen." in out
    # Why its article did not help: too little of its own, in an article not about drills.
    assert ("drills 1.00: military, article: no help: its own 1 is under 60% of the threshold (its title does not "
            "reach the theme, 0 of 2 passages (0%) do)") in out
    # The figures: TP 2, FN 1 for drills.
    row = next(line for line in out.splitlines() if line.strip().startswith("drills"))
    assert row.split()[-3:] == ["2", "0", "1"]
    assert main(["themes", "test", "--summary", "--min-f1", "0.99", "--config", str(config), str(labelled)]) == 13
    assert "below the target" in capsys.readouterr().out


def test_themes_test_says_how_the_scope_judged_each_labelled_article_and_pools_the_files(tmp_path: Path, capsys):
    config = tmp_path / "sources.yaml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    labelled = write(tmp_path / "labelled.yaml", LABELLED)
    # Labelled out of scope, but its title names the peninsula: the scope keeps it.
    other = write(tmp_path / "other.yaml", """
        - title: Seoul hosts a drill of Alaska's Red Flag pilots
          scope: out
          passages:
            - text: Pilots from Alaska flew a military exercise over Seoul.
              themes: []
        - title: Zapad 2017 begins
          scope: out
          passages:
            - text: Russian and Belarusian troops began the Zapad military exercise.
              themes: []
        """)
    assert main(["themes", "test", "--config", str(config), str(labelled), str(other)]) == 0
    out = capsys.readouterr().out
    assert "scope: 2 of 2 articles labelled in kept, 0 of 0 labelled out left out" in out
    assert "scope: 0 of 0 articles labelled in kept, 1 of 2 labelled out left out" in out
    assert "- labelled out, kept by the scope: Seoul hosts a drill of Alaska's Red Flag pilots" in out
    # The two files together, after each: 6 passages, the misses of both.
    pooled = out[out.index("all 2 files: "):]
    assert pooled.startswith("all 2 files: 6 passages, 1 of 3 distractors (no theme) given one")
    row = next(line for line in pooled.splitlines() if line.strip().startswith("micro"))
    assert row.split()[-3:] == ["2", "1", "1"]
    assert "scope: 2 of 2 articles labelled in kept, 1 of 2 labelled out left out" in pooled
    # Files of articles hold no traps: the report does not count them.
    assert "trap" not in out


def test_an_untitled_article_the_scope_misjudged_is_named_by_its_first_passage(tmp_path: Path, capsys):
    config = tmp_path / "sources.yaml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    untitled = write(tmp_path / "untitled.yaml", """
        - scope: out
          passages:
            - text: Pilots from Alaska flew over Seoul in a long exercise held every year since the alliance began.
              themes: []
        """)
    assert main(["themes", "test", "--config", str(config), str(untitled)]) == 0
    assert ("- labelled out, kept by the scope: (no title) Pilots from Alaska flew over Seoul in a long exercise held e..."
            in capsys.readouterr().out)


def test_themes_test_on_lone_passages_says_the_scope_was_not_judged_and_shows_no_empty_figure(tmp_path: Path, capsys):
    config = tmp_path / "sources.yaml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    lone = write(tmp_path / "lone.yaml", """
        - text: Russian and Belarusian troops began the joint Zapad military exercise.
          themes: []
        - text: A bakery opened in Busan on Monday.
          themes: []
        """)
    assert main(["themes", "test", "--config", str(config), str(lone)]) == 0
    out = capsys.readouterr().out
    assert "scope: not judged (a file of lone passages has no articles to judge" in out
    # Nothing labelled Missiles and nothing given it: no precision or recall to show.
    row = next(line for line in out.splitlines() if line.strip().startswith("missiles"))
    assert row.split()[1:3] == ["-", "-"]


@pytest.mark.parametrize(("text", "says"), [
    ("- title: x\n  passages:\n    - text: a\n      themes: [nope]\n", "[0].passages[0]: unknown theme 'nope'"),
    ("- title: x\n  passages: []\n", "[0].passages: needs a list of passages"),
    ("{not: [yaml", "not YAML"),
])
def test_themes_test_names_what_is_wrong_in_a_labelled_file(tmp_path: Path, capsys, text: str, says: str):
    config = tmp_path / "sources.yaml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    labelled = tmp_path / "bad.yaml"
    labelled.write_text(text, encoding="utf-8")
    assert main(["themes", "test", "--config", str(config), str(labelled)]) == 12
    err = capsys.readouterr().err
    assert says in err and str(labelled) in err and len(err.strip().splitlines()) == 1


def test_the_brief_says_how_many_articles_the_scope_left_out(project: Path):
    write(project / "seeds/zapad.md", """\
        ---
        title: Zapad exercise begins in Belarus
        ---
        Russian and Belarusian troops began the joint Zapad military exercise on Thursday, the Russian defence ministry said.

        About 12,700 troops take part in the drills near the Polish border.
        """)
    out = project / "out"
    assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", "2024-01-17",
                 "--out", str(out), "--format", "json,md"]) == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    zapad = next(s["id"] for s in data["sources"] if s["title"] == "Zapad exercise begins in Belarus")
    assert data["scope"] == {"label": "the Korean peninsula", "left_out": [zapad]}
    assert all(p["source_id"] != zapad for t in data["themes"] for p in t["passages"])
    md = (out / "2024-01-17/brief-2024-01-17.md").read_text(encoding="utf-8")
    assert "- Scope: the Korean peninsula · 1 article outside it, in no theme" in md


MISSILES = ThemeConfig(key="missiles", label="Missiles", terms={"missile": 5, "launch*": 1, "test": 0.5, "north korea*": 0.5})


def test_a_sentence_that_names_its_articles_subject_carries_the_theme():
    # "the test" is the test the title and the lead report; "the DPRK" is a name, and a
    # word the article never told of ("the tests" of a vaccine elsewhere) is no reference.
    report = _article("r", [
        "North Korea fired a ballistic missile on Saturday, the South's military said.",
        "The White House said only that the administration was aware of the test.",
        "Officials urged the North Korean government to resume talks.",
    ])
    other = _article("o", [
        "Seoul's hospitals reopened on Monday.",
        "The White House said only that the administration was aware of the test.",
    ])
    passages = report + other
    engine.assign(passages, [MISSILES], engine.Articles({"r": "North Korea test-fires ballistic missile", "o": "Hospitals reopen"}))
    assert _themes(report)[report[1].text] == ["missiles"]
    assert "article: 'the test' is its subject +1.5" in passages[1].themes[0].matched
    assert not report[2].themes
    assert not other[1].themes
    # Alone, the sentence says nothing of a missile.
    alone = _article("x", [report[1].text])
    engine.assign(alone, [MISSILES])
    assert not alone[0].themes


def test_a_sentence_that_opens_on_its_articles_subject_carries_it_too():
    # "The test ..." at the start of a sentence is as much a reference as "... the test";
    # "The Pentagon" is a name, not the article's subject.
    report = _article("s", [
        "North Korea fired a ballistic missile on Saturday, the South's military said.",
        "The test drew protests from Tokyo.",
        "The Pentagon said it was aware of the test.",
    ])
    engine.assign(report, [MISSILES], engine.Articles({"s": "North Korea test-fires ballistic missile"}))
    assert "article: 'the test' is its subject +1.5" in report[1].themes[0].matched
    assert "article: 'the test' is its subject +1.5" in report[2].themes[0].matched


def test_a_reference_takes_its_words_in_the_forms_the_rules_fold_together_and_no_other():
    from briefgen.analyse.context import _reference

    told = {"activity", "launch", "missile test", "arms"}
    assert _reference("Officials condemned these activities.", ["activity"], told) == "these activities"
    assert _reference("Seoul tracked the missiles tests.", ["missile test"], told) == "the missiles tests"
    # The rules fold neither 'launches' into 'launch' nor anything into 'arms': a reference does not either.
    assert _reference("Officials condemned the launches.", ["launch"], told) is None
    assert _reference("He spoke of the armses.", ["arms"], told) is None
    assert _reference("He spoke of the arms.", ["arms"], told) == "the arms"


@pytest.mark.parametrize(("theme", "texts", "title"), [
    (DRILLS, ["South Korean and US marines began a combined military exercise on Monday.",
              "It reinforces the alliance, officials said.",
              "However, other speakers stressed the need for dialogue."], "Allies hold drills"),
    # Korean sentences point back and turn away with their own words (이는, 한편).
    (ThemeConfig(key="drills", label="Drills", terms={"훈련": 1.25, "연합|합동": 0.75, "군": 0.5}),
     ["한미 해병대가 월요일 연합 훈련을 시작했다.",
      "이는 동맹을 강화하는 계기가 될 것이라고 당국자들은 밝혔다.",
      "한편 다른 참석자들은 대화의 필요성을 강조했다."], "한미 연합 훈련 시작"),
])
def test_a_sentence_pointing_back_carries_the_one_before_and_a_turn_does_not(theme, texts, title):
    passages = _article("d", texts)
    engine.assign(passages, [theme], engine.Articles({"d": title}))
    assert [bool(p.themes) for p in passages] == [True, True, False]
    assert passages[1].themes[0].matched[-1].startswith("article: continues the sentence before")


def test_only_strong_evidence_against_makes_an_article_argue_against_a_theme():
    drills = ThemeConfig(key="drills", label="Drills", terms={
        "exercise|drill*": 1.25, "military|troops": 1, "fire drill*|office|evacuation": -3, "missile": -1})
    sentence = "Officials said the exercise would go ahead."
    missile_report = _article("m", ["The missile flew east.", "The missile fell into the sea.", sentence])
    office = _article("o", ["The office was evacuated.", "Staff left the office in an evacuation.", sentence])
    passages = missile_report + office
    scored = engine.score_all(passages, [drills], engine.Articles({"m": "Missile test", "o": "Office evacuation"}))
    # A report on a missile says nothing against drills; an office's evacuation does.
    assert not any("against" in m for m in scored[2][0].matched)
    assert any(m.startswith("article: against") for m in scored[5][0].matched)


def test_one_mention_further_down_does_not_make_an_article_in_scope():
    # Cobra Gold in Thailand lists South Korea among its participants once; a Korean drill
    # named only after its lead comes back to Korea.
    cobra = _article("c", [
        "Marines completed all scheduled events during exercise Cobra Gold in Thailand.",
        "Marines trained with service members from Thailand, Malaysia and South Korea.",
        "This year's exercise was a success, the commander said.",
    ])
    korean = _article("k", [
        "Marines began a combined exercise on Monday.",
        "South Korean and US marines landed on the beach at Pohang.",
        "The exercise ends on Friday, Seoul said.",
    ])
    left_out = engine.assign(cobra + korean, [DRILLS], engine.Articles({"c": "31st MEU at Cobra Gold", "k": "Marines land"}, KOREA))
    assert left_out == {"c"}


def test_a_reference_to_the_articles_attacks_meets_its_requires():
    # "these attacks" are the attacks on ships the lead told of; an attack on a port in the
    # same report names no ship and is not one.
    attacks = ThemeConfig(key="attacks", label="Attacks on shipping", terms={"attack*": 1.5, "houthi*": 0.5, "tanker*|vessel*": 1},
                          requires=["ship|vessel*|tanker*"])
    passages = _article("a", [
        "Houthi rebels claimed an attack on a tanker on Monday.",
        "Officials condemned the Houthis for these attacks.",
        "Houthi rebels also claimed an attack on the port of Eilat.",
    ])
    engine.assign(passages, [attacks], engine.Articles({"a": "Rebels claim strike"}))
    assert [bool(p.themes) for p in passages] == [True, True, False]
    assert "article: 'these attacks' is its subject +0.0" in passages[1].themes[0].matched


def test_such_acts_in_an_article_headlined_on_the_theme_are_its_subject():
    statement = _article("s", [
        "The Secretary-General strongly condemns the launch of a ballistic missile by North Korea.",
        "He calls on the country to cease such acts and to resume dialogue.",
        "He urges all parties to resume dialogue.",
    ])
    elsewhere = _article("e", [
        "North Korea launched a missile on Monday.",
        "Officials called on the country to cease such acts and to resume dialogue.",
    ])
    passages = statement + elsewhere
    engine.assign(passages, [MISSILES], engine.Articles({"s": "Statement on North Korea's missile launch", "e": "A week in Asia"}))
    assert [bool(p.themes) for p in passages] == [True, True, False, True, False]


def test_a_named_actors_deed_names_the_articles_subject():
    # "North Korea's actions" in reactions to a launch is the launch; a common noun's deed
    # ("the coalition's actions") names no actor the title told of, and proves nothing.
    reactions = _article("r", [
        "North Korea launched a long-range rocket on Friday.",
        "Ban said North Korea's actions were deplorable.",
        "Critics said the coalition's actions were too slow.",
        "The White House called Pyongyang’s latest move a threat to the region.",
    ])
    engine.assign(reactions, [MISSILES], engine.Articles({"r": "World reacts to North Korea's missile launch"}))
    assert [bool(p.themes) for p in reactions] == [True, True, False, True]
    assert "article: 'Korea's actions' is its subject" in " ".join(reactions[1].themes[0].matched)


def test_a_korean_deed_pointed_at_names_the_articles_subject():
    statement = _article("s", ["북한이 탄도미사일을 발사했다.", "정부는 이런 무모한 행위를 규탄했다."])
    spokesman = _article("v", ["북한이 탄도미사일을 발사했다.", "대변인은 이 같은 행동에 대한 책임을 묻겠다고 밝혔다."])
    engine.assign(statement + spokesman, [ThemeConfig(key="missiles", label="Missiles", terms={"미사일": 5, "규탄": 0.5})],
                  engine.Articles({"s": "북한 탄도미사일 발사", "v": "북한 탄도미사일 발사"}))
    assert [bool(p.themes) for p in statement + spokesman] == [True, True, True, True]


def test_it_carries_the_thing_before_it_whatever_little_it_says_itself():
    missiles = ThemeConfig(key="missiles", label="Missiles", terms={"missile": 5, "flew|kilomet*": 0.75, "north korea*": 0.5})
    passages = _article("m", [
        "North Korea fired a ballistic missile on Tuesday.",
        "It flew about 1,000 kilometres before falling into the sea.",
    ]) + _article("s", [
        "The Secretary-General condemned North Korea's missile launch.",
        "He urged North Korea to resume talks.",
    ])
    engine.assign(passages, [missiles], engine.Articles({"m": "A week in Asia", "s": "Statement"}))
    assert [bool(p.themes) for p in passages] == [True, True, True, False]


def test_a_sentence_pointing_back_that_reaches_another_theme_keeps_to_it():
    naval = ThemeConfig(key="naval", label="Naval", terms={"warship*|destroyer*": 2, "shot down": 1.5})
    attacks = ThemeConfig(key="attacks", label="Attacks", terms={"anti-ship*": 2, "fired|missile*": 0.5})
    passages = _article("r", [
        "A US destroyer shot down two drones over the Red Sea on Sunday.",
        "This is the fifth anti-ship missile the Houthis have fired in two days.",
        "It was the destroyer's third engagement this week.",
    ])
    engine.assign(passages, [naval, attacks], engine.Articles({"r": "Red Sea update"}))
    assert [sorted(m.theme for m in p.themes) for p in passages] == [["naval"], ["attacks"], ["naval"]]


def test_a_subject_the_scope_excludes_keeps_an_article_out_unless_its_head_names_the_scope():
    red_sea = ScopeConfig(label="Red Sea", terms=["red sea|yemen*|houthi*"], exclude=["pirate*|piracy"])
    attacks = ThemeConfig(key="attacks", label="Attacks", terms={"attack*|hijack*": 2})
    piracy = _article("p", [
        "The operation is a counter-piracy mission that began in 2008.",
        "Its waters include the Gulf of Aden and the Red Sea.",
        "Pirates tried to hijack a cargo ship south of Yemen.",
        "A frigate answered a call from a ship under attack off Yemen.",
    ])
    houthis = _article("h", [
        "Houthis attacked a tanker in the Red Sea, and pirates struck off Somalia.",
        "Pirates also tried to hijack a fishing boat.",
    ])
    titles = {"p": "The EU's naval operation", "h": "Attacks at sea"}
    assert engine.assign(piracy + houthis, [attacks], engine.Articles(titles, red_sea)) == {"p"}
    assert not any(p.themes for p in piracy) and all(p.themes for p in houthis)
    # Without the exclusion, the piracy report's mentions further down bring it in.
    plain = ScopeConfig(label="Red Sea", terms=["red sea|yemen*|houthi*"])
    assert engine.assign(piracy, [attacks], engine.Articles(titles, plain)) == set()


def test_an_excluded_name_that_holds_the_scope_name_takes_it_longest_match_first():
    # "South Sudan" holds "Sudan": as in themes, the longer name counts and the word inside
    # it does not, so an article on South Sudan is out, and one naming both is in.
    sudan = ScopeConfig(label="Sudan", terms=["sudan*|khartoum|darfur"], exclude=["south sudan*|juba"])
    fighting = ThemeConfig(key="fighting", label="Fighting", terms={"shelling|clash*": 2})
    south = _article("s", ["Government troops and rebels clashed near Nasir.", "South Sudanese forces reported shelling."])
    both = _article("b", ["Shelling in Darfur sent families across the border.", "Clashes followed in South Sudan."])
    titles = {"s": "South Sudan ceasefire under threat", "b": "Sudanese refugees flee to South Sudan"}
    assert engine.assign(south + both, [fighting], engine.Articles(titles, sudan)) == {"s"}
    assert not any(p.themes for p in south) and all(p.themes for p in both)
    # A shorter excluded name takes nothing: a one-word exclude equal in length leaves the
    # scope's name standing, and without the exclusion South Sudan's report is in scope.
    plain = ScopeConfig(label="Sudan", terms=["sudan*|khartoum|darfur"])
    assert engine.assign(south, [fighting], engine.Articles(titles, plain)) == set()
    same = ScopeConfig(label="Sudan", terms=["sudan*"], exclude=["sudanese"])
    assert engine.assign(both, [fighting], engine.Articles(titles, same)) == set()


def test_an_excluded_name_is_looked_for_only_where_its_first_word_is(monkeypatch):
    # Each multi-word excluded name was tested at every word of every text judged (7.2
    # million tests at 10,000 items): a text without its first word is not searched.
    from briefgen.analyse.context import Scope
    from briefgen.rules import _Pattern

    scope = Scope(ScopeConfig(label="Korea", terms=["north korea*|pyongyang"],
                              exclude=["andersen air force base|pearl harbor|keen sword"]))
    searched: list[str] = []
    spans = _Pattern.spans
    monkeypatch.setattr(_Pattern, "spans", lambda self, *a, **k: searched.append(self.text) or spans(self, *a, **k))
    assert scope.names("Pyongyang fired a missile into the sea, the military said.")
    assert not scope.names("Bombers flew from Guam over the sea.")
    assert scope.names("A harbor in Pyongyang.")
    assert searched == []
    # Where its first word is, it is looked for, and takes the scope's name inside it as before.
    assert not scope.names("Bombers flew from Andersen Air Force Base.")
    assert not Scope(ScopeConfig(label="Hawaii", terms=["pearl"], exclude=["pearl harbor"])).names("At Pearl Harbor today.")
    assert searched == ["andersen air force base", "pearl harbor"]
