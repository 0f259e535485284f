"""A synthetic Korean news corpus for the Korean benchmark figure: the shape of corpus.py's
(N items over M feeds, near-duplicate wire copy, half on the brief's themes), in Korean
sentences with particles, endings, quotations with speakers and Korean dates."""

from __future__ import annotations

import random
from datetime import timedelta

from .corpus import END, Item

SLOTS: dict[str, list[str]] = {
    "north": ["북한", "북한군", "북측", "조선"],
    "missile": ["탄도미사일", "대륙간탄도미사일", "극초음속 미사일", "단거리 탄도미사일 2발", "화성-18형", "순항미사일 여러 발"],
    "sea": ["동해상으로", "동해 공해상으로", "일본 배타적경제수역 밖으로", "서해상으로"],
    "south": ["합동참모본부", "합참", "국방부", "일본 방위성", "미국 인도태평양사령부"],
    "allies": ["한미 양국 군", "한미 해군", "한미일 3국", "한미 공군", "한미 해병대"],
    "drill": ["연합훈련", "실사격 훈련", "연합 공중훈련", "대규모 야외 기동훈련", "자유의 방패 연습", "상륙 훈련"],
    "asset": ["전략폭격기", "항공모함", "핵추진 잠수함", "F-35 전투기", "이지스 구축함"],
    "russia": ["러시아", "모스크바", "크렘린", "푸틴 대통령", "라브로프 외무장관"],
    "deal": ["군사 협력", "무기 거래", "경제 협력", "포괄적 전략 동반자 조약", "포탄 공급", "위성 기술 이전"],
    "place": ["블라디보스토크", "평양", "모스크바", "보스토치니 우주기지", "나선"],
    "official": ["신원식 국방부 장관", "미국 국무부 대변인", "일본 관방장관", "최선희 외무상", "백악관 대변인"],
    "company": ["삼성전자", "현대차", "LG에너지솔루션", "SK하이닉스", "카카오", "네이버"],
    "team": ["울산 현대", "전북 현대", "축구 국가대표팀", "서울 농구단", "여자 골프 대표팀"],
    "city": ["부산", "인천", "대구", "광주", "대전", "서울", "제주"],
    "topic": ["집값", "출산율", "최저임금", "반도체 수출", "관광객 수", "가계 부채"],
    "culture": ["K팝 그룹", "영화제", "국립중앙박물관 전시", "발레 공연", "새 드라마"],
}

THEMED = [
    "{north}이 {day}일 오전 {sea} {missile}을 발사했다고 {south}가 밝혔다.",
    "{south}는 {north}이 지난 {day}일 {sea} {missile}을 쐈다며 올해 {nth}번째 발사라고 말했다.",
    "미사일은 약 {km}㎞를 비행했으며 정점 고도는 {alt}㎞였다.",
    "{official}은 “이번 발사는 유엔 안보리 결의를 명백히 위반한 도발”이라고 강조했다.",
    "조선중앙통신은 {missile} 시험이 핵 억제력 강화를 위한 것이라고 보도했다.",
    "{allies}은 {month}월 {day}일 {asset}이 참가한 {drill}을 시작했다.",
    "{north}은 {allies}의 {drill}을 침략 연습이라고 비난하며 대응을 예고했다.",
    "미국은 {drill}을 위해 {asset}을 한반도에 전개했다.",
    "{russia}와 {north}은 {place}에서 열린 회담에서 {deal}을 강화하기로 합의했다.",
    "{north}이 우크라이나 전쟁에 쓰일 포탄과 미사일을 {russia}에 공급하고 있다고 {official}이 밝혔다.",
    "김정은 국무위원장은 “러시아 인민과의 친선은 굳건하다”고 말했다고 조선중앙통신이 전했다.",
]

OFF_THEME = [
    "{company}는 메모리 반도체 수요 증가로 분기 영업이익이 {pct}% 늘었다고 밝혔다.",
    "{company} 주가는 실적 전망 하향으로 코스피에서 {pct}% 떨어졌다.",
    "{team}은 이날 경기에서 승리해 리그 선두로 올라섰다.",
    "{city}에는 {day}일 많은 눈이 내리고 기온이 영하 {deg}도까지 떨어질 전망이다.",
    "{city}시는 {topic}이 {year}년 {month}월 역대 최고치를 기록했다고 밝혔다.",
    "정부 보고서는 {topic} 문제로 청년 가구의 부담이 커지고 있다고 지적했다.",
    "{culture}에는 연휴 기간 {city}에서 {count}명이 넘는 관람객이 몰렸다.",
    "한국은행은 물가 상승세 둔화를 이유로 기준금리를 3.5%로 동결했다.",
]

TITLES = {
    "themed": ["{north}, {missile} 발사", "{allies}, {drill} 실시", "{russia}·{north}, {deal} 논의", "정부, 북한 도발 규탄"],
    "off": ["{company} 실적 발표", "{team} 승리", "{city} 대설 예보", "{topic} 보고서"],
}


def _fill(template: str, rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in SLOTS.items()}
    values.update(day=rng.randint(1, 28), month=rng.randint(1, 12), nth=rng.randint(1, 9), km=rng.randint(100, 1000),
                  alt=rng.randint(50, 6000), pct=rng.randint(1, 40), deg=rng.randint(5, 18), year=rng.choice([2023, 2024]),
                  count=rng.randint(2, 90) * 1000)
    return template.format(**values)


def generate(items: int, feeds: int, *, days: int = 3, duplicates: float = 0.1, themed: float = 0.5,
             seed: int = 7) -> list[Item]:
    """`items` Korean items over `feeds` feeds and `days` days, as corpus.generate makes English ones."""
    rng = random.Random(seed)
    out: list[Item] = []
    for n in range(items):
        published = END - timedelta(seconds=rng.randrange(days * 86400))
        if out and rng.random() < duplicates:
            original = out[rng.randrange(len(out))]
            paragraphs, title = original.paragraphs[:-1] or original.paragraphs, original.title
        else:
            is_themed = rng.random() < themed
            pool = THEMED if is_themed else OFF_THEME
            paragraphs = tuple(
                " ".join(_fill(rng.choice(pool if rng.random() < 0.85 else THEMED + OFF_THEME), rng)
                         for _ in range(rng.randint(1, 3)))
                for _ in range(rng.randint(2, 4))
            )
            title = _fill(rng.choice(TITLES["themed" if is_themed else "off"]), rng)
        out.append(Item(n % feeds, f"item-{n}", title, paragraphs, published, f"https://news{n % feeds}.example/ko/{n}"))
    return out
