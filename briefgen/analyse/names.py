"""Names and titles in a sentence: capitalised runs of words, what kind of name each is,
and the role ("Russian Foreign Minister", "director general of ...") the text gives it.

Rules only (the word lists they read are in `namewords`): the building blocks `entities` and
`quotes` put together."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .namewords import (
    COMPASS,
    COUNTRIES,
    DOCUMENT_WORDS,
    HONORIFICS,
    ORG_WORDS,
    PLACE_ENDS,
    PLACE_WORDS,
    PORTFOLIO_WORDS,
    RANKS,
    ROLE_MODIFIERS,
    ROLE_WORDS,
    SHIP_PREFIXES,
    SHIP_TYPES,
    SPEECH_FILLERS,
    SPEECH_VERBS,
    TITLE_ABBREVIATIONS,
    TITLE_OPENERS,
    TITLE_PARTS,
    TITLE_WORDS,
)

CONNECTORS = ("of the", "of", "for the", "for", "de", "del", "van", "von", "bin", "al", "da", "du", "la", "le")

APOS = "['\u2019]"
# A capitalised word: "Kim", "Jong-un", "People's", "DPRK", "U.S.", an initial "P" or "P.".
_TOKEN = (
    r"(?:[A-Z]\.){2,}|[A-Z]\.(?=[ \t]+[A-Z])"
    # An abbreviated title keeps its full stop inside a name: "Lt. Gov. Ralph Northam", "Dr. Lee".
    rf"|(?:{TITLE_ABBREVIATIONS})\.(?=[ \t]+[A-Z])|M/V(?=[ \t]+[A-Z])"
    # A plural possessive inside a name: "Workers' Party of Korea", "Veterans' Affairs" (a
    # name's own possessive is its owner's: "the Houthis' Al-Masirah TV" is two names).
    r"|(?:Workers|Veterans|Farmers|Peasants|Peoples|Teachers|Employees|Journalists|Writers|Soldiers|Seamen)['\u2019](?=[ \t]+[A-Z])"
    # (A battery's letter before its battalion, "A/2-1 ADA", is a unit's, not a name's last initial.)
    r"|(?![A-Z]/\d)[A-Z][\w]*(?:[-'\u2019](?![A-Z]\.)[\w]+)*"
)
_CONNECT = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in CONNECTORS)
# (Every run starts with a capital, looked for first: the look-behind is then tried only there.)
# "and" joins two words of one name after these: "Department of Economic and Social Affairs",
# "Peace and Security Council" (never two names: "Egypt and Saudi Arabia").
JOINED = "Economic Social Political Legal Cultural Technical Financial Commercial Scientific Medical Humanitarian Peace".split()
_AND = "(?:" + "|".join(f"(?<={w})" for w in JOINED) + r")\s+and\s+(?=[A-Z][a-z]+\s+[A-Z])"
# Inside a name, an Arabic surname with its particle: "Abdel Fattah al-Burhan".
_PARTICLES = r"(?:al|el|ad|as|ash|ar|az|an|at|bin|ibn|bint|abu|ul|ud)-"
_PARTICLE = rf"{_PARTICLES}[A-Z][\w]*(?:-[\w]+)*"
PARTICLE_RE = re.compile(rf"{_PARTICLE}$")
_INITIAL = re.compile(r"[A-Z]\.?")
_PARTICLE_PREFIX = re.compile(rf"(?<![\w-]){_PARTICLES}(?=[A-Z])")
RUN_RE = re.compile(rf"(?=[A-Z])(?<![\w#@&'\u2019.-])(?:{_TOKEN})(?:(?:\s+(?:{_CONNECT})\s+|{_AND}|[ \t]+)(?:{_TOKEN}|{_PARTICLE}))*")
WORD_RE = re.compile(r"\S+")
HASHTAG_RE = re.compile(r"#(\w+)")
_DEMONYM = r"(?:ean|ian|ese|ish|ican)"
DEMONYM_RE = re.compile(rf"{_DEMONYM}$")
# ... also its plural and compounds: "North Koreans", "South Korean-led".
DEMONYMS_RE = re.compile(rf"{_DEMONYM}(?:s|-[a-z]+)?$")
# Capitalised, several words, and still not a name.
NOT_NAMES = frozenset({"new year", "new year's eve", "new year's day", "christmas eve", "christmas day",
                       # (a parliament's forms of address)
                       "honourable members", "honourable member", "honorable members", "honorable member",
                       "noble lord", "noble lords", "my lords", "noble baroness", "right honourable",
                       # (the UN's word for its members, capitalised in its texts)
                       "member state", "member states", "non-member state", "non-member states"})
STOP = frozenset("""
a an the this that these those in on at of for by with from to into as and or but if
it its he she they we i you his her their our my your there here when while after before
amid meanwhile however though although both all some any each every no not so then also
since despite during following until unlike throughout across within without
""".split())
# Verbs whose object is the one spoken to, not the speaker: "sources told Sudan Tribune".
LISTENER_VERBS = frozenset("told tells asked asks urged urges warned warns called calls".split())


# Compiled once: these run for every capitalised run of every passage.
LOWER_NEXT = re.compile(r"\s+[a-z]")
SPEECH_TOKEN = re.compile(r"[\w']+|[^\w\s]")
WORD_BEFORE = re.compile(r"(\w+)\s+$")


def fold(text: str) -> str:
    """A key under which spellings of one name meet: case, apostrophes and spacing ignored."""
    return " ".join(text.replace("\u2019", "'").casefold().split())


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """A key under which spellings of one name meet, looser than `fold`: hyphens and an Arabic
    particle ignored too ("Abdel-Fattah Burhan", "Abdel Fattah al-Burhan")."""
    # (Names repeat all day: each is keyed once; most have no particle to take out.)
    words = (_PARTICLE_PREFIX.sub("", text) if "-" in text else text).replace("-", " ").split()
    # ... and a generation: "Lloyd J. Austin III" and "Lloyd Austin", "CQ Brown Jr." and "CQ Brown".
    if len(words) >= 3 and words[-1].rstrip(".,").casefold() in _SUFFIXES:
        words = words[:-1]
    # ... and a middle initial: "Antony J. Blinken" and "Antony Blinken".
    if len(words) >= 3:
        words = [words[0]] + [w for w in words[1:-1] if not _INITIAL.fullmatch(w)] + [words[-1]]
    return fold(" ".join(words))



def compact(text: str) -> str:
    """The form a name takes in a hashtag: letters and digits only, lower case."""
    return re.sub(r"\W+", "", text).casefold()


def sentence_start(text: str, index: int) -> bool:
    """Whether `index` opens a sentence (or a quotation at the start of one)."""
    # Read backwards from `index` rather than copying the text before it (called per name).
    while index > 0 and text[index - 1] in " \"'\u201c\u2018(":
        index -= 1
    return index == 0 or text[index - 1] in ".!?:"


def segments_of(tokens: list[tuple[int, int]], words: list[str]) -> list[list[tuple[int, int]]]:
    """A capitalised run's tokens in the names it holds: a possessive ends one ("North Korea's
    leader", not "People's Assembly"), a ship's prefix opens one ("Royal Navy Destroyer HMS
    Diamond" is the Royal Navy's HMS Diamond; "Destroyer" is neither's)."""
    segments: list[list[tuple[int, int]]] = [[]]
    for n, (token, word) in enumerate(zip(tokens, words, strict=True)):
        if word in SHIP_PREFIXES and segments[-1]:
            if words[n - 1].casefold() in SHIP_TYPES:
                segments[-1].pop()
            segments.append([])
        segments[-1].append(token)
        if word.endswith(("'s", "\u2019s")) and not word.startswith("People"):
            segments.append([])
    return segments


def strip_possessive(text: str, token: tuple[int, int]) -> int:
    """Where a token ends without its possessive 's ("Korea's" -> "Korea")."""
    s, e = token
    # (A token has no line break in it, so an ending is all `['\u2019]s$` could find.)
    return e - 2 if text.endswith(("'s", "\u2019s"), s, e) and not text.startswith("People", s, e) else e


def trim_connectors(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tokens without the "of", "the" or "for" a name cannot start or end with."""
    while tokens and text[tokens[-1][0]:tokens[-1][1]] in ("of", "the", "for", "de", "la", "le"):
        tokens = tokens[:-1]
    while tokens and text[tokens[0][0]:tokens[0][1]] in ("of", "the", "for"):
        tokens = tokens[1:]
    return tokens


def _title_at(words: Sequence[str], i: int) -> bool:
    """Whether word `i` of a run is a title: a role or honorific, or a rank before a name."""
    word = words[i]
    if word in ROLE_WORDS or word in HONORIFICS:
        return True
    if word not in RANKS or (word == "class" and i > 0):
        return False
    # After a title, a body or a nationality ("Air Force Major General", "U.S. Army Sgt."), never
    # after a name's word ("Tradive General Trading").
    before = words[i - 1] if i else None
    if before is not None and not (before in _TITLED_AFTER or DEMONYM_RE.search(before) or len(before.replace(".", "")) <= 3):
        return False
    rest = [w for w in words[i + 1 :] if w not in RANKS]
    return bool(rest) and kind_of(rest) is None


_TITLED_AFTER = TITLE_WORDS | ORG_WORDS


def split_role(text: str, tokens: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """'Gatestone Institute Senior Fellow Gordon Chang' -> 'Gatestone Institute', 'Gordon Chang'."""
    words = [text[s:e].rstrip(".").casefold() for s, e in tokens]
    last_role = max((i for i in range(len(words)) if _title_at(words, i)), default=None)
    if last_role is None:
        return _after_portfolio(words, tokens)
    if last_role + 1 < len(words) and kind_of(words[last_role + 1 :]) == "other":
        return [tokens]  # "Trilateral Junior Officer Exchange Symposium": an event's name
    first = last_role
    while first > 0 and (words[first - 1] in TITLE_PARTS or words[first - 1] == "press" and words[first] == "secretary"):
        first -= 1
    # "Secretary of State Antony Blinken": the title runs on through "of" and its qualifiers.
    end = last_role + 1
    while end < len(words) - 1 and (words[end] in ("of", "the") or words[end] in ROLE_MODIFIERS):
        end += 1
    # "Under-Secretary-General for Humanitarian Affairs Martin Griffiths": a title's object
    # runs to its last word of a portfolio, body or place; the name follows it.
    if last_role + 1 < len(words) and words[last_role + 1] in ("of", "for"):
        ends = [k for k in range(last_role + 2, len(words)) if words[k] in PORTFOLIO_WORDS]
        if ends:
            end = max(end, ends[-1] + 1)
            # "Foreign Minister of the Republic of Korea Cho Tae-yul": a country's name runs on
            # past its portfolio word ("Republic").
            country = [k + 1 for k in range(end, len(words) - 1) if kind_of(words[last_role + 2 : k + 1]) == "country"]
            end = max([end, *country])
    # "Spokesperson for UN Secretary-General António Guterres": what comes before the last
    # title is part of a title too when it holds one, or opens like one ("Deputy Pentagon
    # Press Secretary"), not a name of its own.
    # ... but a body or a place a title names is a name of its own: "Commander of United
    # Nations Command Gen. Paul LaCamera" is the command, and LaCamera.
    bodies = _bodies(words, tokens, end)
    if any(w in ROLE_WORDS or w in HONORIFICS for w in words[:first]) or words[0] in TITLE_OPENERS:
        return [*bodies, tokens[end:]]
    return [tokens[:first], *bodies, tokens[end:]]


def _plural_of(word: str) -> str:
    """The singular a plural title stands for ("ministers", "secretaries"); else ''."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else ""


def _bodies(words: Sequence[str], tokens: list[tuple[int, int]], stop: int) -> list[list[tuple[int, int]]]:
    """The bodies and places that titles before `stop` are of or for ("Assistant Secretary-
    General for the Middle East"), two words or more each."""
    out = []
    for k in range(stop - 3):
        # (Never the rest of a title: "Secretary of State for Foreign Affairs".)
        if words[k] in ROLE_WORDS and words[k + 1] in ("of", "for") and words[k + 2] not in ROLE_MODIFIERS:
            j = k + 2
            while j < stop and not _title_at(words, j):
                j += 1
            if j - (k + 2) >= 2 and kind_of(words[k + 2 : j]) in ("organisation", "place", "country"):
                out.append(tokens[k + 2 : j])
    return out


def _after_portfolio(words: Sequence[str], tokens: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """'Ministry of Defence Alan Smith' -> 'Ministry of Defence', 'Alan Smith': a body's object
    ends at its last word of a portfolio, place or body, and two name words after it are
    someone's name ("Institute for Defense Analyses" keeps its one word); 'Edem Wosornu of
    the United Nations Office' is a name and a body."""
    if "of" in words[2:]:
        # "Edem Wosornu of the United Nations Office for ...": a person of a body, two names.
        i = words.index("of", 2)
        j = i + 2 if words[i + 1 : i + 2] == ["the"] else i + 1
        if (len(words) - j >= 2 and kind_of(words[:i]) is None and kind_of(words[j:]) == "organisation"
                and not set(words[:i]) & {"for", "and", "the"}):
            return [tokens[:i], tokens[j:]]
    for i in range(len(words) - 4):
        if words[i] in ORG_WORDS and words[i + 1] in ("of", "for"):
            ends = [k for k in range(i + 2, len(words)) if words[k] in PORTFOLIO_WORDS]
            cut = ends[-1] + 1 if ends else len(words)
            rest = words[cut:]
            if len(rest) >= 2 and kind_of(rest) is None and not set(rest) & {"of", "for", "and", "the"}:
                return [tokens[:cut], tokens[cut:]]
            break
    return [tokens]


def kind_of(words: Sequence[str]) -> str | None:
    """"country" for a country's name; "organisation" or "place" when a word of the name
    says so; "other" for what is never a person (a class of ships); else None. The words may
    hold "of" and "the" ("Sea of Okhotsk")."""
    folded = [w.casefold().rstrip(".").replace("\u2019", "'") for w in words]
    if " ".join(w for w in folded if w not in ("of", "the")) in COUNTRIES:
        return "country"
    # "Arleigh Burke-class": a class of ships or aircraft, never a person; nor is a model
    # ("South Korean F-35A", "USAF B-52H").
    if folded[-1].endswith("-class") or _MODEL.fullmatch(folded[-1]):
        return "other"
    # "the 2022 Nuclear Posture Review said": a document speaks through its text, no person;
    # an event by its last word is one too ("Joint Command Post Exercise", "Blue House Raid"),
    # and a base a place ("Hickam Air Force Base"), whatever bodies their words name.
    if folded[-1] in DOCUMENT_WORDS or ("of" in folded[1:] and folded[folded.index("of", 1) - 1] in DOCUMENT_WORDS):
        # (... or before its "of": "Charter of the United Nations", "Treaty of Peking".)
        return "other"
    if folded[-1] in PLACE_ENDS and len(folded) > 1:
        return "place"
    if any(w in ORG_WORDS for w in folded):
        return "organisation"
    # "Sea Ceptor", "Sea Viper", "Ocean Viking": weapons and ships, where "Sea of Japan" is a place.
    if folded[0] in ("sea", "ocean") and len(folded) > 1 and folded[1] != "of":
        folded = folded[1:]
    # ("North Koreans", "South Korean-led", "North Korean Stakhanovite": people, adjectives
    # and a nation's things, not places.)
    if any(w in PLACE_WORDS for w in folded) or folded[0] in COMPASS and not any(map(DEMONYMS_RE.search, folded[1:])):
        return "place"
    return None


def name_piece(text: str, tokens: list[tuple[int, int]], start: int | None, end: int | None) -> tuple[int, int, str | None] | None:
    """(start, end, kind or None) of a name of two words or more, or None when the words are no name."""
    tokens = trim_connectors(text, tokens)
    names = [text[s:e] for s, e in tokens if text[s:e] not in CONNECTORS]
    if len(names) < 2:
        return None
    words = [w.casefold().rstrip(".") for w in names]
    # ("The Secretary and Foreign Ministers underscored ...": titles in the plural name nobody.)
    if all(w in TITLE_PARTS or _plural_of(w) in TITLE_PARTS for w in words):
        return None
    start = tokens[0][0] if start is None else start
    end = strip_possessive(text, tokens[-1]) if end is None else end
    if fold(text[start:end]) in NOT_NAMES:
        return None
    # "South Korean government": an adjective of nationality, not a name.
    if DEMONYM_RE.search(names[-1]) and LOWER_NEXT.match(text, end):
        return None
    # "Buddy Wing 16-3", "Max Thunder 15-1": a name numbered by year and iteration is an
    # exercise, whatever its words ("Wing" is otherwise a unit).
    if _ITERATION.match(text, end):
        return start, end, "other"
    # (Its kind without a possessive: "the Trump Administration's commitment".)
    return start, end, kind_of([text[s:e] for s, e in tokens[:-1]] + [text[tokens[-1][0]:end]])


_MODEL = re.compile(r"[a-z]{1,3}-\d{1,3}[a-z]{0,2}")
_ITERATION = re.compile(r"\s+\d{2}-\d{1,2}(?![\w-])")


def speaks(text: str, start: int, end: int) -> bool:
    """Whether a name is the subject of a verb of speech ("Borrell wrote") or its object ("wrote Barry")."""
    # The next four words only: not the whole rest of the text tokenised for them.
    for match in itertools.islice(SPEECH_TOKEN.finditer(text, end), 4):
        word = match.group(0)
        if word in SPEECH_VERBS:
            return True
        if word not in SPEECH_FILLERS:
            break
    before = WORD_BEFORE.search(text[:start])
    if not (before and before.group(1) in SPEECH_VERBS and before.group(1) not in LISTENER_VERBS):
        return False
    # '," said Lavrov.' names the speaker; "Champoux said Key Resolve keeps ..." its subject.
    return end >= len(text) or text[end] in ",.;:)\u2014" or text.startswith((" on ", " in ", " at ", " after "), end)


# A capitalised word right after a name, or right before it (in the same line): its first or last name.
NEXT_NAME = re.compile(r"[ \t]+[A-Z][a-z][\w-]*(?![\w'\u2019.])")
PREVIOUS_WORD = re.compile(r"(?<![\w'\u2019])([A-Z][a-z][\w-]*\.?)[ \t]+$")


def someone_else(text: str, start: int, end: int) -> bool:
    """Whether a one-word alias of a person is a word of another person's name: "Kim" in
    "Kim Il Sung" or "Sung Kim" is not Kim Jong-un ("Chairman Kim", "Mr. Kim" still are)."""
    if NEXT_NAME.match(text, end):
        return True
    # (Only the few characters before it: a word's length, not the whole text, per alias found.)
    before = PREVIOUS_WORD.search(text, max(0, start - 40), start)
    if before is None:
        return False
    word = before.group(1).rstrip(".").casefold()
    return word not in TITLE_WORDS and not sentence_start(text, before.start(1))


def short_names(persons: Iterable[str], first: bool = True) -> dict[str, str]:
    """First (unless not `first`) or last word of a full name -> that name, when only one
    person owns the word (an Arabic surname also without its particle: "Burhan" for "Abdel
    Fattah al-Burhan")."""
    owners: dict[str, set[str]] = defaultdict(set)
    for name in persons:
        words = [w for w in name.split() if len(w.rstrip(".")) > 1]
        # "Lloyd Austin III", "Ross E. Davidson Jr.": the surname is before the suffix.
        while len(words) > 2 and words[-1].rstrip(".").casefold() in _SUFFIXES:
            words.pop()
        if len(words) >= 2:
            keys = [words[0], words[-1]] if first else [words[-1]]
            if "-" in words[-1] and PARTICLE_RE.match(words[-1]):
                keys.append(words[-1].split("-", 1)[1])
            for word in keys:
                owners[word].add(name)
    return {word: next(iter(names)) for word, names in owners.items() if len(names) == 1 and word.casefold() not in STOP}


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def longer_names(persons: Iterable[str]) -> dict[str, str]:
    """A name of two words or more -> the one longer name that ends with the same words, when
    only one does: "Khaled Khiari" -> "Mohamed Khaled Khiari" (not when two people share the
    tail: "Jong Un" with "Kim Jong Un" and "Ri Jong Un")."""
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    split = {name: tuple(name.split()) for name in persons}
    for name, words in split.items():
        for k in range(2, len(words)):
            owners[words[-k:]].add(name)
    return {name: next(iter(owners[words])) for name, words in split.items()
            if len(words) >= 2 and len(owners.get(words, ())) == 1}


# Titles that name a person by one word after them: "General Burhan", "President Biden",
# "Mr. Guterres" (not "Executive Order" or "Chief Justice").
LONE_TITLES = RANKS - {"class"} | HONORIFICS | frozenset("""
president minister premier chancellor secretary chairman chairwoman ambassador envoy senator
governor mayor king queen prince pope admiral colonel marshal commander captain professor prof
judge commissioner congressman congresswoman gen col sgt capt maj adm lt gov sen rep asg usg
cmdr cdr amb
""".split()) | frozenset(w for w in ROLE_WORDS if "-" in w)


def lone_title_word(words: Sequence[str]) -> bool:
    """Whether a run's last word follows a title and is a name only by it ("General Burhan")."""
    return len(words) >= 2 and words[-2].rstrip(".").casefold() in LONE_TITLES
