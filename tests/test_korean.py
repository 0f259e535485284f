"""Korean-language sources (#17): language by script, Korean sentences, themes on morphemes,
Hangul names merged with their English forms, Korean quotes and dates, and one story from a
Korean and an English report of one event. The Korean text here is written for the tests."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from briefgen import language
from briefgen.analyse import entities, hangul, kodates, korean, merging, quotes, themes, timeline
from briefgen.analyse import passages as passages_mod
from briefgen.analyse.themes import Articles, assign
from briefgen.cli import main
from briefgen.config import load_config
from briefgen.models import Article, Passage
from briefgen.store import Store

from .conftest import DEFAULT_CONFIG, write
from .feedserver import FeedServer, Route, rss
from .mailserver import Inbox, add_email, smtp_server

CONFIG = load_config(DEFAULT_CONFIG)


def korean_article(text: str, published: datetime | None = datetime(2024, 1, 16, 3, tzinfo=UTC), n: int = 1) -> Article:
    return Article(id=f"k{n}", source="연합뉴스", title="", text=text, published=published, language="ko")


def passage(text: str, n: int = 0) -> Passage:
    return Passage(id=f"p{n}", article_id=f"a{n}", text=text, paragraph=0, index=0, language=language.detect(text))


# -- language -----------------------------------------------------------------------


def test_language_is_told_by_script():
    assert language.detect("북한이 탄도미사일을 발사했다.") == "ko"
    # A Korean sentence quoting English names stays Korean; an English one quoting Hangul stays English.
    assert language.detect("북한은 ICBM 'Hwasong-18'을 발사했다고 KCNA가 보도했다.") == "ko"
    assert language.detect("The North calls the launch 발사 in its own media reports.") == "en"
    assert language.detect("1,000 — 2024") is None
    # A passage is its own script's language, else its article's.
    assert language.of_passage("North Korea fired a missile.", "ko") == "en"
    assert language.of_passage("(1) 2024.", "ko") == "ko"


def test_the_store_keeps_each_articles_language(tmp_path: Path):
    now = datetime(2024, 1, 17, 1, tzinfo=UTC)
    article = korean_article("북한이 미사일을 쐈다고 합참이 밝혔다.")
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_articles([Article(**{**article.__dict__, "origin": "연합뉴스", "guid": "g1"})], now)
        (loaded,) = store.load_articles("연합뉴스", None, now, UTC)
    assert loaded.language == "ko"


# -- sentences ------------------------------------------------------------------------


def test_korean_sentences_end_by_korean_rules_and_keep_quotations_whole():
    paragraph = (
        "신원식 국방부 장관은 이날 \"북한의 도발에 단호하게 대응하겠다. 우리 군은 준비돼 있다\"고 강조했다. "
        "「우리는 적의 어떤 도발도 용납하지 않을 것」이라고 김정은 국무위원장이 말했다. 한미 연합훈련은 다음 주까지 이어진다."
    )
    sentences = [paragraph[s:e] for s, e in korean.sentence_spans(paragraph)]
    assert sentences == [
        "신원식 국방부 장관은 이날 \"북한의 도발에 단호하게 대응하겠다. 우리 군은 준비돼 있다\"고 강조했다.",
        "「우리는 적의 어떤 도발도 용납하지 않을 것」이라고 김정은 국무위원장이 말했다.",
        "한미 연합훈련은 다음 주까지 이어진다.",
    ]
    # The article's passages: Korean paragraphs by Korean rules, English ones as before.
    article = korean_article(paragraph + "\n\nThe U.S. Forces Korea said the drills were defensive. They end on Friday.")
    found = passages_mod.split(article)
    assert [p.language for p in found] == ["ko", "ko", "ko", "en", "en"]
    assert found[3].text == "The U.S. Forces Korea said the drills were defensive."


# -- themes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("북한이 16일 동해상으로 탄도미사일을 발사했다고 합동참모본부가 밝혔다.", "missiles"),
        ("합참은 북한이 오전 평양 일대에서 미사일 1발을 쐈다고 말했다.", "missiles"),
        ("한미 연합훈련이 이날 시작돼 11일간 이어진다.", "drills"),
        ("한국과 미국 해군은 동해에서 항공모함이 참가한 연합 해상훈련을 벌였다.", "drills"),
        ("김정은 국무위원장은 러시아를 방문해 푸틴 대통령과 정상회담을 했다.", "russia"),
        ("북한이 러시아에 포탄을 공급하고 있다고 국가정보원이 밝혔다.", "russia"),
        # A missile by its name and number (화성 + 19), which Mars and 화성시 do not have.
        ("화성-19형은 고체연료를 쓰는 것으로 분석된다.", "missiles"),
        # Compounds the analyser keeps whole: 러시아군 is Russia's army, 북한군 North Korea's.
        ("러시아군은 북한군 병력을 쿠르스크 전선에 투입했다.", "russia"),
        # North Korea's rockets by their Hangul names.
        ("북한은 1998년 대포동 1호를 쏘아 올렸다.", "missiles"),
        # "The North's nuclear and missile threat" is why allies drill, not a launch.
        ("한미 연합훈련은 북한의 핵·미사일 위협에 대응하기 위한 것이라고 합참은 밝혔다.", "drills"),
        # ... as is the "nuclear and missile attack" a drill proves the allies can answer.
        ("합참은 이번 연합훈련을 통해 북한의 핵, 미사일 공격에 강력히 대응할 역량을 증명했다고 강조했다.", "drills"),
        # A tabletop exercise is an exercise: 확장억제수단운용연습 (DSC TTX), 도상연습.
        ("한국 국방부는 미국 국방부에서 확장억제수단운용연습(DSC TTX)을 시행한다고 밝혔다.", "drills"),
    ],
)
def test_korean_passages_reach_their_theme_through_their_morphemes(text: str, theme: str):
    (found,) = [passage(text)]
    assign([found], CONFIG.themes)
    assert [m.theme for m in found.themes] == [theme], found.themes


@pytest.mark.parametrize(
    "text",
    [
        "러시아 발레단이 서울에서 공연을 열었다.",  # Russia in the arts
        "학교에서 지진 대피 훈련이 실시됐다.",  # a civil drill
        "북한과 중국이 무역 협력을 강화하기로 합의했다.",  # cooperation without Russia named
        "석유 시추 장비를 실은 선박이 동해로 출항했다.",  # drilling for oil
        # Words North Korea's weapons share with other things: 화성 is Mars and a city,
        # 발사체 a civil launch vehicle too, 훈련 a civil-defence drill run county by county.
        "미국 항공우주국은 화성 탐사선을 실은 로켓을 발사했다.",
        "한국 연구진도 화성 대기 분석에 참여한다.",
        "경기도 화성시는 다음 달 봄꽃 축제를 연다고 밝혔다.",
        "한국형 발사체 누리호가 전남 고흥 나로우주센터에서 발사됐다.",
        "각 시·군·구는 주민 참여 훈련을 실시한다.",
        "행정안전부는 23일 전국 시·군·구에서 민방위 훈련을 실시한다고 밝혔다.",
        "한국 조선 3사는 러시아 선주와 맺은 선박 건조 계약을 해지했다.",  # 조선: shipbuilding
    ],
)
def test_korean_passages_off_the_themes_stay_off(text: str):
    found = passage(text)
    assign([found], CONFIG.themes)
    assert found.themes == []


def test_the_korean_scope_is_the_peninsulas_not_any_defence_ministrys():
    """A Hangul scope name is found inside words, so none may be part of other words or
    name another country's: Russia's 국방부 (defence ministry), the US 합참 (Joint Chiefs)
    and a shipyard (조선소) do not bring an article in."""
    drills = [
        passage("러시아 국방부는 벨라루스와의 연합훈련에 병력 1만2천 명이 참가한다고 밝혔다.", 0),
        passage("국내 조선소들은 올해 수주 목표를 달성했다.", 1),
        passage("한미 공군은 미 전략폭격기가 참가한 연합 공중훈련을 실시했다.", 2),
        passage("미 합참의장은 우크라이나군의 연합 기동훈련을 참관했다.", 3),  # the US Joint Chiefs
    ]
    titles = {"a0": "러시아-벨라루스 연합훈련", "a1": "조선소 수주 호조", "a2": "연합 공중훈련", "a3": "미 합참의장, 훈련 참관"}
    left_out = assign(drills, CONFIG.themes, Articles(titles, CONFIG.scope))
    assert left_out == {"a0", "a1", "a3"}
    assert [m.theme for m in drills[2].themes] == ["drills"]


def test_english_text_never_reaches_the_korean_analyser():
    words = korean.morphemes.cache_info().currsize
    found = passage("North Korea fired a ballistic missile into the sea, the South's military said.")
    assign([found], CONFIG.themes)
    assert [m.theme for m in found.themes] == ["missiles"]
    assert korean.morphemes.cache_info().currsize == words



def test_the_reading_takes_the_theme_workers_morphemes_instead_of_analysing_again():
    """On a large day the theme terms' workers send each Korean text's morpheme bounds on;
    the per-article reading (names, aliases that are whole morphemes) reads them instead of
    asking Kiwi a second time, and finds exactly what Kiwi's own analysis gives."""
    texts = ["합동참모본부는 북한이 동해상으로 탄도미사일을 발사했다고 밝혔다.",
             "러시아를 방문한 김정은 국무위원장은 푸틴 대통령과 회담했다.",
             "North Korea fired a missile into the sea."]
    aliases = hangul.gazetteer_regex(["러시아", "북한", "푸틴"])
    assert aliases is not None

    def read(text: str) -> tuple[object, ...]:
        return korean.proper_nouns(text), hangul.aliases_in(text, aliases), hangul.names(text, [])

    expected = {t: read(t) for t in texts[:2]}
    assert all(names and found for names, found, _ in expected.values())
    [(_, _, _, bounds)] = themes._evidence_and_scope(texts, [themes.ThemeModel(t) for t in CONFIG.themes], None)
    assert set(bounds) == set(texts[:2])  # the English text has none
    korean.morphemes.cache_clear()
    korean.learn(bounds)
    try:
        assert {t: read(t) for t in texts[:2]} == expected
        assert korean.morphemes.cache_info().misses == 0  # Kiwi was not asked
    finally:
        korean.forget()
    read(texts[0])
    assert korean.morphemes.cache_info().misses == 1  # forgotten: asked again

# -- names, quotes, dates ------------------------------------------------------------


TEXT = (
    "합동참모본부는 북한이 16일 오전 동해상으로 탄도미사일 2발을 발사했다고 밝혔다. "
    "합참은 “북한의 명백한 도발 행위를 강력히 규탄한다”고 말했다.\n\n"
    "신원식 국방부 장관은 이날 국회에서 \"북한의 도발에 단호하고 압도적으로 대응하겠다\"고 강조했다. "
    "「우리는 적의 어떤 도발도 용납하지 않을 것」이라고 김정은 국무위원장이 말했다고 조선중앙통신이 보도했다.\n\n"
    "한국은행은 이번 발사가 금융시장에 미칠 영향을 점검했다. 북한은 지난 14일에도 미사일을 쐈고, 2023년 12월 18일에는 대륙간탄도미사일을 발사했다."
)


def read(text: str, n: int = 1) -> tuple[Article, list[Passage], dict]:
    """A Korean article of `text`, its passages and the names found in each."""
    article = korean_article(text, n=n)
    found = passages_mod.split(article)
    return article, found, entities.recognise([article], found, CONFIG.entities)


def names(found: list[Passage], mentions: dict) -> dict:
    """The day's entities of those passages, by name."""
    return {e.name: e for e in merging.collect(mentions, {p.id: p.id for p in found}, {p.id: p for p in found}, {})}


def speakers(article: Article, found: list[Passage], mentions: dict, width: int) -> dict[str, str | None]:
    """Each quotation of the article (by its first `width` characters) and its speaker."""
    return {q.text[:width]: q.speaker for q in quotes.extract([article], found, mentions, {p.id: p.id for p in found}, {})}


@pytest.fixture(scope="module")
def analysed():
    return read(TEXT)


def test_hangul_names_are_merged_with_their_english_forms(analysed):
    _, found, mentions = analysed
    by_name = names(found, mentions)
    assert set(by_name["Kim Jong-un"].aliases) == {"김정은"} and by_name["Kim Jong-un"].kind == "person"
    assert by_name["Kim Jong-un"].roles == ("국무위원장",)
    assert by_name["Joint Chiefs of Staff"].aliases == ("합동참모본부", "합참")
    assert by_name["KCNA"].aliases == ("조선중앙통신",)
    # A name the gazetteer does not know, from the analyser's proper-noun tag and its title.
    assert by_name["신원식"].kind == "person" and by_name["신원식"].roles == ("국방부 장관",)
    # 한국 inside 한국은행 (the Bank of Korea) is not South Korea.
    assert "South Korea" not in by_name and "한국은행" in by_name


def test_a_foreign_name_in_hangul_is_one_person_not_a_given_name_with_a_title():
    # VOA Korean: "블라디미르 푸틴 대통령" made 블라디미르 a person titled "푸틴 대통령", and
    # "도널드 트럼프 대통령" made 도널드 one titled "트럼프 대통령".
    _, found, mentions = read("김정은 국무위원장과 블라디미르 푸틴 대통령이 만났다. 도널드 트럼프 대통령은 "
                              "러시아 대통령의 방북을 비판했다.")
    by_name = names(found, mentions)
    assert by_name["Vladimir Putin"].aliases == ("푸틴",) and "블라디미르" not in by_name
    assert by_name["도널드 트럼프"].kind == "person" and by_name["도널드 트럼프"].roles == ("대통령",)
    assert "도널드" not in by_name and by_name["Russia"].kind == "country" and by_name["Russia"].roles == ()
    # ... also when the title names its country or body: "기시다 후미오 일본 총리" made 후미오
    # a person and 기시다 "other"; "미" (the US) is no word of a name ("로렌 테리 미 해군 대변인").
    _, found, mentions = read("기시다 후미오 일본 총리와 볼로디미르 젤렌스키 우크라이나 대통령이 만났다. "
                              "로렌 테리 미 해군 대변인은 훈련을 설명했다.", n=2)
    by_name = names(found, mentions)
    assert by_name["기시다 후미오"].kind == by_name["볼로디미르 젤렌스키"].kind == "person"
    assert by_name["기시다 후미오"].roles == ("일본 총리",) and by_name["볼로디미르 젤렌스키"].roles == ("우크라이나 대통령",)
    assert not {"기시다", "후미오", "볼로디미르", "젤렌스키", "테리 미"} & set(by_name), sorted(by_name)


def test_a_korean_place_is_known_by_its_last_syllables():
    # VOA Korean: 평안남도, 동창리, 동해, 한반도 were of kind "other", so a Korean brief's
    # Countries and places table missed them; a railway and an aircraft are still no place.
    _, found, mentions = read("북한은 평안남도 동창리에서 동해 쪽으로 미사일을 쐈다. 한반도 긴장이 높아졌다. "
                              "시베리아 횡단철도가 운행을 재개했고, 오스프리가 남포항 상공을 비행했다는 보도는 없었다. "
                              "국무부 동아시아태평양 담당 대변인은 우려를 표명했다.")
    kinds = {name: e.kind for name, e in names(found, mentions).items()}
    assert [kinds.get(name) for name in ("평안남도", "동창리", "한반도", "남포항")] == ["place"] * 4
    assert kinds.get("시베리아 횡단철도") != "place" and kinds.get("오스프리") != "place"
    # The spokesperson "in charge of" a region (담당 대변인) is no person named after it.
    assert kinds.get("동아시아태평양") != "person"


def test_a_korean_day_and_month_far_ahead_is_last_year_unless_the_sentence_looks_ahead():
    from briefgen.analyse.timeline import Anchor

    where = Anchor(date(2026, 11, 29), True, "the article's date, 2026-11-29")
    found = {text: [d[2].iso() for d in kodates.dates(text, where)] for text in (
        "북한은 5월 4일 미사일을 발사했다.", "양국은 5월 4일 회담을 열 예정이다.", "12월 7일부터 훈련을 한다.")}
    assert found == {"북한은 5월 4일 미사일을 발사했다.": ["2026-05-04"], "양국은 5월 4일 회담을 열 예정이다.": ["2027-05-04"],
                     "12월 7일부터 훈련을 한다.": ["2026-12-07"]}


def test_a_korean_sentence_dated_years_back_is_background():
    # VOA Korean's "2014년 6월 30일, 북한은 ..." and Wikipedia's "쌍룡훈련은 2012년부터 격년제로 ..."
    # led the bottom line of a brief of 2026: Korean years were never read (no \b before 년).
    from briefgen.analyse import leads

    today = date(2026, 11, 29)
    assert leads.background("2014년 6월 30일, 북한은 전술 탄도 로켓 발사를 시험했다.", today)
    assert leads.background("쌍룡훈련은 2012년부터 격년제로 실시하고 있는 한미연합 상륙훈련이다.", today)
    assert not leads.background("북한은 2025년 12월 1일 미사일을 쐈다.", today)
    assert not leads.background("2017년 유엔 제재 이후 처음으로 어제 회담이 열렸다.", today)


def test_korean_quotes_are_found_with_their_speakers(analysed):
    article, found, mentions = analysed
    said = {q.text: q for q in quotes.extract([article], found, mentions, {p.id: p.id for p in found}, {})}
    assert said["북한의 명백한 도발 행위를 강력히 규탄한다"].speaker == "Joint Chiefs of Staff"
    assert said["북한의 도발에 단호하고 압도적으로 대응하겠다"].speaker == "신원식"
    kim = said["우리는 적의 어떤 도발도 용납하지 않을 것"]
    assert (kim.speaker, kim.role, kim.attribution) == ("Kim Jong-un", "국무위원장", "이라고 김정은 국무위원장이 말했다")


@pytest.mark.parametrize(("text", "expected"), [
    # VOA Korean: 'X는 “A”며 “B”고 밝혔다' took a name inside B (북한, 미국) for A's speaker, and
    # '블링컨 장관은 쇼이구 장관이 “...”이라며 ... 말했다' the clause's subject (쇼이구) for the topic
    # (블링컨); "한국 해군은" was 한국, as 해군 ended no word for the pattern that found 한국.
    pytest.param(
        "한국 해군은 “이번 훈련은 세 나라 국방 당국이 수립한 3자 훈련계획을 이행하는 차원에서 이뤄졌다”며 "
        "“최근 북한의 탄도미사일 발사 등 위협이 높아지는 상황에서 훈련이 진행됐다”고 밝혔습니다.\n\n"
        "토니 블링컨 국무장관은 세르게이 쇼이구 장관이 “북한에 휴가로 간 것은 아닐 것”이라며 “우리는 러시아가 "
        "필사적으로 지원과 무기를 찾고 있는 것을 보고 있다”고 말했습니다.",
        {"이번 훈련은 세": "ROK Navy", "최근 북한의 탄": "ROK Navy", "북한에 휴가로 ": "토니 블링컨", "우리는 러시아가": "토니 블링컨"},
        id="the topic, outside the quotations"),
    # '합참은 “...”이라고 밝혔습니다. 이어 “...”고 밝혔습니다.' left the second quotation with no
    # speaker; "이어" (then) goes on with the one before. A sentence between them that quotes no
    # one breaks the thread.
    pytest.param(
        "합참은 “북한이 서해상으로 발사한 순항 미사일 수 발을 포착했다”고 밝혔습니다.\n\n"
        "이어 “감시 및 경계를 강화한 가운데 만반의 대비태세를 유지하고 있다”고 밝혔습니다.\n\n"
        "북한은 지난달에도 미사일을 여러 차례 발사했습니다.\n\n"
        "이어 “추가 도발에 단호하게 대응할 것”이라고 말했습니다.",
        {"북한이 서해상으": "Joint Chiefs of Staff", "감시 및 경계를": "Joint Chiefs of Staff", "추가 도발에 단": None},
        id="a sentence that goes on"),
    # "국무부 대변인은 ... “...”이라고 지적했습니다" and "젤렌스키 ... 대통령도 “...”라고 말했습니다" (도:
    # also) left their quotations with no speaker; the first is the State Department's
    # (sources.yaml names it: 국무부, 미 국무부), and so is the one that goes on.
    pytest.param(
        "국무부 대변인은 3일 VOA의 논평 요청에 “이번 발사는 다수의 유엔 안보리 결의를 위반한 것”이라고 지적했습니다.\n\n"
        "그러면서 “이러한 발사는 역내 안보를 약화시킨다”고 말했습니다.\n\n"
        "라브로프 장관도 “러시아는 남북관계의 변화 상황을 지지한다”고 밝혔습니다.",
        {"이번 발사는 다": "US State Department", "이러한 발사는 ": "US State Department", "러시아는 남북관": "Sergey Lavrov"},
        id="a ministry's spokesperson, and one who also said"),
])
def test_a_korean_quotations_speaker(text: str, expected: dict[str, str | None]):
    said = speakers(*read(text), 8)
    assert said == expected, said


def test_korean_dates_resolve_against_the_articles_date(analysed):
    article, found, _ = analysed
    events = {(e.expression, e.start.iso() if e.start else None, e.status) for e in timeline.extract([article], found, {}, 20)}
    assert events >= {
        ("16일", "2024-01-16", "inferred"),  # the day of the month: the latest 16th
        ("이날", "2024-01-16", "inferred"),  # "this day": the article's own
        ("지난 14일", "2024-01-14", "inferred"),
        ("2023년 12월 18일", "2023-12-18", "explicit"),
    }


def test_a_korean_day_of_last_month_and_todays_day_in_brackets():
    # VOA Korean: "지난달 30일" (the 30th of last month) was dated the article's own day, the
    # latest 30th, and "오늘(24일)" the article's date, not the 24th its writer gave.
    article, found, _ = read("북한의 도발은 지난달 30일 단거리 탄도미사일 2발을 발사한 지 사흘 만입니다.\n\n"
                             "남북한과 러시아의 시범 운송이 오늘(14일) 시작됐습니다.\n\n"
                             "회담은 다음 달 5일 열릴 예정입니다.")
    events = {(e.expression, e.start.iso() if e.start else None) for e in timeline.extract([article], found, {}, 20)}
    assert events == {("지난달 30일", "2023-12-30"), ("오늘(14일)", "2024-01-14"), ("다음 달 5일", "2024-02-05")}, events


def test_yesterdays_and_tomorrows_day_in_brackets():
    # VOA Korean: "세 나라가 어제(11일)부터 이틀간 ... 해상훈련을 실시했다" was dated the day before
    # the article's date, not the 11th its writer gave (the page's date was a day later).
    article, found, _ = read("미국과 한국, 일본 세 나라가 어제(11일)부터 이틀간 해상훈련을 실시했다고 해군이 밝혔습니다.\n\n"
                             "회담은 내일(18일) 서울에서 열립니다.")
    events = {(e.expression, e.start.iso() if e.start else None) for e in timeline.extract([article], found, {}, 20)}
    assert events == {("어제(11일)", "2024-01-11"), ("내일(18일)", "2024-01-18")}, events


def test_a_korean_span_from_a_day_to_a_day_is_one_event():
    # VOA Korean: "‘맥스 선더’ 훈련이 오늘(10일)부터 24일까지 실시됩니다" dated its end, the 24th, in the
    # month before its start, as its own event; "오는 27일부터 다음 달 9일까지" made two events.
    article, found, _ = read("‘맥스 선더’ 훈련이 오늘(10일)부터 24일까지 실시됩니다.\n\n"
                             "한미 양국은 오는 27일부터 다음 달 9일까지 키리졸브 연습을 실시합니다.")
    events = {(e.expression, e.start.iso(), e.end.iso() if e.end else None)
              for e in timeline.extract([article], found, {}, 20)}
    assert events == {("오늘(10일)부터 24일까지", "2024-01-10", "2024-01-24"),
                      ("오는 27일부터 다음 달 9일까지", "2024-01-27", "2024-02-09")}, events


def test_a_korean_date_of_last_year_or_next_year():
    # VOA Korean: "지난해 12월 22일까지 ... 송환하도록 한 유엔 안보리 결의" (a deadline of last year) was dated in
    # the year nearest the article's, an upcoming deadline in an article of late December.
    article, found, _ = read("보고서는 지난해 1월 10일까지 노동자를 송환하도록 한 결의를 언급했습니다.\n\n"
                             "회담은 내년 3월 1일 열립니다.\n\n북한은 1월 10일 미사일을 발사했습니다.")
    events = {(e.expression, e.start.iso()) for e in timeline.extract([article], found, {}, 20)}
    assert events == {("지난해 1월 10일", "2023-01-10"), ("내년 3월 1일", "2025-03-01"), ("1월 10일", "2024-01-10")}, events


def test_the_default_gazetteer_names_seouls_ministries_and_the_us_treasury():
    # VOA Korean and Wikipedia: "대한민국 국방부는 “...”고 밝혔다" was South Korea's quotation, and the
    # ministry, 외교부, 통일부 and 재무부 (the US Treasury, which sanctions) were in no list of bodies.
    text = ("대한민국 국방부는 “발사된 로켓의 1, 2, 3단 추진체가 정상 작동됐다”고 밝혔다.\n\n"
            "외교부는 북한의 도발을 규탄했다. 통일부도 입장을 냈다. 오늘, 재무부는 전일호를 제재 대상에 추가했다.")
    article, found, mentions = read(text)
    assert speakers(article, found, mentions, 6) == {"발사된 로켓": "ROK Ministry of National Defense"}
    bodies = {name for name, e in names(found, mentions).items() if e.kind == "organisation"}
    assert {"ROK Ministry of National Defense", "ROK Ministry of Foreign Affairs", "ROK Ministry of Unification",
            "US Treasury"} <= bodies, bodies


def test_a_hangul_common_noun_with_a_bodys_ending_is_no_body():
    # VOA Korean: "세부 제원 등은 ... 분석 중" (the detailed specifications) listed 제원 as an
    # organisation, as 원 ends 국정원 and 감사원; a two-syllable word is a body only when it is one.
    _, found, mentions = read("세부 제원 등은 한미 정보당국이 정밀 분석 중입니다.")
    kinds = {m.surface: m.kind for ms in mentions.values() for m in ms}
    assert "제원" in kinds and kinds["제원"] != "organisation", kinds


def test_a_korean_person_named_again_by_surname_and_title():
    # VOA Korean: "엄종식 통일부 차관은 ..." then "엄 차관은 “...”라고 말했다" left the quotation with
    # no speaker (and once with a body named in the sentence before); "미 국무장관" is the US's.
    text = ("엄종식 통일부 차관은 추석을 맞아 임진각을 찾았다. 엄 차관은 “이산가족 문제는 매우 시급한 과제”라고 "
            "말했다.\n\n최선희 외무상은 모스크바를 방문했다. 최 외무상은 “두 나라의 유대를 심화시키고 있다”고 "
            "밝혔다. 미 국무장관은 이를 비판했다.")
    article, found, mentions = read(text)
    said = speakers(article, found, mentions, 6)
    assert said == {"이산가족 문": "엄종식", "두 나라의 ": "Choe Son Hui"}, said
    by_name = names(found, mentions)
    assert by_name["엄종식"].mentions == 2 and by_name["Choe Son Hui"].mentions == 2
    assert not any(m.surface == "미" for ms in mentions.values() for m in ms)


def test_a_korean_briefings_opening_lines_are_no_events():
    # 외교부 대변인 정례브리핑 (KOGL): "9월 5일 정례브리핑을 시작하겠습니다" and "오늘 제공해 드릴
    # 자료는 2건입니다" filled the timeline of a Korean brief; a reporter's question is no event either.
    text = ("9월 5일 정례브리핑을 시작하겠습니다. 오늘 제공해 드릴 자료는 2건입니다.\n\n"
            "<질문> 북한이 어제 미사일을 발사했는데 입장은 무엇입니까.\n\n"
            "<답변> 정부는 북한이 어제 탄도미사일을 발사한 것을 강력히 규탄합니다.")
    article = korean_article(text)
    told = {e.text for e in timeline.extract([article], passages_mod.split(article), {}, 20)}
    assert told == {"<답변> 정부는 북한이 어제 탄도미사일을 발사한 것을 강력히 규탄합니다."}, told
    # ... nor is a question's second sentence, a request for the ministry's answer, which made
    # an emerging topic of "이에 대한 · 설명 부탁드립니다 · 외교부 입장".
    from briefgen.analyse import leads
    assert [leads.no_lead(t) for t in ("이에 대한 외교부 입장 설명 부탁드립니다.", "이에 대한 정부 평가가 궁금하고요.",
                                       "정부는 협조를 부탁드립니다라고 말했습니다.", "정부는 북한의 발사를 규탄합니다.")] == \
        [True, True, False, False]


def test_a_day_of_the_month_reaches_back_into_the_previous_month():
    article = korean_article("북한은 지난 28일 순항미사일 여러 발을 서해상으로 발사했다고 합참이 밝혔다.")
    (event,) = timeline.extract([article], passages_mod.split(article), {}, 5)
    assert (event.start.iso(), event.basis) == ("2023-12-28", "the latest day 28 from the article's date, 2024-01-16")
    assert date(2024, 1, 16) == article.published.date()


# -- a mixed brief, end to end ----------------------------------------------------------


MISSILE_KO = ("합동참모본부는 북한이 17일 오전 평양 일대에서 동해상으로 탄도미사일 2발을 발사했다고 밝혔다. "
              "미사일은 약 1,000㎞를 비행한 뒤 동해상에 떨어졌다.")
MISSILE_EN = ("North Korea fired two ballistic missiles into the East Sea on Wednesday, South Korea's Joint Chiefs of Staff said. "
              "The missiles flew about 1,000 kilometres before falling into the sea.")
DRILLS_KO = ("한국과 미국 해군은 이날 동해 공해상에서 미국 해군의 핵추진 항공모함과 이지스 구축함, 잠수함과 해상초계기 등 "
             "수십 척의 함정과 항공기가 참가한 대규모 연합 해상훈련을 시작했으며 훈련은 북한의 잇따른 탄도미사일 도발에 대응해 "
             "연합 방위태세를 점검하고 대잠수함전과 방공전 능력을 높이기 위한 것이라고 해군이 밝혔다.")
QUOTE_KO = ("「우리는 적의 어떤 도발도 용납하지 않을 것」이라고 김정은 국무위원장이 말했다고 조선중앙통신이 보도했다. "
            "북한은 지난 14일에도 미사일을 쐈다.")
RUSSIA_KO = ("김정은 국무위원장은 러시아를 방문해 블라디미르 푸틴 대통령과 정상회담을 했다. "
             "두 정상은 군사 협력을 강화하기로 합의했다고 조선중앙통신이 전했다.")


def item(guid: str, title: str, text: str, hour: int) -> dict[str, str]:
    return {"guid": guid, "title": title, "link": f"https://news.example/{guid}", "description": f"<p>{text}</p>",
            "date": f"Wed, 17 Jan 2024 0{hour}:00:00 GMT"}


@pytest.fixture
def mixed(tmp_path: Path):
    """Korean and English sources: a file, UTF-8 and EUC-KR feeds with and without a charset header."""
    write(tmp_path / "korean/summit.md", f"---\ntitle: 김정은, 러시아 방문\ndate: 2024-01-17T08:00:00\n---\n{RUSSIA_KO}\n")
    with FeedServer() as server:
        routes = {
            "/yonhap.xml": Route(rss([item("y1", "북한, 동해상으로 탄도미사일 2발 발사", MISSILE_KO, 1)])),
            "/kbs.xml": Route(rss([item("k1", "한미 연합 해상훈련 시작", DRILLS_KO, 2)], encoding="euc-kr"),
                              headers={"Content-Type": "application/rss+xml; charset=euc-kr"}),
            "/kcna.xml": Route(rss([item("n1", "김정은 위원장 발언", QUOTE_KO, 3)], encoding="euc-kr"),
                               headers={"Content-Type": "application/rss+xml"}),
            "/wire.xml": Route(rss([item("w1", "North Korea fires two ballistic missiles", MISSILE_EN, 1)])),
        }
        server.routes.update(routes)
        config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        config["sources"] = [
            {"name": "조선중앙통신 요약", "path": "korean/"},
            {"name": "연합뉴스", "url": server.url("/yonhap.xml")},
            {"name": "KBS", "url": server.url("/kbs.xml"), "language": "ko"},
            {"name": "KCNA digest", "url": server.url("/kcna.xml")},
            {"name": "Wire", "url": server.url("/wire.xml")},
        ]
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        inbox = Inbox()
        with smtp_server(inbox) as port:
            add_email(path, port)
            assert main(["generate", "-c", str(path), "--date", "2024-01-17", "--out", str(tmp_path / "out"), "--email"]) == 0
        (tmp_path / "out/2024-01-17/received.eml").write_bytes(inbox.messages[0].data)
        yield tmp_path / "out/2024-01-17"


def test_a_mixed_korean_and_english_brief(mixed: Path):
    data = json.loads((mixed / "brief-2024-01-17.json").read_text(encoding="utf-8"))
    languages = {s["name"]: s["language"] for s in data["sources"]}
    assert languages == {"조선중앙통신 요약": "ko", "연합뉴스": "ko", "KBS": "ko", "KCNA digest": "ko", "Wire": "en"}
    # EUC-KR feeds, with and without a charset header, read as the Korean they are.
    titles = {s["title"] for s in data["sources"]}
    assert {"한미 연합 해상훈련 시작", "김정은 위원장 발언"} <= titles

    themes = {t["key"]: t["passages"] for t in data["themes"]}
    assert any(p["text"].startswith("합동참모본부는 북한이 17일") and p["language"] == "ko" for p in themes["missiles"])
    assert any(p["language"] == "en" for p in themes["missiles"])
    assert any(p["text"] == DRILLS_KO for p in themes["drills"])
    assert any(p["text"].startswith("김정은 국무위원장은 러시아를 방문해") for p in themes["russia"])

    names = {e["name"]: e for e in data["entities"]}
    assert "김정은" in names["Kim Jong-un"]["aliases"]
    assert {"북한", "North Korea"} <= set(names["North Korea"]["aliases"])
    assert {"합동참모본부", "Joint Chiefs of Staff"} <= set(names["Joint Chiefs of Staff"]["aliases"])

    kim = [q for q in data["quotes"] if q["text"] == "우리는 적의 어떤 도발도 용납하지 않을 것"]
    assert kim and kim[0]["speaker"] == "Kim Jong-un"
    dated = {(t["expression"], t["date"]) for t in data["timeline"]}
    assert {("17일", "2024-01-17"), ("지난 14일", "2024-01-14"), ("이날", "2024-01-17")} <= dated

    # The Korean and the English report of the launch are one story with both sources.
    (launch,) = [s for s in data["stories"] if "Wire" in s["sources"]]
    assert set(launch["sources"]) == {"연합뉴스", "Wire"}

    html = (mixed / "brief-2024-01-17.html").read_text(encoding="utf-8")
    assert '<span lang="ko">한미 연합 해상훈련 시작</span>' in html
    assert '<span class="src-lang" title="written in Korean">ko</span>' in html
    assert '<q lang="ko">' in html
    # The email's HTML part declares it too.
    message = email.message_from_bytes((mixed / "received.eml").read_bytes(), policy=email.policy.default)
    part = message.get_body(("html",)).get_content()
    assert 'lang="ko"' in part and "한미 연합 해상훈련 시작</span>" in part


def test_the_pdf_keeps_korean_words_whole(mixed: Path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(mixed / "brief-2024-01-17.pdf")
    # Layout mode keeps the PDF's own lines (plain extraction joins a wrapped paragraph).
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    assert "합동참모본부는" in text and "한미 연합 해상훈련 시작" in text
    assert not any(DRILLS_KO in line for line in text.splitlines()), "the long sentence must wrap for this test to mean anything"
    # Every Korean line of the PDF starts and ends with a whole word (어절) of the Korean the
    # brief prints: a line broken inside a word would end with a piece of one.
    data = json.loads((mixed / "brief-2024-01-17.json").read_text(encoding="utf-8"))
    printed = [s[k] for s in data["sources"] for k in ("title", "name")] + [p["text"] for t in data["themes"] for p in t["passages"]]
    printed += [p["text"] for p in data["other"]] + [a for e in data["entities"] for a in e["aliases"] + e["roles"]]
    printed += [q["text"] for q in data["quotes"]] + [t["text"] for t in data["timeline"]] + [s["headline"] for s in data["stories"]]
    whole = {_bare(w) for t in printed for w in t.split()}
    edges = [_bare(w) for line in text.splitlines() if language.has_hangul(line) for w in (line.split()[0], line.split()[-1])]
    korean_edges = [w for w in edges if language.has_hangul(w)]
    assert len(korean_edges) > 10
    assert [w for w in korean_edges if w not in whole] == []


def _bare(word: str) -> str:
    return word.strip("“”\"「」.,()[]·…:;0123456789—–-")
