"""People, organisations, places and countries: the config's gazetteer plus capitalised
names found in the text, with every alias of one entity merged under its name.

Rule-based and fast (regular expressions, one pass per passage): no model to download.
A capitalised run of words is a name when it has at least two words; a single word
counts only as a gazetteer alias, as a country's name standing alone ("Sudan"), or as the
first or last word of exactly one person named in full in the same article ("Jo" for
"Jo Chol Su", never "Chang" when both "Gordon Chang" and "Chang Ho-jin" appear)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from ..config import EntityConfig
from ..language import ENGLISH, KOREAN
from ..models import Article, Passage
from . import hangul
from .gazetteer import Gazetteer, Mention
from .names import (
    LOWER_NEXT,
    PREVIOUS_WORD,
    ROLE_WORDS,
    RUN_RE,
    STOP,
    WORD_RE,
    kind_of,
    lone_title_word,
    name_key,
    name_piece,
    segments_of,
    sentence_start,
    short_names,
    speaks,
    split_role,
    strip_possessive,
    trim_connectors,
)
from .namewords import CAPITALS, COUNTRY_INITIALS, ONE_WORD_COUNTRIES, ORG_INITIALS
from .roles import title_of
from .years import MONTHS

# A capitalised word standing alone: maybe the short form of a person named in full.
_SPACE = re.compile(r"\s")
_START = attrgetter("start")
# A one-word country, capital or body as a capitalised run holds it, possessive or not
# ("Sudan's"): one look-up, form -> (name, kind). (A country last: Djibouti is the country.)
_ONE_WORD = {
    form: (name, kind)
    for names, kind in ((CAPITALS, "place"), (ORG_INITIALS, "organisation"), (ONE_WORD_COUNTRIES | COUNTRY_INITIALS.keys(), "country"))
    for name in names for form in (name, f"{name}'s", f"{name}\u2019s")
}
_WORD_JOINERS = "'\u2019.-_"
# One word that names a country, a capital or a body, never a person's last name.
_NOT_SURNAMES = CAPITALS | ORG_INITIALS | ONE_WORD_COUNTRIES | COUNTRY_INITIALS.keys()
_LOWER_WORD = re.compile(r"\b[a-z][\w'-]*")
_DIGIT_NEXT = re.compile(r"\s+\d")
_UNIT_END = re.compile(r"(?:Division|Squadron|Brigade|Battalion|Regiment|Fleet|Wing|Battery|Platoon|Flotilla|Corps|Army|"
                       r"Group|Command|Company|Force|Team|Teams)$")
# (The Army writes 2d and 3d: "2d Infantry Division".)
_ORDINAL = re.compile(r"(?<![\w.])\d{1,3}(?:st|nd|rd|th|d) $")
_NUMBER_AFTER = re.compile(r"[ \t]\d{1,3}(?![\w%]|[.,]\d)")
# (What may not come before the capital is looked at after it: a third faster, the engine skipping to capitals.)
CAPITALISED_RE = re.compile(r"[A-Z](?<![\w#@'\u2019-][A-Z])[\w]*(?:-[\w]+)*(?![\w-])")


_COMPOUND = re.compile(r"-(?:flagged|led|backed|based|owned|crewed|made|built|funded|run|controlled|held|aligned"
                       r"|sponsored|linked|operated|occupied|registered)$", re.IGNORECASE)


@dataclass
class _Candidate:
    """A capitalised name found in one article, with what the text says about its kind."""

    name: str
    kind: str | None
    # (passage number, start, end, surface, role) of each mention
    mentions: list[tuple[int, int, int, str, str | None]] = field(default_factory=list)
    person_cue: bool = False


# A capitalised name outside the gazetteer: start, end, kind, surface, name, folded key, role.
_Named = tuple[int, int, str | None, str, str, str, str | None]


class Recogniser:
    """Finds the mentions of one day's articles; context (aliases, common words) is per day and per article."""

    def __init__(self, gazetteer: Gazetteer, texts: Iterable[str]) -> None:
        self.gazetteer = gazetteer
        # Words the day's text also writes in lower case are common words when they
        # open a sentence ("Tensions", "Top"), not names.
        self.common: set[str] = set()
        for text in dict.fromkeys(texts):  # wire copy: each distinct text once
            self.common.update(_LOWER_WORD.findall(text))
        self._scanned: dict[tuple[str, str], tuple[list[Mention], list[_Named]]] = {}
        # A role is read from the words around a name: the same for every article printing the sentence.
        self._roles: dict[tuple[str, int, int, str], str | None] = {}
        self._speaks: dict[tuple[str, int, int], bool] = {}
        self._runs: dict[tuple[str, tuple[tuple[int, int], ...], bool, bool], tuple[tuple[int, int, str | None], ...]] = {}

    def article(self, passages: Sequence[Passage]) -> list[list[Mention]]:
        """Mentions per passage of one article, in reading order."""
        per: list[list[Mention]] = []
        candidates: dict[str, _Candidate] = {}
        for i, passage in enumerate(passages):
            known, named = self._scan(passage.text, passage.language)
            per.append(list(known))
            for start, end, kind, surface, name, key, role in named:
                candidate = candidates.get(key)
                if candidate is None:
                    candidate = candidates[key] = _Candidate(name, kind)
                candidate.mentions.append((i, start, end, surface, role))
                if candidate.kind is None and not candidate.person_cue and (role or self._speaks_at(passage.text, start, end)):
                    candidate.person_cue = True
        # "Daniel B. Shapiro testified ...", then "... as is piracy,” Shapiro said": a name whose
        # last word speaks alone in the article is a person's.
        for candidate in candidates.values():
            if candidate.kind is None and not candidate.person_cue and " " in candidate.name and candidate.name.istitle():
                candidate.person_cue = self._surname_speaks(candidate.name.split()[-1], passages)
        persons = [c.name for c in candidates.values() if (c.kind or ("person" if c.person_cue else None)) == "person"]
        # "Abdel Fattah al-Burhan met envoys", then "General Burhan said": the title tells
        # whose name the full one is.
        untyped = {c.name: c for c in candidates.values() if c.kind is None and not c.person_cue}
        if untyped and any(" " not in name for name in persons):
            owner = short_names([*untyped, *persons])
            for name in [n for n in persons if " " not in n and owner.get(n) in untyped]:
                untyped[owner[name]].person_cue = True
                persons.append(owner[name])
        persons += [n for n in self._known_people(per)]
        short = short_names(persons)
        for candidate in candidates.values():
            kind = candidate.kind or ("person" if candidate.person_cue else "other")
            # "General Dagalo", "Minister Lee": the person this article names in full.
            name = short.get(candidate.name, candidate.name) if kind == "person" and " " not in candidate.name else candidate.name
            # "U.S." is the United States the article may also name in full: one country.
            name = COUNTRY_INITIALS.get(name, name) if kind == "country" else name
            for i, start, end, surface, role in candidate.mentions:
                per[i].append(Mention(start, end, surface, name, kind, role))
        # "Jordan said", after "Jim Jordan": the person this article names, not the country.
        owned = {c.name for c in candidates.values() if c.kind in ("country", "place") and c.name in short}
        for i, passage in enumerate(passages):
            if owned:
                per[i] = [Mention(m.start, m.end, m.surface, short[m.surface], "person") if m.surface in owned and not m.known
                          else m for m in per[i]]
            if short:
                taken = [(m.start, m.end) for m in per[i]]
                for m in CAPITALISED_RE.finditer(passage.text):
                    name = short.get(m.group(0))
                    if name and not any(s <= m.start() < e for s, e in taken) and m.group(0) not in self.gazetteer.alias_of:
                        per[i].append(Mention(m.start(), m.end(), m.group(0), name, "person"))
            per[i].sort(key=_START)
        # Fill in roles for known names too ("Russian Foreign Minister Sergey Lavrov"); a
        # capitalised name has its role already (the same look-up gives the same answer).
        for i, passage in enumerate(passages):
            mine = per[i]
            for k, m in enumerate(mine):
                if m.role or m.kind != "person":
                    continue
                role = self._role(passage.text, m.start, m.end, passage.language)
                if role != m.role:
                    mine[k] = Mention(m.start, m.end, m.surface, m.name, m.kind, role, m.known)
        if any(p.language == KOREAN for p in passages):  # "엄 차관은" after "엄종식 통일부 차관"
            for passage, mine, named in zip(passages, per, hangul.by_surname([p.text for p in passages], per), strict=True):
                mine.extend(Mention(s, e, passage.text[s:e], name, "person") for s, e, name in named)
                mine.sort(key=_START)
        return per

    def _role(self, text: str, start: int, end: int, language: str) -> str | None:
        """The role the words around a name give it ("Foreign Minister", 대통령), read once per place in a sentence."""
        key = (text, start, end, language)
        if key in self._roles:
            return self._roles[key]
        found = title_of(text, start, end)
        if found is None and language == KOREAN:
            found = hangul.role(text, end)
        self._roles[key] = found
        return found

    def _surname_speaks(self, word: str, passages: Sequence[Passage]) -> bool:
        if len(word) < 3 or not word[0].isupper() or not word[1:].islower() or word in _NOT_SURNAMES \
                or word in self.gazetteer.alias_of:
            return False  # ("Yemen said": a country speaks, not a "... Plan for Yemen".)
        for passage in passages:
            text = passage.text
            at = text.find(word)
            while at >= 0:
                end = at + len(word)
                # (The word alone: not inside another, nor after a name's other word.)
                if (not at or text[at - 1] not in _WORD_JOINERS and not text[at - 1].isalnum()) \
                        and (end == len(text) or text[end] not in "'\u2019-_" and not text[end].isalnum()) \
                        and not PREVIOUS_WORD.search(text, 0, at) and self._speaks_at(text, at, end):
                    return True
                at = text.find(word, end)
        return False

    def _speaks_at(self, text: str, start: int, end: int) -> bool:
        key = (text, start, end)
        said = self._speaks.get(key)
        if said is None:
            said = self._speaks[key] = speaks(text, start, end)
        return said

    def _scan(self, text: str, language: str) -> tuple[list[Mention], list[_Named]]:
        """The gazetteer's mentions and the other names in one passage's text: the same for
        every article that prints the sentence (wire copy), so found once a day."""
        key = (text, language)
        scanned = self._scanned.get(key)
        if scanned is None:
            known = self.gazetteer.find(text, with_hangul=language != ENGLISH)
            found = self._names(text, known)
            if language == KOREAN:
                # Korean names are not capitalised: the analyser's proper nouns stand in.
                found += hangul.names(text, [(k.start, k.end) for k in known] + [(s, e) for s, e, _ in found],
                                      [k.start for k in known if k.kind == "person"])
            named: list[_Named] = []
            for start, end, kind in found:
                surface = text[start:end]
                name = " ".join(surface.split())
                if name not in self.gazetteer.alias_of:
                    named.append((start, end, kind, surface, name, name_key(name), self._role(text, start, end, language)))
            scanned = self._scanned[key] = (known, named)
        return scanned

    def _known_people(self, per: list[list[Mention]]) -> list[str]:
        return sorted({m.name for ms in per for m in ms if m.known and m.kind == "person"})

    def _names(self, text: str, known: Sequence[Mention]) -> list[tuple[int, int, str | None]]:
        """(start, end, kind or None) of capitalised names of two words or more, outside the gazetteer's."""
        out: list[tuple[int, int, str | None]] = []
        for run in RUN_RE.finditer(text):
            words = run.group(0)
            start, end = run.span()
            if not _SPACE.search(words):
                # One word alone is never a name of two words, whatever surrounds it; it may
                # be a country's ("Sudan's army"), unless the gazetteer has it already.
                out.extend(_one_word(words, start, known))
                continue
            # What the pieces of a run depend on besides its words: the gazetteer's names in
            # it, whether it opens a sentence and whether a lower-case word follows it. The
            # same run in another sentence with the same three is cut the same way, so each
            # is cut once a day (names recur in sentence after sentence).
            near = tuple((k.start - start, k.end - start) for k in known if k.start < end and k.end > start)
            key = (words, near, sentence_start(text, start), LOWER_NEXT.match(text, end) is not None)
            pieces = self._runs.get(key)
            if pieces is None:
                tokens = [(m.start() + start, m.end() + start) for m in WORD_RE.finditer(words)]
                pieces = self._runs[key] = tuple((s - start, e - start, kind) for s, e, kind in self._pieces(text, tokens, known))
            out.extend((s + start, e + start, kind) for s, e, kind in pieces)
            if (pieces and pieces[0][0] == 0 and pieces[0][2] == "organisation" and start and text[start - 1] == " "
                    and _UNIT_END.search(text, start, pieces[0][1] + start)):
                # "2nd Infantry Division", "51st Munitions Squadron": a unit's number is its name's.
                number = _ORDINAL.search(text, max(0, start - 8), start)
                if number is not None:
                    out[len(out) - len(pieces)] = (number.start(), pieces[0][1] + start, "organisation")
            # ... and so is the number after it: "Task Force 151" and "Task Force 153" are two.
            if (pieces and pieces[-1][2] == "organisation" and _UNIT_END.search(text, start, pieces[-1][1] + start)
                    and (number := _NUMBER_AFTER.match(text, pieces[-1][1] + start)) is not None):
                out[-1] = (out[-1][0], number.end(), "organisation")
        return out

    def _pieces(self, text: str, tokens: list[tuple[int, int]], known: Sequence[Mention]) -> list[tuple[int, int, str | None]]:
        words = [text[s:e] for s, e in tokens]
        # A sentence-initial common word or a stop word is not part of a name.
        while tokens and (
            words[0].casefold() in STOP
            # (A title opening a sentence stays: "Secretary of State Antony Blinken met ...".)
            or (words[0].casefold() in self.common and sentence_start(text, tokens[0][0])
                and words[0].rstrip(".").casefold() not in ROLE_WORDS)
        ):
            tokens, words = tokens[1:], words[1:]
        # "Iranian-backed Houthis", "a Marshall Island-flagged carrier": an adjective made of a
        # name is no word of a name.
        while tokens and _COMPOUND.search(words[0]):
            tokens, words = tokens[1:], words[1:]
        while tokens and _COMPOUND.search(words[-1]):
            tokens, words = tokens[:-1], words[:-1]
        # "... Exchange Symposium July 4-8": a date's month is no word of the name before it.
        if len(tokens) > 1 and words[-1].rstrip(".").casefold()[:3] in MONTHS and _DIGIT_NEXT.match(text, tokens[-1][1]):
            tokens, words = tokens[:-1], words[:-1]
        pieces: list[tuple[int, int, str | None]] = []
        for segment in segments_of(tokens, words):
            parts = split_role(text, segment)
            for part in parts:
                pieces.extend(self._around_known(text, part, known))
                if len(part) == 1:
                    # "the CFC Commander", "the EU High Representative": initials a title cut
                    # off; "The Pentagon said": a sentence's first word.
                    pieces.extend(_one_word(text[part[0][0] : part[0][1]], part[0][0], known))
            # "General Burhan said", "Mr. Guterres": a title and one word name a person by it.
            if parts and parts[-1] == segment[-1:] and lone_title_word([text[s:e] for s, e in segment]):
                start, end = segment[-1][0], strip_possessive(text, segment[-1])
                if self._surname(text[start:end], known, start):
                    pieces.append((start, end, "person"))
        return pieces

    def _surname(self, word: str, known: Sequence[Mention], start: int) -> bool:
        """Whether a capitalised word after a title can be a person's name on its own: not a
        word the day also writes in lower case, an acronym, a gazetteer name or a country."""
        return (len(word) > 2 and not word.isupper() and word.isalpha() and word.casefold() not in self.common
                and word not in self.gazetteer.alias_of and word not in _ONE_WORD
                and not any(k.start <= start < k.end for k in known) and kind_of([word]) is None
                and word.casefold() not in ROLE_WORDS and word != "General")  # ("the U.N. Secretary General said")

    def _around_known(self, text: str, part: list[tuple[int, int]], known: Sequence[Mention]) -> list[tuple[int, int, str | None]]:
        """Name pieces of a run once gazetteer names are taken out of it, keeping compounds
        ("DPRK Foreign Ministry", "Sea of Japan") whole."""
        # (What a role leaves of a run may open with a connector: "Spokesman for UN ...".)
        part = trim_connectors(text, part)
        if not part:
            return []
        start, end = part[0][0], strip_possessive(text, part[-1])
        inside = [k for k in known if k.start < end and k.end > start]
        if not inside:
            return [p for p in [name_piece(text, part, start, end)] if p]
        out = []
        cursor = start
        for k in inside:
            before = [t for t in part if t[0] >= cursor and t[1] <= k.start]
            words = [text[s:e] for s, e in before]
            # "Sea of Japan", "Regions of Kherson": a place or organisation word of the gazetteer's name.
            if 1 <= len(words) <= 3 and words[-1] in ("of", "the") and kind_of([w for w in words if w not in ("of", "the")]):
                # (Its kind with the gazetteer's name: "People's Republic of China" is a country.)
                out.append((before[0][0], k.end, kind_of([*words, *text[k.start:k.end].split()])))
            else:
                piece = name_piece(text, trim_connectors(text, before), None, None)
                if piece:
                    out.append(piece)
            cursor = k.end
        tail = trim_connectors(text, [t for t in part if t[0] >= cursor])
        if tail:
            last = inside[-1]
            tail_kind = kind_of([text[s:e] for s, e in tail])
            # "US Marine Corps", "DPRK Foreign Ministry": a country's own organisation.
            if tail_kind == "organisation" and text[last.end:tail[0][0]].strip() == "":
                out.append((last.start, strip_possessive(text, tail[-1]), "organisation"))
            else:
                piece = name_piece(text, tail, None, None)
                if piece:
                    out.append(piece)
        return out


def _one_word(word: str, start: int, known: Sequence[Mention]) -> list[tuple[int, int, str | None]]:
    """The name a one-word country, capital or body is (its possessive left out), unless the
    gazetteer has the word already: none or one (start, end, kind)."""
    one = _ONE_WORD.get(word)
    if one is None:
        return []
    end = start + len(one[0])
    return [] if any(k.start < end and k.end > start for k in known) else [(start, end, one[1])]


def recognise(articles: Sequence[Article], passages: Sequence[Passage], entities: Sequence[EntityConfig]) -> dict[str, list[Mention]]:
    """Mentions per passage id, for every passage (before de-duplication) of every article."""
    recogniser = Recogniser(Gazetteer(entities), (a.text for a in articles))
    by_article: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        by_article[passage.article_id].append(passage)
    out: dict[str, list[Mention]] = {}
    for article in articles:
        mine = by_article.get(article.id, [])
        for passage, mentions in zip(mine, recogniser.article(mine), strict=True):
            out[passage.id] = mentions
    return out
