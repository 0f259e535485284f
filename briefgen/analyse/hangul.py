"""Korean reporting by its conventions: names with their particles and quotations with their
speakers, read from the text without translation (dates: kodates).

- Names: a gazetteer alias written in Hangul is found with a particle attached (러시아를,
  김정은은); a proper noun the analyser tags (NNP) is a name even when no alias lists it,
  a person when a title follows it (푸틴 대통령), an organisation by its last syllables.
- Quotations: “...”, "...", 「...」 and 『...』 followed by a quoting ending (-라고, -고) and
  a verb of speech (말했다, 밝혔다...). The speaker is the name between the quotation and
  the verb ("...”라고 김 위원장이 말했다"), else the subject before the quotation
  ("합참은 “...”고 밝혔다"); nothing is guessed beyond the sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..language import has_hangul
from ..models import Quote
from .namewords import KOREAN_COUNTRIES

if TYPE_CHECKING:
    from .gazetteer import Mention

HANGUL = "\uac00-\ud7a3"
# Titles after a name make it a person's (푸틴 대통령, 김여정 부부장).
PERSON_TITLES = (
    "대통령", "위원장", "국무위원장", "총비서", "부부장", "장관", "차관", "총리", "외무상", "외상", "대변인", "대사",
    "의원", "대표", "국방상", "사령관", "의장", "주석", "씨", "부위원장", "총장", "특사", "비서", "본부장",
)
# A body's ending on a word of two syllables is most often a common noun's (제원, specifications;
# 위원, a member): only these are bodies.
SHORT_ORGS = frozenset({"국회", "법원", "내각", "군부", "정부"})
ORG_ENDINGS = ("부", "청", "처", "원", "회", "당", "군", "통신", "신문", "방송", "본부", "사령부", "위원회", "연합", "기구", "대학", "은행")
SPEECH_VERBS = (
    "말했", "밝혔", "강조했", "전했", "주장했", "덧붙였", "보도했", "지적했", "설명했", "발표했", "경고했", "비난했",
    "말한", "밝힌", "언급했", "촉구했", "평가했", "규탄했", "선언했", "보고했",
)
_QUOTE_PAIRS = {"\u201c": "\u201d", '"': '"', "\u300c": "\u300d", "\u300e": "\u300f"}
_QUOTE_RE = re.compile("\u201c[^\u201d]+\u201d|\"[^\"]+\"|\u300c[^\u300d]+\u300d|\u300e[^\u300f]+\u300f")
# The quoting ending right after the closing mark: "...다"라고, "...다"고, "...다"며.
_QUOTING_RE = re.compile(rf"^(?:이?라고|고|며|면서|이라며|라며)(?![{HANGUL}])")
_VERB_RE = re.compile("(?:" + "|".join(SPEECH_VERBS) + ")")
# A quotation of fewer words is a term in quotation marks ("핵 무력"), not a statement.
MIN_QUOTE_WORDS = 3


def gazetteer_regex(aliases: Sequence[str]) -> re.Pattern[str] | None:
    """Hangul aliases, longest first, found at the start of a word whatever particle follows."""
    hangul = sorted((a for a in aliases if has_hangul(a)), key=lambda a: (-len(a), a))
    if not hangul:
        return None
    return re.compile(rf"(?<![{HANGUL}\w])(?:{'|'.join(re.escape(a) for a in hangul)})")


def aliases_in(text: str, regex: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of each alias the regex finds that is whole morphemes: 러시아 in 러시아를
    (러시아 + 를), not 한국 in 한국은행 (the Bank of Korea, one proper noun)."""
    from .korean import bounds

    hits = list(regex.finditer(text))
    if not hits:
        return []
    parts = bounds(text)
    starts = {p[0] for p in parts}
    ends = {p[1] for p in parts}
    return [(m.start(), m.end()) for m in hits if m.start() in starts and m.end() in ends]


def names(text: str, taken: Sequence[tuple[int, int]], people: Sequence[int] = ()) -> list[tuple[int, int, str | None]]:
    """(start, end, kind or None) of the proper nouns the analyser finds, outside `taken` spans
    (`people`: where the gazetteer's people start)."""
    from .korean import proper_nouns

    out: list[tuple[int, int, str | None]] = []
    nouns = proper_nouns(text)
    skip = -1
    for n, (start, end) in enumerate(nouns):
        if n == skip or any(s < end and start < e for s, e in taken) or end - start < 2:
            continue
        # "블라디미르 푸틴 대통령": a foreign name is two words. Before a person the gazetteer
        # knows, the first is that person's given name, no person of its own.
        if end + 1 in people and text[end] == " ":
            continue
        # "도널드 트럼프 대통령": neither a person titled "트럼프 대통령" nor two people, but one
        # (never "러시아 대통령", "크렘린궁 대변인": a country's, a body's).
        title = _TITLE_RE.match(text, end)
        following = nouns[n + 1] if n + 1 < len(nouns) else None
        if (title is not None and following is not None and " " not in text[start:end]
                and title.start("role") == end + 1 == following[0] and text[following[1] : following[1] + 1] == " "
                and not any(s < following[1] and following[0] < e for s, e in taken)
                and text[following[0] : following[1]] not in KOREAN_COUNTRIES
                and not text[following[0] : following[1]].endswith(ORG_ENDINGS)):
            out.append((start, following[1], "person"))
            skip = n + 1
            continue
        # "기시다 후미오 일본 총리": the two words of the name, then a title with the country or
        # body it is of (the title that makes "후미오" alone a person).
        if (following is not None and following[0] == end + 1 and text[end] == " " and " " not in text[start:end]
                and not any(s < following[1] and following[0] < e for s, e in taken)
                and not {text[start:end], text[following[0]:following[1]]} & KOREAN_COUNTRIES
                and not text[start:end].endswith(ORG_ENDINGS) and not text[following[0]:following[1]].endswith(ORG_ENDINGS)
                and following[1] - following[0] >= 2  # (not 미, the US: "로렌 테리 미 해군 대변인")
                and (after := _TITLE_RE.match(text, following[1])) is not None
                and " " in after.group("role") and not after.group("role").startswith("담당")):
            out.append((start, following[1], "person"))
            skip = n + 1
            continue
        out.append((start, end, kind(text, start, end)))
    return out


def kind(text: str, start: int, end: int) -> str | None:
    """A Korean name's kind from the words after it (a title) or its last syllables."""
    if text[start:end] in KOREAN_COUNTRIES:
        return "country"  # (러시아 대통령: the country's president)
    found = role(text, end)
    # (동아시아태평양 담당 대변인: the spokesperson "in charge of" a region, not a person named so.)
    if found is not None and not found.startswith("담당"):
        return "person"
    if text[start:end].endswith(ORG_ENDINGS) and (end - start >= 3 or text[start:end] in SHORT_ORGS):
        return "organisation"
    if _PLACE_RE.search(text, start, end):
        return "place"
    return None


# Places by their last syllables: provinces (평안남도), ports (남포항), seas (동해, 홍해) and
# oceans (태평양), rivers (두만강), mountains (백두산), villages (동창리), the peninsula (한반도).
# Three syllables at least where a name may end so too (케리, 히로시: no 시, 주 or 만).
# Not a railway (시베리아 횡단철도) or a loanword's -프리 (오스프리, the aircraft).
_PLACE_RE = re.compile(rf"(?:[{HANGUL}]{{2,}}(?<!철)(?<!프)(?:도|항|양|산|리)|[{HANGUL}]+(?:해|강|반도))$")


_TITLE_RE = re.compile(
    rf"\s?(?P<role>(?:[{HANGUL}]+\s)?(?:" + "|".join(sorted(PERSON_TITLES, key=len, reverse=True)) + rf"))(?=[^{HANGUL}]|은|는|이|가|을|를|의|에|과|와|도|$)"
)


def role(text: str, end: int) -> str | None:
    """The title right after a name, with the word before it (신원식 국방부 장관 -> 국방부 장관)."""
    m = _TITLE_RE.match(text, end)
    return m.group("role") if m else None


def quotations(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, words inside, attribution) of each quotation reported with a verb of speech."""
    out = []
    for m in _QUOTE_RE.finditer(text):
        inside = m.group(0)[1:-1].strip()
        if len(inside.split()) < MIN_QUOTE_WORDS:
            continue
        rest = text[m.end():]
        quoting = _QUOTING_RE.match(rest)
        if not quoting:
            continue
        verb = _VERB_RE.search(rest, quoting.end())
        # The verb must close the same clause: no other sentence end between.
        if verb is None or re.search(r"[.?!]", rest[: verb.start()]):
            continue
        attribution = rest[: verb.end() + 1].strip()
        out.append((m.start(), m.end(), inside, attribution))
    return out


def speaker(text: str, start: int, end: int, attribution: str, mentions: Sequence[Mention]) -> Mention | None:
    """Who said the quotation at [start, end): a name between it and its verb, else the
    sentence's subject before it (a name with a subject or topic particle)."""
    stop = end + len(attribution) + 2
    # A name inside another quotation is what that one says, not who speaks: in 해군은 “...”며
    # “북한의 ... 위협이 높아지는 ...”고 밝혔다, the first quotation's attribution runs through the
    # second, and 북한 is not its speaker.
    quoted = [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)]
    free = [m for m in mentions if not any(s <= m.start < e for s, e in quoted)]
    between = [m for m in free if end <= m.start < stop and m.kind in ("person", "organisation", "country", None)]
    if between:
        return between[0]
    before = [(m, found.group("particle")) for m in free
              if m.end <= start and (found := _SUBJECT_RE.match(text, m.end, start)) is not None]
    # The topic (은, 는) is who speaks; a subject (이, 가) after it is a clause's inside the
    # sentence: 블링컨 장관은 쇼이구 장관이 “...”이라며 ... 말했다 is Blinken's.
    topics = [m for m, particle in before if particle in _TOPIC]
    if topics:
        return topics[-1]
    return before[-1][0] if before else None


# Who speaks: name, kind, role.
Speaker = tuple[str, str, "str | None"]


def quotes_of(
    sentences: Sequence[tuple[str, str, Sequence[Mention]]], kept: dict[str, str | None],
    cited: dict[str, tuple[str, ...]], article_id: str, roles: dict[str, str], going_on: Speaker | None = None,
) -> tuple[list[Quote], Speaker | None]:
    """The quotes of a Korean paragraph's sentences (text, passage id, mentions), each with the
    speaker its sentence names, and who spoke last. `going_on`: who spoke in the sentence
    before, if it quoted someone: a sentence that goes on ("이어 “...”고 덧붙였습니다", then)
    and names no one is theirs."""
    out = []
    for text, passage_id, mentions in sentences:
        said_by = None
        for start, end, words, attribution in quotations(text):
            pid = kept.get(passage_id, passage_id)
            who = speaker(text, start, end, attribution, mentions)
            if who is not None:
                said_by = (who.name, who.kind or "other", who.role or roles.get(who.name))
            elif going_on is not None and GOES_ON.match(text):
                said_by = going_on
            if not pid:
                continue
            name, kind, role = said_by if said_by else (None, None, None)
            out.append(Quote(words, name, kind, role, attribution, (pid,), cited.get(pid, (article_id,))))
        going_on = said_by
    return out, going_on


# A sentence that goes on from the one before: its quotation, if it names no one, is the
# same speaker's ("이어 “...”고 덧붙였습니다").
GOES_ON = re.compile(r"\s*(?:이어서|이어|그러면서|아울러|또한|또)\s")


# A subject or topic particle on the name, or on one of the two words after it (a title:
# 신원식 국방부 장관은).
_SUBJECT_RE = re.compile(rf"(?:\s+[{HANGUL}]+?){{0,2}}?(?P<particle>은|는|이|가|도|측은|측이)(?=\s)")
_TOPIC = frozenset({"은", "는", "측은"})


def by_surname(texts: Sequence[str], mentions: Sequence[Sequence[Mention]]) -> list[list[tuple[int, int, str]]]:
    """Per text, (start, end, name) of each person an article names by surname and title
    after naming them in full: "엄 차관은" after "엄종식 통일부 차관", "최 외무상" after "최선희
    외무상". Only when one person of the article has a Hangul name of that first syllable and
    a title that ends in the same word (not 미, the US, in "미 국무장관")."""
    titled: dict[str, dict[str, set[str]]] = {}
    for found in mentions:
        for m in found:
            # (A Korean name: two to four syllables in one word; a foreigner is named by surname.)
            if m.kind == "person" and m.role and 2 <= len(m.surface) <= 4 and " " not in m.surface and has_hangul(m.surface[0]):
                titled.setdefault(m.surface[0], {}).setdefault(m.name, set()).add(m.role.split()[-1])
    out: list[list[tuple[int, int, str]]] = []
    for text, found in zip(texts, mentions, strict=True):
        here = []
        for m in _SYLLABLE_RE.finditer(text) if titled else ():
            people = titled.get(m.group(0), {})
            if len(people) != 1:
                continue
            ((name, titles),) = people.items()
            title = _TITLE_RE.match(text, m.end())
            if title is not None and title.group("role").split()[-1] in titles \
                    and not any(k.start <= m.start() < k.end for k in found):
                here.append((m.start(), m.end(), name))
        out.append(here)
    return out


# A syllable standing alone before a space: a surname, if a title follows.
_SYLLABLE_RE = re.compile(rf"(?<![{HANGUL}\w])[{HANGUL}](?= )")
