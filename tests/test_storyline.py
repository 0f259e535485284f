"""Stories on a multi-outlet day: three feeds on loopback tell the same events in their own
words, with background paragraphs mixed in. Each event must be one story with the right
`reported_by`, led by an event sentence (not background), and the brief must print no
sentence twice nor any sentence that leans on the one before it."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html
import pytest

from briefgen.analyse import leads
from briefgen.cli import main

from .feedserver import FeedServer, Route, rss

DAY = "2024-03-19"


def story(guid: str, title: str, paragraphs: list[str], when: str) -> dict[str, str]:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return {"guid": guid, "title": title, "link": f"https://{guid.split('-')[0]}.example/{guid}", "description": body,
            "date": f"Mon, 18 Mar 2024 {when} GMT"}


OUTLETS = {
    "Wire A": [
        story("a-1", "North Korea fires ballistic missiles toward East Sea", [
            "North Korea fired several short-range ballistic missiles into the East Sea on Monday morning, "
            "South Korea's Joint Chiefs of Staff said.",
            "The missiles flew about 300 kilometres before splashing down outside Japan's exclusive economic zone, "
            "the Joint Chiefs said.",
            "North Korea has been under United Nations sanctions over its weapons programmes since 2006.",
        ], "00:40:00"),
        story("a-2", "Lavrov arrives in Pyongyang for talks", [
            "Russian Foreign Minister Sergei Lavrov arrived in Pyongyang on Monday for two days of talks with his "
            "counterpart Choe Son Hui, the Russian Foreign Ministry said.",
            "He is expected to discuss military cooperation and the war in Ukraine.",
        ], "03:10:00"),
        story("a-3", "Freedom Shield drills begin", [
            "Freedom Shield is an annual exercise that replaced the Key Resolve drills in 2019.",
            "South Korea and the United States began the 11-day Freedom Shield exercise on Monday, mobilising "
            "48 aircraft and thousands of troops, the South's military said.",
        ], "01:00:00"),
    ],
    "Broadcaster B": [
        story("b-1", "Pyongyang launches short-range missiles, Seoul says", [
            "Seoul's military said Monday that Pyongyang had launched a salvo of short-range ballistic missiles "
            "off its east coast.",
            "Japan's Defence Ministry said the missiles came down outside its exclusive economic zone after "
            "flying roughly 300 kilometres.",
            "It was the third launch this year.",
        ], "01:20:00"),
        story("b-2", "Allies open Freedom Shield exercise", [
            "US and South Korean forces opened their Freedom Shield exercise on Monday with 48 aircraft taking "
            "part in combined field training across the peninsula.",
            "North Korea has long condemned the drills as a rehearsal for invasion.",
        ], "02:30:00"),
    ],
    "Agency C": [
        story("c-1", "Russian foreign minister visits North Korea", [
            "Sergei Lavrov landed in Pyongyang on Monday for talks with North Korean Foreign Minister "
            "Choe Son Hui on expanding military cooperation, Russian state media reported.",
            "Since 2022, Moscow has drawn ever closer to Pyongyang.",
        ], "04:00:00"),
        story("c-2", "Weather agency forecasts typhoon season", [
            "The Korea Meteorological Administration said on Monday that two or three typhoons are expected to "
            "reach the peninsula this summer.",
        ], "05:00:00"),
    ],
}
EVENTS = {
    "missiles": {"a-1", "b-1"},
    "lavrov": {"a-2", "c-1"},
    "drills": {"a-3", "b-2"},
    "typhoon": {"c-2"},
}


@pytest.fixture
def day(tmp_path: Path):
    with FeedServer() as server:
        sources = []
        for n, (name, items) in enumerate(OUTLETS.items()):
            server.routes[f"/{n}.xml"] = Route(rss(items, title=name))
            sources.append(f"  - {{name: {name}, url: '{server.url(f'/{n}.xml')}'}}\n")
        config = (Path(__file__).resolve().parents[1] / "sources.yaml").read_text(encoding="utf-8")
        start = config.index("sources:\n")
        end = config.index("\nthemes:\n")
        config = config[:start] + "sources:\n" + "".join(sources) + config[end:]
        # A fixed window: the day's items whatever the brief's cut-off.
        config = re.sub(r"(?m)^  window: .*\n", "", config).replace("\nbrief:\n", "\nbrief:\n  window: 48h\n")
        (tmp_path / "sources.yaml").write_text(config, encoding="utf-8")
        assert main(["generate", "-q", "--config", str(tmp_path / "sources.yaml"), "--date", DAY,
                     "--out", str(tmp_path / "out"), "--format", "json,html,md"]) == 0
    folder = tmp_path / "out" / DAY
    return (json.loads((folder / f"brief-{DAY}.json").read_text(encoding="utf-8")),
            (folder / f"brief-{DAY}.html").read_text(encoding="utf-8"))


def _guids(data: dict, story: dict) -> set[str]:
    urls = {s["id"]: s["url"] for s in data["sources"]}
    return {urls[i].rsplit("/", 1)[-1] for i in story["source_ids"]}


def test_each_event_is_one_story_with_its_outlets(day):
    data, _ = day
    told = {frozenset(_guids(data, s)): s for s in data["stories"]}
    assert set(told) == {frozenset(v) for v in EVENTS.values()}
    by_event = {name: told[frozenset(guids)] for name, guids in EVENTS.items()}
    assert by_event["missiles"]["sources"] == ["Wire A", "Broadcaster B"] or set(by_event["missiles"]["sources"]) == {"Wire A", "Broadcaster B"}
    assert {k: v["reported_by"] for k, v in by_event.items()} == {"missiles": 2, "lavrov": 2, "drills": 2, "typhoon": 1}
    assert by_event["missiles"]["themes"][:1] == ["missiles"] or "missiles" in by_event["missiles"]["themes"]
    assert "drills" in by_event["drills"]["themes"] and "russia" in by_event["lavrov"]["themes"]
    assert by_event["typhoon"]["themes"] == []


def test_leads_are_events_not_background(day):
    data, _ = day
    today = date.fromisoformat(DAY)
    for story in data["stories"]:
        assert story["lead"], story["headline"]
        assert not leads.background(story["lead"], today), story["lead"]
        assert not leads.dangling(story["lead"]), story["lead"]
        assert story["headline"] in {i["title"] for items in OUTLETS.values() for i in items}
    lead = {frozenset(_guids(data, s)): s["lead"] for s in data["stories"]}
    assert "began the 11-day Freedom Shield exercise" in lead[frozenset(EVENTS["drills"])] or \
        "opened their Freedom Shield exercise" in lead[frozenset(EVENTS["drills"])]
    # The bottom line: the themed stories, most corroborated first, never the typhoon.
    lines = [p["story"] for p in data["bottom_line"]]
    ranked = {s["id"]: s for s in data["stories"]}
    assert len(lines) == len(set(lines)) == 3
    assert all(ranked[s]["reported_by"] == 2 for s in lines)


def _body_sentences(page: str) -> list[str]:
    root = lxml.html.fromstring(page)
    texts = []
    for section in ("bottom-line", "theme-missiles", "theme-drills", "theme-russia", "other"):
        found = root.get_element_by_id(section, None)
        if found is None:
            continue
        for node in found.find_class("points") + found.find_class("lead"):
            for item in (node.iter("li") if node.tag in ("ul", "ol") else [node]):
                clone = lxml.html.fromstring(lxml.html.tostring(item))
                for drop in clone.find_class("cite") + clone.find_class("story-meta") + clone.find_class("reported"):
                    drop.drop_tree()
                for nested in clone.findall(".//ul"):
                    nested.drop_tree()
                text = " ".join(clone.text_content().split())
                if text:
                    texts.append(text)
    return texts


def test_no_sentence_is_printed_twice_and_none_leans_on_another(day):
    data, page = day
    printed = _body_sentences(page)
    assert printed
    sentences = [s for text in printed for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]
    for text in printed:
        assert not leads.dangling(text), text
    # "It was the third launch this year." leans on its sentence: shown only with it, or not at all.
    if "It was the third launch this year." in " ".join(printed):
        assert any(t.endswith("It was the third launch this year.") and len(t) > 40 for t in printed)


def test_the_seeds_brief_prints_each_sentence_once_and_each_alone(project: Path):
    out = project / "out"
    assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", "2024-01-17",
                 "--out", str(out), "--format", "json,html"]) == 0
    page = (out / "2024-01-17/brief-2024-01-17.html").read_text(encoding="utf-8")
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    printed = _body_sentences(page)
    assert len(printed) >= 10
    sentences = [s for text in printed for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]
    for text in printed:
        assert not leads.dangling(text), text
    # "It fired a ballistic missile..." is printed only after the sentence that names "it".
    joined = " ".join(printed)
    assert "It fired a ballistic missile" not in joined or \
        "nuclear deterrent against US manoeuvers in the region. It fired a ballistic missile" in joined
    # The bottom line: distinct stories, each led by news, not background.
    stories = [p["story"] for p in data["bottom_line"]]
    assert stories and len(stories) == len(set(stories))
    for point in data["bottom_line"]:
        assert not leads.background(point["text"], date(2024, 1, 17)), point["text"]
    # Quotes and timeline events whose sentence the body prints link to their story.
    root = lxml.html.fromstring(page)
    timeline = root.get_element_by_id("timeline")
    for event in timeline.find_class("event"):
        text = " ".join(event.text_content().split())
        assert not any(s in text for s in sentences if len(s) > 40), text
    assert timeline.find_class("story-link")
    # Emerging topics show none of the body's sentences again.
    emerging = root.get_element_by_id("emerging")
    for item in emerging.iter("li"):
        text = " ".join(item.text_content().split())
        assert not any(s in text for s in sentences if len(s) > 40), text
    # Nor does a timeline event shown on its own lean on the sentence before it (the seeds'
    # "Meanwhile, Russian Foreign Minister Sergey Lavrov insisted on Tuesday...").
    for event in data["timeline"]:
        assert not leads.dangling(event["text"]), event["text"]
    lavrov = [e["text"] for e in data["timeline"] if "Lavrov insisted on Tuesday" in e["text"]]
    assert all(not t.startswith("Meanwhile") for t in lavrov)
    # Nor a key quote: Mark P Barry's '"And for them, Russia, China... NK boasts it has a
    # black belt in politics," wrote Barry' is shown from the sentence that stands alone.
    for quote in data["quotes"]:
        assert not leads.dangling(quote["text"]), quote["text"]
    barry = [q["text"] for q in data["quotes"] if q["speaker"] == "Mark P Barry"]
    assert barry and all(t.startswith("NK boasts it has") for t in barry)


@pytest.mark.parametrize("text", [
    "Freedom Shield is an annual exercise that replaced the Key Resolve drills in 2019.",
    "North Korea has long condemned the drills as a rehearsal for invasion.",
    "Since 2001, the two navies have trained together every spring.",
    "North Korea has been under a UN arms embargo since first testing a nuclear bomb in 2006.",
    "The UN Security Council adopted Resolution 1718 in 2006.",
    # Read from briefs of real text (encyclopedia leads printed as other developments):
    "DPRK is short for the Democratic People's Republic of Korea, North Korea's official name.",
    "The 2017–2018 North Korea crisis was a period of heightened tension between North Korea and the United States.",
    "In the year 2016, North Korea conducted two nuclear tests: one in January and the other in September.",
])
def test_background_is_recognised(text: str):
    assert leads.background(text, date(2024, 3, 19))


@pytest.mark.parametrize("text", [
    "North Korea fired a ballistic missile into the East Sea on Monday, the Joint Chiefs of Staff said.",
    "North Korea recently launched its first ballistic missile of 2024 amid hostile rhetoric.",
    "Lavrov said Russia would continue cooperating closely with Pyongyang.",
    "The period of calm ended when North Korea fired two missiles on Monday.",
])
def test_news_is_not_background(text: str):
    assert not leads.background(text, date(2024, 3, 19))


@pytest.mark.parametrize(("text", "leans"), [
    ("It fired a ballistic missile that flew over Japan.", True),
    ("Meanwhile, Lavrov insisted on Tuesday that US policy does not promote peace.", True),
    ("“But we will respond,” he said.", True),
    ("The move came as Choe departed for Moscow.", True),
    ("Itochu shares rose 3 percent.", False),
    ("Hesitant allies met in Seoul.", False),
    ("North Korea fired a missile.", False),
    ("이어 그는 추가 발사 가능성을 언급했다.", True),
    ("이번 훈련은 11일간 진행된다.", True),
    ("그러나 북한은 응답하지 않았다.", True),
    ("이란은 미사일을 시험 발사했다.", False),
    ("이어도 해역에서 훈련이 열렸다.", False),
])
def test_dangling_openings(text: str, leans: bool):
    assert leads.dangling(text) is leans


def test_story_joining_compares_candidates_not_all_pairs():
    from datetime import datetime, timedelta

    from briefgen.analyse import events

    # 3,000 reports of one day that all name North Korea and Seoul (the day's topic), and
    # pairs that share a rarer name of their own: only those pairs are compared.
    n = 3000
    keys = [{"north korea", "north", "korea", "seoul", f"official{k // 2}", f"town{k // 2}"} for k in range(n)]
    when = [datetime(2024, 1, 17, tzinfo=UTC) + timedelta(minutes=k % 600) for k in range(n)]
    firsts, seconds = events.candidates(keys, when)
    assert len(firsts) == n // 2
    assert set(zip(firsts, seconds, strict=True)) == {(k, k + 1) for k in range(0, n, 2)}


def test_rank_weighs_outlets_recency_novelty_and_theme_weight():
    """Each signal of the ranking, alone: two stories alike but for it, the one it favours first."""
    from datetime import datetime, timedelta

    from briefgen.analyse import storyline
    from briefgen.models import Passage, Story, StoryLink, ThemeMatch, Window

    start = datetime(2024, 3, 18, 6, tzinfo=UTC)
    window = Window("24h", start, start + timedelta(hours=24), "previous brief")

    def made(sid: str, theme: str = "missiles", outlets: int = 1, hours: int = 12,
             continues: StoryLink | None = None) -> tuple[Story, Passage]:
        story = Story(sid, (f"{sid}-a",), tuple(f"Outlet {n}" for n in range(outlets)), headline=sid,
                      published=start + timedelta(hours=hours), themes=(theme,), continues=continues)
        passage = Passage(f"{sid}-a-0", f"{sid}-a", "North Korea fired a missile on Monday.", 0, 0,
                          [ThemeMatch(theme, 2.0, ("missile",))])
        return story, passage

    def order(*made_: tuple[Story, Passage], weights: dict[str, float] | None = None) -> list[str]:
        ranked = storyline.rank([s for s, _ in made_], [p for _, p in made_], window, weights or {"missiles": 1.0})
        assert [s.rank for s in ranked] == list(range(1, len(made_) + 1))
        return [s.id for s in ranked]

    # Corroboration: three outlets outrank one, even reported earlier in the window.
    assert order(made("one", hours=20), made("three", outlets=3, hours=2)) == ["three", "one"]
    # Recency within the window.
    assert order(made("early", hours=1), made("late", hours=23)) == ["late", "early"]
    # Novelty: a story seen before and not updated ranks below a new one; an update in between.
    seen = StoryLink(date(2024, 3, 17), "s-old", date(2024, 3, 17), 2, updated=False)
    update = StoryLink(date(2024, 3, 17), "s-old", date(2024, 3, 17), 2, updated=True)
    assert order(made("repeat", continues=seen), made("new"), made("update", continues=update)) == \
        ["new", "update", "repeat"]
    # Theme weight: a story on a heavier theme first.
    assert order(made("light", theme="drills"), made("heavy"), weights={"missiles": 3.0, "drills": 1.0}) == \
        ["heavy", "light"]


def test_a_question_or_a_fragment_never_leads_a_story_nor_stands_as_a_point():
    # A State Department briefing's transcript led its story with the reporter's "How
    # concerned is the United States about this?", and a white paper's extract with a
    # sentence cut at its start ("the ROK-led theater-level combined exercise ...").
    from briefgen.analyse import analyse
    from briefgen.config import load_config
    from briefgen.models import Article, Passage

    texts = ["How concerned is the United States about this?",
             "the ROK-led combined exercise capabilities have been improving with the JCS taking the lead in planning.",
             "Russia opposes extending the term of the UN Security Council's panel of experts on North Korea, "
             "a spokesman said on Monday."]
    passages = [Passage(f"a-{i}", "a", t, i, i) for i, t in enumerate(texts)]
    assert [p.text for p in leads.choose_lead(passages, "Department Press Briefing", None)] == [texts[2]]
    assert leads.choose_lead(passages[:2], "Department Press Briefing", None) == ()
    assert [leads.no_lead(t) for t in ("“Will they fire again?”", "\"Will they fire again?\" he asked.",
                                       "북한이 미사일을 발사했다.")] == [True, False, False]
    # A meeting's courtesies are no news either; a position taken is.
    assert [leads.no_lead(t) for t in ("I thank Assistant Secretary-General Khiari for his briefing.",
                                       "Thank you, Mr. President.", "We also thank the briefers.",
                                       "I welcome the participation of the representatives of the Republic of Korea.",
                                       "We welcome the agreement reached in Jeddah.",
                                       "The United Kingdom thanks Japan for its leadership.",
                                       "Chairman Rogers, Ranking Member Smith, and Members of the Committee, thank you "
                                       "for the opportunity to provide a statement.")] == [True, True, True, True, False, False, True]
    assert [leads.no_lead(t) for t in ("I want to begin by thanking our friends, Foreign Minister Cho, for the talks.",
                                       "Let me start by thanking the briefers.", "Allow me to congratulate Japan.",
                                       "Let me be clear: the launch violates the resolutions.")] == [True, True, True, False]
    # ... nor is a line that only introduces what follows (UN releases and briefings), nor a
    # meeting's procedure; a sentence that reports what follows is.
    assert [leads.no_lead(t) for t in (
        "The following statement was issued today by the Spokesman for UN Secretary-General António Guterres:",
        "The following is a near-verbatim transcript of today’s noon briefing by Farhan Haq, Deputy Spokesman.",
        "I shall now make a further statement in my capacity as Representative of the United States.",
        "Following the launch, the Council will meet on Monday.",
        "The Council will now meet in closed consultations on the launch.",
    )] == [True, True, True, False, False]
    # ... nor a parliament's procedure (read from briefs of real text: UK Parliament), while a
    # sentence that only uses its words is news.
    assert [leads.no_lead(t) for t in (
        "I beg to move, That this House has considered the situation in the Red Sea.",
        "With permission, I will make a statement on the recent response to Houthi aggression in the Red sea.",
        "I would like to update the House on the action that we took on Thursday night.",
        "To ask the Chancellor of the Exchequer, what estimate he has made of the impact of the attacks.",
        "Mr. Stanley Prescott asked the Secretary of State for Foreign Affairs if he will make a statement on Korea.",
        "My Lords, I thank the noble Earl, Lord Minto, for repeating the Government's Statement.",
        "Before we move on to the substantive part of the Statement, I pay tribute to our armed forces.",
        "The Houthis attacked the ship with permission from Tehran, officials said.",
        "Britain will make a statement on the strikes later, the minister asked the envoy to say.",
    )] == [True, True, True, True, True, True, True, False, False]
    # "Earlier Tuesday, ..." gives its own time: it leans on no sentence before it (read from a
    # brief of real text, where it was printed after an unrelated paragraph on a DIA report).
    assert [leads.dangling(t) for t in ("Earlier Tuesday, the U.S. military said it struck two drone boats.",
                                        "Later this week the talks resume.", "Earlier, the military said so.",
                                        "Later, he left.")] == [False, False, True, True]
    # Nor is one a timeline shows: "The following is a near-verbatim transcript of today's ..."
    # is no event of today.
    from briefgen.analyse import passages as passages_mod
    from briefgen.analyse import timeline
    briefing = Article(id="t", source="UN", title="Noon briefing", published=datetime(2024, 1, 16, 17, tzinfo=UTC),
                       text="The following is a near-verbatim transcript of the noon briefing of 16 January 2024.\n\n"
                            "The Secretary-General on 15 January condemned the missile launch by North Korea.")
    told = {e.text for e in timeline.extract([briefing], passages_mod.split(briefing), {}, 10)}
    assert told == {"The Secretary-General on 15 January condemned the missile launch by North Korea."}, told
    # In a brief: neither is printed, in the bottom line, a theme or other developments.
    result = analyse([Article(id="a", source="S", title="Department Press Briefing", text="\n\n".join(
        [texts[0] + " Is North Korea sending missiles to Russia?", texts[1], texts[2],
         "North Korea fired two ballistic missiles toward the East Sea on Monday, Seoul's military said."]))],
        load_config(Path(__file__).resolve().parents[1] / "sources.yaml"))
    printed = [p.text for p in result.bottom_line] + [p.text for s in result.themes for p in s.summary] + \
        [p.text for s in result.themes for t in s.stories for p in (t.lead, *t.points) if p] + \
        [p.text for p in result.other]
    assert any("ballistic missiles" in t for t in printed) and any("Russia opposes" in t for t in printed), printed
    assert not any(t.rstrip().endswith("?") or t[:1].islower() for t in printed), printed


def test_a_definition_or_a_dated_piece_of_history_never_leads_a_story():
    # A defence white paper led the bottom line with "The FE training is an ROK-U.S. combined
    # field training ...", and an encyclopedia with "The principal border treaty was signed
    # on April 17, 1985." in a brief of 2026.
    from briefgen.models import Passage

    texts = ["The FE training is an ROK-U.S. combined field training conducted to defend rear areas.",
             "The principal border treaty was signed on April 17, 1985, in Moscow by both sides.",
             "The allies began the field training on Monday near the border, the ministry said."]
    passages = [Passage(f"a-{i}", "a", t, i, i) for i, t in enumerate(texts)]
    assert [p.text for p in leads.choose_lead(passages, "Page 110", date(2026, 11, 29))] == [texts[2]]
    assert leads.background(texts[1], date(2026, 11, 29)) and not leads.background(texts[1], date(1985, 5, 1))
    # An old year alone, without its day, leaves the sentence news.
    assert not leads.background("The 2018 military agreement was scrapped on Tuesday.", date(2026, 11, 29))


def test_a_speakers_own_line_leads_only_when_the_article_has_nothing_else():
    # Read from a brief of real text: its bottom line held "Colleagues, the DPRK has once again
    # defied this Council.", "We have talked with Russia on numerous occasions ..." and
    # "MR. BOUCHER: That's part of it. ...", and a reporter's question transcribed without its
    # question mark ("Do you think that ... he was just kidding.").
    from briefgen.models import Passage

    texts = ["Colleagues, the DPRK has once again defied this Council by launching a satellite.",
             "We have talked with Russia on numerous occasions about the Korean Peninsula and its missiles.",
             "MR. BOUCHER: They will discuss a whole range of issues, certainly the nonproliferation goals.",
             "Do you think that, apparently during the meeting, he made this offer to Putin to scrap the program.",
             "On August 23rd, the DPRK attempted, yet again, to launch a satellite using a space launch vehicle."]
    passages = [Passage(f"a-{i}", "a", t, i, i) for i, t in enumerate(texts)]
    assert [p.text for p in leads.choose_lead(passages, "Remarks", None)] == [texts[4]]
    # A transcript of nothing but speakers' lines still has a lead: its first such line.
    assert [p.text for p in leads.choose_lead(passages[:3], "Remarks", None)] == [texts[0]]
    assert [leads.no_lead(t) for t in texts] == [False, False, False, True, False]
    assert not leads.no_lead("Did North Korea fire a missile into the sea, as the ministry said you would hear.")


def test_an_event_printed_in_other_developments_says_so(project: Path):
    # Read from a brief of real text: a timeline event whose sentence was an Other development
    # read 'see “North Korea”', the headline of a story the brief shows nowhere.
    for seed in (project / "seeds").iterdir():
        seed.unlink()
    (project / "seeds" / "launch.md").write_text(
        "---\ntitle: North Korea fires a ballistic missile\ndate: 2024-01-17T08:00:00+09:00\n---\n"
        "North Korea fired a ballistic missile into the East Sea, South Korea's military said.\n", encoding="utf-8")
    (project / "seeds" / "rice.md").write_text(
        "---\ntitle: Rice\ndate: 2024-01-17T09:00:00+09:00\n---\n"
        "South Korea's farm ministry said on Tuesday it would raise the rice subsidy for farmers in Gangwon "
        "province by a tenth.\n", encoding="utf-8")
    out = project / "out"
    assert main(["generate", "-q", "--config", str(project / "sources.yaml"), "--date", "2024-01-17",
                 "--out", str(out), "--format", "json,html,md"]) == 0
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    event = next(e for e in data["timeline"] if e["text"].startswith("South Korea's farm ministry"))
    assert event["printed"], event
    markdown = (out / "2024-01-17/brief-2024-01-17.md").read_text(encoding="utf-8")
    line = next(line for line in markdown.splitlines() if line.startswith("- **16 Jan 2024**"))
    assert "see Other developments" in line and "Rice" not in line, line
    root = lxml.html.fromstring((out / "2024-01-17/brief-2024-01-17.html").read_text(encoding="utf-8"))
    links = [a.text_content() for a in root.get_element_by_id("timeline").find_class("story-link")]
    assert links == ["Other developments"], links


def test_a_wire_slug_in_capitals_is_no_headline():
    # Read from a brief of real text (VOA correspondent reports): stories headed "NORTH KOREA /
    # RUSSIA (L-ONLY)" and "PUTIN / NORTH KOREA - L" said nothing of their event where the brief
    # listed them by headline alone. The first sentence heads such a story, as an untitled file's.
    from briefgen.analyse import analyse
    from briefgen.config import load_config
    from briefgen.models import Article

    from .conftest import DEFAULT_CONFIG

    cfg = load_config(DEFAULT_CONFIG)
    slug = Article(id="a1", source="VOA", title="NORTH KOREA / RUSSIA (L-ONLY)",
                   text="Russia's Foreign Minister is visiting North Korea, where he is expected to sign a pact.\n\n"
                        "The visit follows talks in Moscow last month.")
    titled = Article(id="a2", source="VOA", title="NATO Chief Visits Seoul",
                     text="The NATO secretary general arrived in Seoul on Monday for talks on North Korea.")
    headlines = {s.article_ids[0]: s.headline for s in analyse([slug, titled], cfg).stories}
    assert headlines == {"a1": "Russia's Foreign Minister is visiting North Korea, where he is expected to sign a pact.",
                         "a2": "NATO Chief Visits Seoul"}, headlines
