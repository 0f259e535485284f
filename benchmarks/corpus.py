"""Synthetic news corpora for the benchmarks: N items over M feeds, reproducible from a seed.

Sentences are built from templates whose words hit the brief's themes (missile launches,
military drills, Russia ties) and from off-theme news (markets, sport, weather, culture),
with the abbreviations real copy carries ("Sept. 30", "U.S.", "Jan. 16"), quotations with
speakers, and dates over several days. A set share of items are near-duplicates of an
earlier item in another feed (wire copy, lightly edited), as syndicated news is.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

# The last day of the corpus: items are dated over the days before it.
END = datetime(2024, 1, 17, 18, 0, tzinfo=UTC)

SLOTS: dict[str, list[str]] = {
    "north": ["North Korea", "Pyongyang", "the North", "the DPRK", "Kim Jong-un's regime"],
    "missile": ["a ballistic missile", "an intercontinental ballistic missile", "a hypersonic missile",
                "two short-range ballistic missiles", "a Hwasong-18 ICBM", "a solid-fuel missile",
                "several cruise missiles", "a new tactical guided weapon"],
    "sea": ["into the East Sea", "off its east coast", "toward the Sea of Japan",
            "outside Japan's exclusive economic zone", "into waters off the Korean Peninsula"],
    "south": ["South Korea's Joint Chiefs of Staff", "Seoul's military", "the South Korean defence ministry",
              "Japan's defence ministry", "U.S. Indo-Pacific Command"],
    "allies": ["South Korean and U.S. troops", "the U.S. and South Korean navies", "Seoul, Washington and Tokyo",
               "allied air forces", "U.S. Marines and their South Korean counterparts"],
    "drill": ["joint military exercises", "a live-fire drill", "combined air drills", "large-scale field training",
              "the Freedom Shield exercise", "trilateral naval drills", "amphibious landing drills"],
    "asset": ["strategic bombers", "an aircraft carrier strike group", "a nuclear-powered submarine",
              "F-35 fighter jets", "destroyers and frigates", "B-52 bombers"],
    "russia": ["Russia", "Moscow", "the Kremlin", "Vladimir Putin", "Russian Foreign Minister Sergey Lavrov"],
    "deal": ["military cooperation", "an arms deal", "closer economic ties", "a new partnership treaty",
             "artillery shell supplies", "satellite technology transfers", "tourism and trade links"],
    "place": ["Vladivostok", "Pyongyang", "Moscow", "the Vostochny Cosmodrome", "Rason", "the Kremlin"],
    "month": ["Jan.", "Feb.", "Sept.", "Oct.", "Nov.", "Dec.", "January", "March", "August"],
    "official": ["a senior U.S. official", "a Japanese government spokesperson", "Defence Minister Shin Won-sik",
                 "analyst Lee Sung-yoon", "Foreign Minister Choe Son Hui", "the White House"],
    "company": ["Samsung Electronics", "Hyundai Motor", "LG Energy Solution", "SK Hynix", "Kakao",
                "Naver", "Posco Holdings", "Korean Air"],
    "team": ["Ulsan Hyundai", "Jeonbuk Motors", "the national football team", "Seoul's basketball club",
             "the Korean women's golf squad"],
    "city": ["Busan", "Incheon", "Daegu", "Gwangju", "Daejeon", "Seoul", "Jeju"],
    "topic": ["housing prices", "the birth rate", "the minimum wage", "chip exports", "tourism numbers",
              "university admissions", "the electric vehicle market", "household debt"],
    "culture": ["a K-pop group", "a film festival", "the national museum", "a Bolshoi ballet tour",
                "a new drama series", "an art exhibition"],
}

THEMED = [
    "{north} fired {missile} {sea} on {month} {day}, {south} said.",
    "{south} said {north} launched {missile} {sea} early on {weekday}, its {nth} launch this year.",
    "The missile flew about {km} kilometres at an altitude of {alt} kilometres before splashing down {sea}.",
    "“This launch is a clear violation of U.N. Security Council resolutions,” {official} said.",
    "{official} condemned the launch as a grave threat to peace on the Korean Peninsula.",
    "State media KCNA said the test of {missile} was aimed at bolstering the country's nuclear deterrent.",
    "{allies} began {drill} on {month} {day}, involving {asset} and thousands of troops.",
    "{north} denounced {drill} by {allies} as a rehearsal for an invasion and vowed a response.",
    "The U.S. deployed {asset} to the peninsula for {drill} in a show of force.",
    "{allies} staged {drill} near the maritime border, {south} said on {weekday}.",
    "Officials said {drill} would run until {month} {day} and include live-fire training.",
    "{russia} and {north} pledged to deepen {deal} during talks in {place}.",
    "{north} is supplying artillery shells and missiles to {russia} for its war in Ukraine, {official} said.",
    "{russia} hosted a North Korean delegation in {place} to discuss {deal} and sanctions.",
    "Analysts said the summit in {place} showed {russia} was willing to shield Pyongyang at the United Nations.",
    "“Our friendship with the Russian people is unbreakable,” Kim Jong-un said, according to KCNA.",
    "A Russian cargo ship was seen leaving Rason, in what Seoul called a shipment of munitions bound for {russia}.",
]

OFF_THEME = [
    "{company} said quarterly operating profit rose {pct} percent on strong demand for memory chips.",
    "Shares of {company} fell {pct} percent on the KOSPI after the company cut its outlook.",
    "{team} won {score} on {weekday}, moving to the top of the league table.",
    "The coach of {team} said the squad would focus on defence before the next tournament.",
    "Heavy snow is expected in {city} on {weekday}, with temperatures falling to minus {deg} degrees.",
    "Officials in {city} said {topic} had reached a record in {month} {year}.",
    "A government report on {topic} found that young households were under growing pressure.",
    "{culture} drew more than {count} visitors in {city} over the holiday weekend.",
    "The Bank of Korea kept its policy rate at 3.5 percent, citing slowing inflation.",
    "Economists expect {topic} to stabilise in the second half of {year}, a survey showed.",
    "Organisers of {culture} in {city} said tickets sold out within minutes.",
    "The U.S. Federal Reserve's decision weighed on {company} and other exporters, analysts said.",
]

# Clauses that make otherwise alike sentences differ, as real reporting does.
DETAILS = [
    ", according to {count2} people familiar with the matter",
    ", the {nth} such report in {weeks} weeks",
    ", citing {official}",
    " as officials in {city} met for {hours} hours",
    ", a person briefed on the talks said",
    " after {weeks} weeks of rising tension",
    ", in a report seen by {count2} diplomats",
    " despite warnings from {official}",
]

TITLES = {
    "themed": ["{north} fires {missile}", "{allies} hold {drill}", "{russia} and {north} discuss {deal}",
               "Seoul condemns launch", "{north} slams {drill}", "Talks in {place} on {deal}"],
    "off": ["{company} results", "{team} win", "Snow warning for {city}", "Report on {topic}",
            "{culture} in {city}", "Markets: {company}"],
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Item:
    """One feed item: what a feed carries and what the benchmarks compare."""

    feed: int
    guid: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    link: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def html(self) -> str:
        return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.paragraphs)


def _fill(template: str, rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in SLOTS.items()}
    values.update(
        day=rng.randint(1, 28), weekday=rng.choice(WEEKDAYS), nth=rng.choice(["third", "fifth", "first", "second"]),
        km=rng.randint(100, 1000), alt=rng.randint(50, 6000), pct=rng.randint(1, 40), deg=rng.randint(5, 18),
        score=f"{rng.randint(0, 4)}-{rng.randint(0, 3)}", year=rng.choice([2023, 2024]), count=rng.randint(2, 90) * 1000,
    )
    values.update(count2=rng.randint(2, 400), weeks=rng.randint(2, 60), hours=rng.randint(2, 30))
    text = template.format(**values)
    if rng.random() < 0.7 and text.endswith(".") and not text.endswith("”."):
        text = text[:-1] + rng.choice(DETAILS).format(**values) + "."
    return text[0].upper() + text[1:]


def _sentences(rng: random.Random, themed: bool, n: int) -> list[str]:
    pool = THEMED if themed else OFF_THEME
    # Real copy mixes: a themed story carries some background, an off-theme one rarely the reverse.
    return [_fill(rng.choice(pool if rng.random() < 0.85 else (OFF_THEME if themed else THEMED)), rng) for _ in range(n)]


def _edit(paragraphs: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """Wire copy re-published: a sentence dropped or a word changed, the rest verbatim."""
    out = list(paragraphs)
    choice = rng.random()
    if choice < 0.4 and len(out) > 1:
        out.pop(rng.randrange(len(out)))
    elif choice < 0.8:
        i = rng.randrange(len(out))
        out[i] = out[i].replace(" said", " told reporters", 1)
    return tuple(out)


def generate(items: int, feeds: int, *, days: int = 3, duplicates: float = 0.1, themed: float = 0.5,
             seed: int = 7, end: datetime = END) -> list[Item]:
    """`items` items spread over `feeds` feeds and the `days` days before `end`; `duplicates` of
    them near-copies of an earlier item of another feed, `themed` of the rest on the brief's themes."""
    rng = random.Random(seed)
    out: list[Item] = []
    span = days * 86400
    for n in range(items):
        feed = n % feeds
        published = end - timedelta(seconds=rng.randrange(span))
        if out and rng.random() < duplicates:
            original = out[rng.randrange(len(out))]
            paragraphs = _edit(original.paragraphs, rng)
            title = original.title
        else:
            is_themed = rng.random() < themed
            paragraphs = tuple(
                " ".join(_sentences(rng, is_themed, rng.randint(1, 3))) for _ in range(rng.randint(2, 4))
            )
            title = _fill(rng.choice(TITLES["themed" if is_themed else "off"]), rng)
        out.append(Item(feed, f"item-{n}", title, paragraphs, published, f"https://news{feed}.example/{n}"))
    return out


def by_feed(items: list[Item], feeds: int) -> list[list[Item]]:
    groups: list[list[Item]] = [[] for _ in range(feeds)]
    for item in items:
        groups[item.feed].append(item)
    return groups


def rss(items: list[Item], title: str) -> bytes:
    """An RSS 2.0 document, items newest first as feeds publish them."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{html.escape(title)}</title>'
             "<link>https://news.example/</link><description>benchmark feed</description>"]
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        parts.append(
            f"<item><guid isPermaLink=\"false\">{item.guid}</guid><title>{html.escape(item.title)}</title>"
            f"<link>{item.link}</link><pubDate>{format_datetime(item.published)}</pubDate>"
            f"<description><![CDATA[{item.html}]]></description></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")
