"""Key quotes: words inside quotation marks, verbatim, and who said them when the text says.

A speaker comes only from the words around the quotation: "Kim said", "wrote Barry",
"Jo said: “...”", "Borrell wrote on X that he “...”", "the White House said in a
statement". "He said" or "he added" is the one person named in the sentences just
before, and "It also said" the organisation quoted in the sentence before; anything
less certain leaves the speaker empty rather than guessing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..language import ENGLISH, KOREAN, detect, has_hangul
from ..models import Article, Entity, Passage, Quote, Story
from . import hangul, quotemarks
from .gazetteer import Mention
from .leads import dangling
from .names import SPEECH_FILLERS, SPEECH_VERBS, fold
from .namewords import TITLE_PARTS
from .passages import words_at_least

# Shorter quotations are scare quotes ("annihilate", "inferno of nuclear war"), not statements.
MIN_WORDS = 6
# How many sentences back "he" or "she" may look for the one person it stands for.
PRONOUN_REACH = 2
PRONOUNS = {"he": "person", "she": "person", "it": "organisation"}
# People speak for themselves; organisations and countries through statements.
KIND_RANK = {"person": 0, "organisation": 1, "country": 2}
# "so-called" is not a verb of speech.
_VERB = r"(?<![\w-])(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\b"
_FILLER = r"(?:(?:" + "|".join(sorted(SPEECH_FILLERS)) + r")\s+)*"
# A subject's article or honorific, before the name it may be: "the ministry", "Mr. Guterres".
_LEADING = r"(?:[Tt]he|Mr\.|Mrs\.|Ms\.|Dr\.|Prof\.)\s+"
# Right after the quotation: '," Kim said', '," the White House said', '," he added', '," Mr. Kim said'.
AFTER_RE = re.compile(rf"^[\s,.;:\u2014\u2013-]*(?P<subj>(?:{_LEADING})?[^\s,.;:\"\u201c\u201d]+(?:\s+[^\s,.;:\"\u201c\u201d]+){{0,5}}?)\s+{_FILLER}(?P<verb>{_VERB})")
# ... or the other way round: '," wrote Barry', '," said Lavrov', '," according to the ministry'.
INVERTED_RE = re.compile(rf"^[\s,.;:\u2014\u2013-]*(?P<verb>{_VERB}|according to)\s+(?:the\s+)?(?P<subj>\S)")
VERB_RE = re.compile(_VERB)
# Between a verb and the name it introduces, a title only: capitalised words, their "of", the
# words of a title ("said U.S. envoy Sung Kim") and a service ("South Korean army Capt. Kim").
_SERVICE = "army|navy|marine|marines|air|force|coast|guard"
_TITLE_WORD = "|".join(sorted(re.escape(w) for w in TITLE_PARTS if w.isalpha()))
_TITLE_PART = rf"(?:[A-Z][\w.'\u2019-]*|of|the|for|and|{_SERVICE}|{_TITLE_WORD})\s+"
TITLE_GAP = re.compile(rf"(?:{_TITLE_PART})+")
_ACCORDING = re.compile(r"\s*(?P<to>[Aa]ccording to)\s+(?:the\s+)?")
# ... or what the speaker is, then his name ("a department official, Lieutenant Colonel ...").
_DESCRIBED = re.compile(rf"(?:(?:an?|the)\s+)?[a-z][^,\u201c\u201d\"]{{0,80}},\s+(?:{_TITLE_PART})*")
_APPOSITION_END = re.compile(r"\s*(?:[,.;]|$)|\s+(?:of|who|from)\b")
# A country's or a body's own speaker: "the United Kingdom's delegate", "the ministry's spokesman".
SPOKESPERSON = re.compile(r"['\u2019]s\s+(?:\w+\s+)?(?:delegate|delegation|representative|ambassador|envoy|"
                          r"spokesperson|spokesman|spokeswoman|mission|minister|office)$")


@dataclass(frozen=True)
class _Sentence:
    """A passage placed in its paragraph, with its mentions."""

    passage: Passage
    start: int
    end: int
    mentions: tuple[Mention, ...]


def _place(paragraph: str, passages: Sequence[Passage], mentions: dict[str, list[Mention]]) -> list[_Sentence]:
    placed = []
    cursor = 0
    for passage in passages:
        at = paragraph.find(passage.text, cursor)
        if at < 0:
            continue
        cursor = at + len(passage.text)
        placed.append(_Sentence(passage, at, cursor, tuple(mentions.get(passage.id, ()))))
    return placed


def extract(
    articles: Sequence[Article],
    passages: Sequence[Passage],
    mentions: dict[str, list[Mention]],
    kept: dict[str, str | None],
    cited: dict[str, tuple[str, ...]],
) -> list[Quote]:
    """Every quotation of MIN_WORDS words or more, in reading order, one per distinct wording."""
    of_article: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        of_article[passage.article_id].append(passage)
    return merge(q for article in articles for q in told(article, of_article[article.id], mentions, kept, cited))


def merge(quotes: Iterable[Quote]) -> list[Quote]:
    """Quotations of the day's articles (in citation order) as `extract` gives them: one per
    distinct wording, citing every article that printed it."""
    found: dict[str, Quote] = {}
    for quote in quotes:
        _keep(found, quote)
    return list(found.values())


def told(
    article: Article,
    passages: Sequence[Passage],
    mentions: dict[str, list[Mention]],
    kept: dict[str, str | None],
    cited: dict[str, tuple[str, ...]],
    memo: dict[tuple[str, ...], tuple[str, ...]] | None = None,
) -> list[Quote]:
    """The quotations of one article (`passages`: its own), in reading order, before the
    day's repeats are merged. `memo`: the sources of each set of cited passages already
    listed (a quotation wire copy repeats is cited by hundreds of articles)."""
    by_paragraph: dict[int, list[Passage]] = defaultdict(list)
    for passage in passages:
        by_paragraph[passage.paragraph].append(passage)
    out: list[Quote] = []
    paragraphs = article.text.split("\n\n")
    history: list[_Sentence] = []
    last_speaker: tuple[str, str] | None = None
    roles = _roles(sorted(passages, key=lambda p: p.index), mentions)
    going_on: hangul.Speaker | None = None
    # The speaker of the quotation that ended the paragraph before, if one did.
    carried: tuple[str, str, str] | None = None
    for number, paragraph in enumerate(paragraphs):
        sentences = _place(paragraph, by_paragraph.get(number, []), mentions)
        if article.language != ENGLISH and has_hangul(paragraph) and detect(paragraph) == KOREAN:
            # Korean quotes its speakers by its own conventions (see hangul).
            korean, going_on = hangul.quotes_of([(s.passage.text, s.passage.id, s.mentions) for s in sentences],
                                                kept, cited, article.id, roles, going_on)
            out.extend(korean)
            history, last_speaker, carried = [], None, None
            continue
        going_on = None
        spans = quotemarks.quotations(paragraph)
        told_by: tuple[int, tuple[str, str, str]] | None = None
        for start, end in spans:
            shown = _standing(paragraph, start, end, sentences)
            begin = start if shown is None else shown
            text = paragraph[begin:end].rstrip(" ,")
            if words_at_least(MIN_WORDS).search(text) is None or not quotemarks.spoken(paragraph, start, text):
                continue
            inside = [s for s in sentences if s.start < end and s.end > begin]
            if not inside:
                continue
            # Only the last few sentences can hold the person "he" stands for.
            earlier = history[-PRONOUN_REACH:] + [s for s in sentences if s.end <= inside[0].start]
            speaker = _speaker(paragraph, start, end, spans, inside, earlier, last_speaker)
            if speaker is None and told_by is not None and _goes_on(paragraph[told_by[0]:start], told_by[1][2]):
                # '"...," said Maj. Ad Godinez. "RSOI is a great test ..."': the same speaker goes on.
                speaker = told_by[1]
            if speaker is None and carried is not None and start <= 1 and _QUOTE_ENDS.fullmatch(paragraph, end):
                # A paragraph that is only a quotation goes on with the speaker of the quotation
                # that ended the one before ('"... through starvation," DeWaal told VOA.' then
                # '"The logics of war are leading relentlessly to famine."').
                speaker = carried
            told_by = (end, speaker) if speaker else None
            if shown is None:
                # Not shown ('"It's been really great," said Maj. Ad Godinez.' points back), but
                # it says who speaks in the quotation after it.
                continue
            ids = tuple(dict.fromkeys(k for s in inside if (k := kept.get(s.passage.id, s.passage.id))))
            if not ids:
                continue  # folded into a near-verbatim twin in another article, which tells it
            sources = memo.get(ids) if memo is not None else None
            if sources is None:
                sources = tuple(dict.fromkeys(a for pid in ids for a in cited.get(pid, (article.id,))))
                if memo is not None and all(pid in cited for pid in ids):
                    # (Only when no passage falls back on this article: then it is the same for all.)
                    memo[ids] = sources
            name, kind, attribution = speaker if speaker else (None, None, None)
            role = roles.get(name) if name else None
            out.append(Quote(text, name, kind, role, attribution, ids, sources))
            last_speaker = (name, kind) if name and kind else None
        history = (history + sentences)[-PRONOUN_REACH:]
        carried = told_by[1] if told_by is not None else None
        if not spans:
            last_speaker = None if sentences else last_speaker
    return out


_QUOTE_ENDS = re.compile(r"[\s\"\u201d.,!?]*")


# Between a quotation and the next one the same speaker goes on with: the first one's close,
# its attribution, the sentence's end and the next one's open.
_GOES_ON = re.compile(r"[\u201d\"]?[,.]?[\u201d\"]?\s+(?P<said>[^\u201c\u201d\"]{2,120}?)[.:]\s+[\u201c\"]")


_ONE_SENTENCE = re.compile(r"(?:(?![.!?]\s+[A-Z]).)*")


def _goes_on(between: str, attribution: str) -> bool:
    """Whether `between` (from a quotation's end to the next one's words) is only the first
    one's attribution, with what qualifies it in the same sentence: the next quotation is
    the same speaker's (never after "... Lavrov said. Kim agreed. “...")."""
    m = _GOES_ON.fullmatch(between)
    if m is None or attribution not in m.group("said"):
        return False
    return _ONE_SENTENCE.fullmatch(m.group("said").split(attribution, 1)[1]) is not None


def _standing(paragraph: str, start: int, end: int, sentences: Sequence[_Sentence]) -> int | None:
    """Where the quotation [start, end) can be shown alone from: its start, or the first of
    its sentences that does not open by pointing back ('"And for them, Russia... NK boasts
    it has a black belt in politics"' is shown from "NK boasts"); None when every one does."""
    # A passage keeps a quotation's sentences together: its sentences are cut here.
    inner = (m.end() for m in _INNER_END.finditer(paragraph, start, end))
    for at in sorted({start, *inner, *(s.start for s in sentences if start < s.start < end)}):
        if not dangling(paragraph[at:end]):
            return at
    return None


# The end of a sentence inside a quotation: its mark and the space before a capital.
_INNER_END = re.compile(r"(?<=[.!?])[\'\u2019]?\s+(?=[A-Z\u2018'])")


def _keep(found: dict[str, Quote], quote: Quote) -> None:
    """Add a quote; the same words in two articles are one quote citing both, attributed if either says."""
    key = fold(quote.text)
    old = found.get(key)
    if old is None:
        found[key] = quote
        return
    merged = tuple(dict.fromkeys(old.source_ids + quote.source_ids))
    found[key] = Quote(old.text, old.speaker or quote.speaker, old.speaker_kind or quote.speaker_kind, old.role or quote.role,
                       old.attribution or quote.attribution, old.passage_ids, merged)


def _roles(passages: Sequence[Passage], mentions: dict[str, list[Mention]]) -> dict[str, str]:
    """The first role the article gives each person ("Russian Foreign Minister")."""
    roles: dict[str, str] = {}
    for passage in passages:
        for m in mentions.get(passage.id, ()):
            if m.role and m.kind == "person":
                roles.setdefault(m.name, " ".join(m.role.split()))
    return roles


def _speaker(
    paragraph: str,
    start: int,
    end: int,
    spans: list[tuple[int, int]],
    inside: list[_Sentence],
    earlier: list[_Sentence],
    last_speaker: tuple[str, str] | None,
) -> tuple[str, str, str] | None:
    """(name, kind, the verbatim attributing words), or None when the text does not say."""
    frame_start, frame_end = inside[0].start, inside[-1].end
    mentions = [(s.start + m.start, s.start + m.end, m) for s in inside for m in s.mentions]
    # Other quotations in the sentence are not where the speaker is named.
    masked = list(paragraph)
    for s, e in spans:
        if (s, e) != (start, end):
            masked[s:e] = "\u2026" * (e - s)
    masked_text = "".join(masked)
    close = end + 1 if end < len(paragraph) else end
    after = masked_text[close:frame_end]
    m = INVERTED_RE.match(after)
    if m:
        at = close + m.start("subj")
        # ... or its title first: '," said Secretary of the Treasury Scott Bessent', '," said
        # U.S. envoy Sung Kim' (the person, not the country his title names).
        who = next((x for x in mentions if x[2].kind == "person" and x[0] >= at
                    and (x[0] == at or TITLE_GAP.fullmatch(paragraph, at, x[0])
                         or _DESCRIBED.fullmatch(paragraph, at, x[0]) and _APPOSITION_END.match(paragraph, x[1]))), None)
        who = who or next((x for x in mentions if x[0] == at), None)
        if who:
            return who[2].name, who[2].kind or "other", paragraph[close + m.start("verb"):who[1]]
    m = AFTER_RE.match(after)
    if m:
        s, e = close + m.start("subj"), close + m.end("subj")
        resolved = _subject(paragraph, s, e, mentions, earlier, last_speaker)
        if resolved:
            return resolved[0], resolved[1], paragraph[s:close + m.end("verb")]
    titled = _titled(paragraph, close, frame_end, mentions)
    if titled is not None:
        return titled
    before = masked_text[frame_start:start - 1 if start > 0 else start]
    verbs = list(VERB_RE.finditer(before))
    if not verbs:
        # "According to Patrick Shanahan, the exercise was designed “to reduce tensions ...”".
        told = _ACCORDING.match(paragraph, frame_start)
        if told is None:
            return None
        named = [x for x in mentions if told.end() <= x[0] and x[1] < start and x[2].kind != "place"
                 and (paragraph[x[1]:x[1] + 1] == "," or paragraph.startswith(" who", x[1]))]
        # (The person after a title before the body it names: "According to Pentagon Press Secretary Pat Ryder".)
        who = next((x for x in named if x[2].kind == "person" and TITLE_GAP.fullmatch(paragraph, told.end(), x[0])), None)
        who = who or next((x for x in named if x[0] == told.end()), None)
        return (who[2].name, who[2].kind or "other", paragraph[told.start("to"):who[1]]) if who else None
    verb = verbs[-1]
    head = before[: verb.start()]
    # Skip what sits between subject and verb: "Kim has also said", "Michta, director of X, believes".
    head = re.sub(rf"\s+{_FILLER}$", "", head.rstrip() + " ").rstrip()
    head = re.sub(r",\s[^,]{1,140},$", "", head).rstrip()
    subject = re.search(r"(?:[Tt]he\s+)?[\w'\u2019.-]+(?:\s+[\w'\u2019.-]+){0,5}$", head)
    if not subject:
        return None
    e = frame_start + subject.end()
    candidates = [x for x in mentions if x[1] == e]
    if not candidates:
        # "the United Kingdom's delegate warned that": the country (or body) speaks through its own.
        own = SPOKESPERSON.search(head)
        if own is not None:
            candidates = [x for x in mentions if x[1] == frame_start + own.start() and x[2].kind in ("country", "organisation")]
    if candidates:
        who = max(candidates, key=lambda x: x[1] - x[0])[2]
        return who.name, who.kind or "other", paragraph[candidates[0][0]:frame_start + verb.end()]
    pronoun = re.search(r"\b(he|she|it|He|She|It)$", head)
    if pronoun:
        s = frame_start + pronoun.start()
        resolved = _subject(paragraph, s, e, mentions, earlier, last_speaker)
        if resolved:
            return resolved[0], resolved[1], paragraph[s:frame_start + verb.end()]
    return None


def _titled(paragraph: str, close: int, frame_end: int,
            mentions: list[tuple[int, int, Mention]]) -> tuple[str, str, str] | None:
    """A person named after the quotation behind a title, then the verb: '," Air Force Brig.
    Gen. Pat Ryder said', '," Pentagon spokesman Navy Captain Jeff Davis told reporters'. Only
    the first person named there may be it ('," Antony Blinken and Park Jin said': neither)."""
    lead = _LEAD_IN.match(paragraph, close, frame_end)  # (None when the quotation ends the frame)
    at = lead.end() if lead else frame_end
    who = next(((s, e, m) for s, e, m in mentions if m.kind == "person" and at <= s and e <= frame_end), None)
    if who is not None and _GAP.fullmatch(paragraph, at, who[0]) and (verb := _SAID.match(paragraph, who[1], frame_end)):
        return who[2].name, "person", paragraph[at:verb.end()]
    return None


# The quotation's close and what may follow it before a title ('," ', '.” ').
_LEAD_IN = re.compile(r"[\s,.;:\u2014\u2013-]*")
# A title there may name the body it speaks for: "U.S. Mission to the United Nations spokesperson".
_GAP = re.compile(rf"(?:{_TITLE_PART}|to\s+)*")
# A name's verb of speech right after it (" said", " also told"), or after what he is
# (", head of the BICmd TAAT, said").
_SAID = re.compile(rf"(?:,\s[^,\u201c\u201d\"]{{1,140}},)?\s+{_FILLER}{_VERB}")


def _subject(
    paragraph: str,
    start: int,
    end: int,
    mentions: list[tuple[int, int, Mention]],
    earlier: list[_Sentence],
    last_speaker: tuple[str, str] | None,
) -> tuple[str, str] | None:
    """The entity a subject phrase names: a mention that is the whole phrase, or a pronoun resolved."""
    phrase = paragraph[start:end]
    bare = re.sub(rf"^{_LEADING}", "", phrase)
    offset = start + len(phrase) - len(bare)
    for s, e, mention in mentions:
        if s == offset and e == end:
            return mention.name, mention.kind or "other"
    wanted = PRONOUNS.get(bare.casefold())
    if wanted == "person":
        for sentence in reversed(earlier[-PRONOUN_REACH:]):
            people = {m.name for m in sentence.mentions if m.kind == "person"}
            if people:
                return (next(iter(people)), "person") if len(people) == 1 else None
        return None
    if wanted == "organisation" and last_speaker and last_speaker[1] in ("organisation", "country"):
        return last_speaker
    return None


def select(found: Sequence[Quote], people: Sequence[Entity], limit: int, stories: Sequence[Story] = ()) -> list[Quote]:
    """At most `limit` quotes: one per speaker in turn (people first; among them, who speaks in
    the day's leading story first, then the most mentioned), then a second per speaker, and so
    on; quotes nobody is named for come last. `stories`: the day's, ranked."""
    rank_of = {a: s.rank for s in stories if s.rank is not None for a in s.article_ids}
    unranked = len(stories) + 1

    def story_rank(quote: Quote) -> int:
        return min((rank_of.get(a, unranked) for a in quote.source_ids), default=unranked)

    queues: dict[str | None, list[Quote]] = {}
    for quote in found:
        queues.setdefault(quote.speaker, []).append(quote)
    # (A colonel's three mentions in a unit's story weigh less than a minister's one in the lead story.)
    best = {s: min(map(story_rank, q)) for s, q in queues.items()}
    rank = {e.name: (KIND_RANK.get(e.kind, 3), best.get(e.name, unranked), -e.mentions, i) for i, e in enumerate(people)}
    speakers = sorted((s for s in queues if s is not None), key=lambda s: rank.get(s, (3, unranked, 0, len(rank))))
    chosen: list[Quote] = []
    while len(chosen) < limit and any(queues[s] for s in speakers):
        for speaker in speakers:
            if queues[speaker] and len(chosen) < limit:
                chosen.append(queues[speaker].pop(0))
    chosen.extend(queues.get(None, [])[: max(limit - len(chosen), 0)])
    return chosen
