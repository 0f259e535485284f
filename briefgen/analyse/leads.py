"""What a sentence can be shown as: background or news, standing alone or leaning on the
sentence before it. Stories take their leads from here, and every point of the brief is
made to stand alone here.

Wire copy puts the news in its first sentence or two; background (definitions, history,
"has long...", a year far from the brief's) comes lower down, and a sentence that opens
with "It", "He" or "Meanwhile" needs the one before it to be understood."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from ..models import Passage
from .passages import fingerprint
from .years import MONTHS

# A pronoun or connective at the start: the sentence leans on the one before it.
_DANGLING = re.compile(
    r"^[\"“‘']?(?:it|its|it's|he|she|his|her|they|them|their|this|that|these|those|"
    r"but|and|or|so|yet|also|meanwhile|however|moreover|furthermore|nevertheless|still|"
    r"then|thus|therefore|instead|besides|likewise|similarly|both|such|"
    r"the move|the statement|the decision|the remarks|the comments|the incident|the latter|the former|"
    # ("Earlier Tuesday, the military said ...": a time of its own, not the sentence before's.)
    r"(?:earlier|later)(?!\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|this|that day|in the day))"
    r"|separately|in addition|in response|in turn|as a result|at the same time)\b",
    re.IGNORECASE,
)
# The same in Korean, where a particle may follow the word: "이어 ...", "이는 ...", "그는 ...",
# "이번 훈련은 ..." (this drill: the article's), "또한 ...", "하지만 ...".
_DANGLING_KO = re.compile(
    r"^[\"“‘'「]?(?:이어서|이어|이는|이를|이것은|이것이|이번|이날|이 같은|이같은|이러한|이런|"
    r"그는|그녀는|그들은|그것은|그것이|그것의|그러나|하지만|그런데|또한|또|한편|반면|다만|앞서)(?=[\s,.])",
)
# Words that make a sentence background rather than the day's news.
_BACKGROUND = re.compile(
    r"\b(?:has|have|had) long\b|\blong[- ](?:standing|running|time)\b|\bhistorically\b|"
    r"\bfor (?:decades|years|centuries)\b|\bdating back\b|\bhas a long history\b|\bhave a long history\b|"
    r"\b(?:is|are|was|were) (?:an?|the) (?:annual|yearly|biennial|regular|routine|series|set|"
    r"longest|largest|oldest|name|term|type|kind|group|member|body|agency|organi[sz]ation|country|state|city|period)\b|"
    r"\b(?:is|are) held (?:every|each|annually|twice)\b|\bwas (?:founded|established|created|formed) in\b|"
    r"\b(?:is|are) known as\b|\brefers to\b|\bis defined as\b|\bis short for\b|\bstands for\b|\bofficial name\b",
    re.IGNORECASE,
)
# The same, case-sensitive, for ASCII text in lower case: the same answer, three times as
# fast (Python's regular expressions test each letter both ways under IGNORECASE).
_BACKGROUND_LOWER = re.compile(_BACKGROUND.pattern)
_SINCE_YEAR = re.compile(r"^\W*(?:since|in|by|from|until|between) (?:the )?(?:year )?(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")
# A year this far before the brief's date makes a sentence that leans on it history.
OLD_YEARS = 2


def dangling(text: str) -> bool:
    """Whether the sentence opens with a pronoun or connective that points back."""
    text = text.lstrip()
    return _DANGLING.match(text) is not None or (not text.isascii() and _DANGLING_KO.match(text) is not None)


def background(text: str, today: date | None = None) -> bool:
    """Whether the sentence is background: a definition, history, or dated far from `today`
    ("since 2006", "in 2017", "on April 17, 1985": every year it names two or more back)."""
    if (_BACKGROUND_LOWER.search(text.lower()) if text.isascii() else _BACKGROUND.search(text)) is not None:
        return True
    if today is None:
        return False
    if _SINCE_YEAR.match(text):
        year = int(_SINCE_YEAR.match(text).group(1))  # type: ignore[union-attr]
        return year <= today.year - OLD_YEARS
    years = [int(y) for y in _YEAR.findall(text)]
    if not text.isascii():
        # (Korean writes a year with 년, which \b does not part from it: "2014년 6월 30일".)
        years += [int(y) for y in _YEAR_KO.findall(text)]
    # Every year the sentence names is long past, and it names one: it tells history.
    return bool(years) and max(years) <= today.year - OLD_YEARS and (
        "since" in text.casefold() or " in " + str(max(years)) in text or _FULL_DATE.search(text) is not None
        or (not text.isascii() and _HISTORY_KO.search(text) is not None)
    )


# A day, month and year: "on April 17, 1985", "on 17 April 1985" (an event of that day).
_MONTH = "(?:" + "|".join(m.capitalize() for m in MONTHS) + r")[a-z]*\.?"
_FULL_DATE = re.compile(rf"\b{_MONTH} \d{{1,2}}, (?:1[89]|20)\d\d\b|\b\d{{1,2}} {_MONTH} (?:1[89]|20)\d\d\b")
# The same in Korean: a year with its month ("2014년 6월 30일"), or since, until or in it
# ("2012년부터", "2006년 이후", "2017년에").
_YEAR_KO = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)년")
_HISTORY_KO = re.compile(r"(?<!\d)(?:1[89]|20)\d\d년\s*(?:\d{1,2}월|부터|이후|이래|까지|에)")


def standalone(passage: Passage, before: Passage | None) -> tuple[Passage, ...] | None:
    """The passages to show for `passage` so that it stands alone: itself, or its
    predecessor and itself when it leans on it; None when it cannot stand alone."""
    if not dangling(passage.text):
        return (passage,)
    if before is None or dangling(before.text) or before.article_id != passage.article_id:
        return None
    if len(before.text.split()) + len(passage.text.split()) > 75:
        return None
    return (before, passage)


def news_score(text: str) -> float:
    """How much a sentence reads as an event being reported: a reporting or action verb in
    the past or present, a number, a day named."""
    lowered = text.casefold()
    score = 0.0
    if _REPORTING.search(lowered):
        score += 1.0
    if _ACTION.search(lowered):
        score += 1.0
    if _WHEN.search(lowered):
        score += 0.75
    if _DIGIT.search(lowered):
        score += 0.25
    return score


_REPORTING = re.compile(r"\b(?:said|says|told|announced|reported|confirmed|warned|claimed|stated)\b")
_ACTION = re.compile(r"\b\w+ed\b|\b(?:fired|fires|launched|launches|held|holds|met|meets|began|begins|sent|sends|struck)\b")
_WHEN = re.compile(r"\b(?:on|late|early) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
                   r"|\b(?:today|yesterday|this week)\b|\brecently\b")
_DIGIT = re.compile(r"\d")


_OPENING = "\"“‘'([ \t\n"
_CLOSING = "\"”’')] \t\n"
# (What a courtesy must hold before its expression is tried.)
_COURTESY_WORDS = ("hank", "ongratulat", "elcome", "tribute")


# A meeting's courtesies: "I thank Assistant Secretary-General Khiari for his briefing",
# "Thank you, Mr. President", "I welcome the participation of the representatives of ...".
_COURTESY = re.compile(
    r"(?:I|We)\s+(?:also\s+|too\s+|would\s+like\s+to\s+|wish\s+to\s+|want\s+to\s+)*(?:thank|congratulate)\b"
    # ... and as a speech opens: "I want to begin by thanking ...", "Let me start by thanking ...".
    r"|(?:(?:I|We)\s+(?:would\s+like|wish|want)\s+to|Let\s+me|Allow\s+me\s+to)\s+(?:begin|start|first)?\s*(?:by\s+)?"
    r"(?:thank(?:ing)?|congratulat(?:e|ing)|welcom(?:e|ing))\b"
    r"|(?:I|We)\s+(?:also\s+)?welcome\s+(?:the\s+)?(?:participation|presence)\b|Thank\s+you\b"
    # ... and a peer's: "My Lords, I thank the noble Earl, Lord Minto, for repeating the Statement",
    # and a tribute: "Before we move on to the substantive part of the Statement, I pay tribute ...".
    r"|My\s+Lords,\s+(?:I|we)\s+(?:also\s+)?thank\b|(?:[^.?!]{0,120},\s+)?(?:I|we)\s+(?:also\s+)?(?:pay|paid)\s+tribute\b"
    # ... also after its addressees: "Chairman Rogers, Ranking Member Smith, ..., thank you for"
    r"|[^?!\n]{0,160}?,\s+thank\s+you\b")


# What only introduces the text after it: "The following statement was issued today by the
# Spokesman for ...", "The following is a near-verbatim transcript of today's noon briefing",
# and a meeting's procedure: "I shall now make a further statement in my capacity as ...".
_INTRODUCES = re.compile(r"(?:The\s+)?[Ff]ollowing\s+(?:is|are|lists?|statement|text|remarks|transcript|letter|message)\b"
                         r"|(?:I|We)\s+(?:shall|will|would)\s+now\s+(?:make|give|deliver|read|resume)\b"
                         # ... and an encyclopedia's year page: "Events in the year 2021 in North Korea."
                         r"|Events\s+(?:in|of)\s+(?:the\s+year\s+)?\d{4}\b")
# ... and a Korean ministry's briefing: its opening ("9월 5일 정례브리핑을 시작하겠습니다"), what it
# has to hand out ("오늘 제공해 드릴 자료는 2건입니다", "먼저 발표할 사항이 없습니다"), a
# reporter's question ("<질문>").
_INTRODUCES_KO = re.compile(r"브리핑(?:을|를)?\s*시작하겠습니다|발표(?:해 드릴|할)\s*사항이\s*없습니다"
                            r"|제공해\s*드릴\s*자료는|^\W*<질문>"
                            # ... and a reporter's request for an answer: "... 외교부 입장 설명 부탁드립니다".
                            r"|(?:부탁드립니다|부탁드리겠습니다|말씀해\s*주시기\s*바랍니다|말씀해\s*주십시오|궁금(?:합니다|하고요|해요))\W*$")


# ... and a parliament's procedure: "I beg to move, That this House has considered ...", "With
# permission, Mr Speaker, I will make a statement on ...", "I would like to update the House on
# ...", a written question ("To ask the Chancellor of the Exchequer, what estimate ...") and an
# oral one reported ("Mr. Stanley Prescott asked the Secretary of State ... if he will make a
# statement ...").
_PROCEDURE_WORDS = ("beg to move", "ermission", "To ask", "update the House", "make a statement")
_PROCEDURE = re.compile(
    r"I\s+beg\s+to\s+move\b|With\s+(?:your\s+)?permission\b[^.]{0,60}?\b(?:I|we)\s+(?:will|shall|would\s+like\s+to|wish\s+to)\s+"
    r"(?:make\s+a\s+statement|update\s+the\s+House)|(?:I|We)\s+(?:would\s+like\s+to|wish\s+to|want\s+to)\s+update\s+the\s+House\b"
    r"|To\s+ask\s+(?:the|His|Her)\s|(?:(?:Mr|Mrs|Ms|Dr|Sir)\.?\s+)?(?:[A-Z][\w'\u2019-]+\s+){1,4}asked\s+the\s+[^.]{0,160}?"
    r"\b(?:if|whether)\s+(?:he|she|they)\s+will\s+make\s+a\s+statement")


# A question to the one briefing, transcribed without its question mark ("Do you think
# that, apparently during the meeting, he made this offer to Putin ...").
_ASKS = re.compile(r"(?:Do|Does|Did|Can|Could|Would|Will|Are|Were|Is|Have|Has|Should)\s+you\b")


def no_lead(text: str) -> bool:
    """Whether a sentence cannot lead a story whatever it says: a question ("How concerned is
    the United States about this?", a briefing's, with or without its question mark), a
    fragment, cut from a sentence before it, that opens in lower case, a meeting's courtesy
    ("I thank ... for his briefing"), or what only introduces the text after it (a sentence
    ending in a colon, "The following is a near-verbatim transcript of ...", a Korean
    briefing's "정례브리핑을 시작하겠습니다")."""
    # (Asked of every passage the body may print: string methods first, the expression last.)
    start = len(text) - len(text.lstrip(_OPENING))
    end = text.rstrip(_CLOSING)
    if text[start : start + 1].islower() or end.endswith("?") or end.endswith(":"):
        return True
    if " you" in text and _ASKS.match(text, start) is not None:
        return True
    if ("ollowing" in text or " now " in text or "Events" in text) and _INTRODUCES.match(text, start) is not None:
        return True
    if any(word in text for word in _PROCEDURE_WORDS) and _PROCEDURE.match(text, start) is not None:
        return True
    # (Every form of it is written in Hangul.)
    if not text.isascii() and _INTRODUCES_KO.search(text) is not None:
        return True
    return any(word in text for word in _COURTESY_WORDS) and _COURTESY.match(text, start) is not None


# A definition of a named thing: "The FE training is an ROK–U.S. combined field training ...",
# "The Ulchi Freedom Guardian (UFG) exercise is an ... command post exercise": what it is,
# not what happened, so no lead (it may still be printed as a point).
_DEFINITION = re.compile(r"(?:The\s+)?(?!The\s)(?:[A-Z(][\w.’'()/–-]*\s+){1,6}(?:[a-z]+\s+)?(?:is|are)\s+(?:an?|the)\s")


# A speaker's line, not a report: it opens in the first person, by addressing the room or
# with a transcript's speaker ("We have talked with Russia ...", "Colleagues, the DPRK has
# once again defied this Council.", "MR. BOUCHER: That's part of it."). A story leads with
# it only when it has nothing else (a transcript).
# A transcript's speaker: "MR. BOUCHER: ", "QUESTION: ".
SPEAKER_LABEL = r"[A-Z][A-Z.'\u2019 -]{0,40}:\s"
_ADDRESS = re.compile(
    r"(?:I|We|My|Our|Us)\b|(?:Colleagues|Excellencies|Friends|Ladies and gentlemen|Chairs?"
    r"|(?:Mr|Madam|Madame|Mister)\.?\s+(?:President|Chair(?:man|woman|person)?|Speaker|Secretary-General))\s*,"
    rf"|{SPEAKER_LABEL}"
)


def choose_lead(passages: Sequence[Passage], headline: str, today: date | None, window: int = 5) -> tuple[Passage, ...]:
    """The lead of an article: its first sentence that is news (not background, a definition,
    a question, a fragment or a speaker's own line) and stands alone (with its predecessor if
    it leans on it), among the first `window` passages; else the first such sentence anywhere
    in it, a speaker's own line last; else nothing."""
    head = fingerprint(headline)
    candidates = [p for p in passages if fingerprint(p.text) != head]
    by_index = {p.index: p for p in passages}
    fallback: tuple[Passage, ...] = ()
    spoken_fallback: tuple[Passage, ...] = ()
    for n, passage in enumerate(candidates):
        if (background(passage.text, today) or len(passage.text.split()) < 8 or no_lead(passage.text)
                or _DEFINITION.match(passage.text)):
            continue
        shown = standalone(passage, by_index.get(passage.index - 1))
        if shown is None or any(background(p.text, today) or no_lead(p.text) or fingerprint(p.text) == head for p in shown):
            continue
        spoken = any(_ADDRESS.match(p.text) for p in shown)
        if n < window and news_score(passage.text) >= 1.0 and not spoken:
            return shown
        if spoken:
            spoken_fallback = spoken_fallback or shown
        elif not fallback:
            fallback = shown
    return fallback or spoken_fallback
