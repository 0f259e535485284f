"""A person's title as the text gives it, just before the name ("Russian Foreign Minister",
"White House press secretary") or after it, between commas ("director general of ...",
"Assistant Secretary-General for Europe, Central Asia and the Americas"): verbatim, for the
People list and the quotes' speakers."""

from __future__ import annotations

import itertools
import re

from .names import STOP, kind_of, sentence_start
from .namewords import PORTFOLIO_WORDS, RANKS, ROLE_MODIFIERS, ROLE_WORDS

ROLE_TOKEN = re.compile(r"[^\s,;:()\"\u201c\u201d]+|[,;:()\"\u201c\u201d]")
APPOSITIVE = re.compile(r",\s+([a-z][^,;\"\u201c]{0,140}?)(?:,|\.?\s*$)")
# ... or capitalised, when every word before its "of", "for", "at" or "in" is a title's.
APPOSITIVE_TITLE = re.compile(r",\s+([A-Z][^,;\"\u201c]{0,140}?)(?:,|\.?\s*$)")
_TITLE_ENDS = frozenset({"of", "for", "at", "in", "to", "on"})
# The rest of a title's list of places after its comma: "Assistant Secretary-General for
# Europe, Central Asia and the Americas in the Department of ...". Capitalised items up to an
# "and", then nothing lower-case but these words (a verb ends it: "Xi Jinping and Kim met").
_LIST_REST = re.compile(r",\s+((?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s+and\s+[^,;\"\u201c]{1,120}?)(?:,|\.?\s*$)")
_LIST_LOWER = frozenset({"and", "the", "of", "for", "in", "on", "at"})
# A lower-case word that belongs to the title after it: "White House press secretary Jay Carney".
_ROLE_BEFORE_LOWER = frozenset({"press"})
ROLE_WORD = re.compile(r"[\w'-]+")
_OWNED = re.compile(r"\w(?:'s|\u2019s)\s")
_SPEAKING = frozenset({"i", "i'm", "we", "we're", "this", "it's"})


# A rank and its service, written after the post it qualifies: "Chief of Naval Operations Adm.",
# "Pentagon Press Secretary Air Force Brig. Gen." (never a post's own word: "Secretary General").
_TRAILING_RANK = re.compile(
    r"\s+(?:(?:Air Force|Army|Navy|Marine Corps|Coast Guard)\s+)?(?:(?:Rear|Vice)\s+(?:Adm\.|Admiral)|Adm\.|Admiral"
    r"|(?:Maj|Brig|Lt)\.\s+Gen\.|(?:Major|Brigadier|Lieutenant)\s+General|(?:Lt\.\s+)?Col\.|(?:Lieutenant\s+)?Colonel"
    r"|Capt\.|Captain|Cmdr\.|Maj\.)$")
# A title that is only a rank and its service: "Navy Capt.", "Sgt. 1st Class", "Rear Adm.".
_RANKS = RANKS | {"adm", "gen", "brig", "col", "lt", "maj", "capt", "cmdr", "cdr", "sgt", "cpl", "pvt", "pfc", "spc", "ens",
                  "admiral", "captain", "colonel", "rear", "vice"}
_RANK_ONLY = _RANKS | {"air", "force", "army", "navy", "marine", "marines", "corps", "u.s", "us", "1st", "2nd", "3rd", "class",
                       "master", "chief", "staff", "petty", "officer", "senior", "command"}


def title_of(text: str, start: int, end: int) -> str | None:
    """A person's title around the name at [start, end): the one before it, without a rank
    that follows a post ("Chief of Naval Operations"); the one after it when the one before
    is only a rank ("Navy Capt. Jeff Davis, a Pentagon spokesman": "a Pentagon spokesman")."""
    before = role_before(text, start)
    if before is None:
        return role_after(text, end)
    rank = _TRAILING_RANK.search(before)
    if rank is not None and any(w.rstrip(".").casefold() in ROLE_WORDS - _RANKS for w in before[: rank.start()].split()):
        return before[: rank.start()]
    if all(w.rstrip(".").casefold() in _RANK_ONLY for w in before.split()):
        after = role_after(text, end)
        if after is not None and 1 < len(after.split()) <= 12 and not re.match(r"(?:and|or|who)\b|.*\bwho\b", after):
            return after
    return before


def role_before(text: str, start: int) -> str | None:
    """The title just before a name, verbatim: "Russian Foreign Minister", "North Korea's leader"."""
    before = text[:start]
    words = list(ROLE_TOKEN.finditer(before))
    if not words:
        return None
    i = len(words) - 1
    across = words[i].group(0) == "," and i > 0
    if across:
        i -= 1  # "North Korea's leader, Kim Jong-un"
    last = i
    # "Secretary of State Antony Blinken": a title runs on through "of" and its qualifiers.
    while i > 1 and words[i].group(0).casefold() in ROLE_MODIFIERS and words[i - 1].group(0) in ("of", "of the"):
        i -= 2
    word = words[i].group(0).rstrip(".").casefold()
    if word not in ROLE_WORDS and word not in PORTFOLIO_WORDS:
        # "Foreign Minister of the Republic of Korea Cho Tae-yul": a country's name of several
        # words is the title's object, read from its first word.
        i = next((k for k in range(max(0, i - 4), i) if words[k].group(0)[:1].isupper()
                  and kind_of([w.group(0) for w in words[k : i + 1]]) == "country"), i)
        word = words[i].group(0).rstrip(".").casefold()
    if word not in ROLE_WORDS and word in PORTFOLIO_WORDS:
        # "Under-Secretary-General for Humanitarian Affairs Martin Griffiths": a title and its
        # object ("for ...", capitalised), as `split_role` cuts them.
        k = i - 1
        while k > 0 and i - k < 8 and words[k].group(0).rstrip(".").casefold() not in ROLE_WORDS and (
                words[k].group(0)[:1].isupper() or words[k].group(0) in ("for", "of", "and", "the")):
            k -= 1
        if k < i - 1 and words[k].group(0).rstrip(".").casefold() in ROLE_WORDS and words[k + 1].group(0) in ("for", "of"):
            i, word = k, words[k].group(0).rstrip(".").casefold()
    # (A rank only as a title, capitalised: not "the major Arab-Israeli wars".)
    if word not in ROLE_WORDS and (word not in RANKS or not words[i].group(0)[:1].isupper()):
        return None
    first = i
    while first > 0:
        prev = words[first - 1].group(0)
        if prev.replace("\u2019", "'").casefold() in _SPEAKING:
            break  # "I'm Major General Pat Ryder": a title, not "I'm Major General"
        if prev[:1].isupper() or prev.casefold() in ROLE_MODIFIERS or (prev in _ROLE_BEFORE_LOWER and first == i):
            first -= 1
        elif prev == "of" and first > 1 and words[first - 2].group(0).rstrip(".").casefold() in ROLE_WORDS:
            first -= 2  # "Chief of Naval Operations Adm. Lisa Franchetti"
        else:
            break
    # A sentence's first word is capitalised anyway: keep it only if it is part of the title.
    while first < i and sentence_start(text, words[first].start()) and words[first].group(0).casefold() in STOP:
        first += 1
    role = text[words[first].start() : words[last].end()]
    if across and first > 1 and words[first - 1].group(0) == "," and words[first - 2].group(0)[:1].isupper() and not _OWNED.search(role):
        # "Jonah Leff, Executive Director, Conflict Armament Research": a bare title between
        # commas after a name is that name's, not the body's after it ("In Pyongyang, North
        # Korea's leader, Kim Jong Un" introduces the name after it).
        return None
    return role


def role_after(text: str, end: int) -> str | None:
    """An appositive title after a name, verbatim: "Jo Chol Su, director general of ... Ministry,"."""
    m = APPOSITIVE.match(text[end:])
    if m is None:
        # "Rosemary DiCarlo, Under-Secretary-General for Political and Peacebuilding Affairs,",
        # never "Kim, President Biden and ...".
        m = APPOSITIVE_TITLE.match(text[end:])
        if m is None:
            return None
        head = list(itertools.takewhile(lambda w: w not in _TITLE_ENDS, (w.casefold() for w in ROLE_WORD.findall(m.group(1)))))
        if not head or not all(w in ROLE_WORDS or w in ROLE_MODIFIERS for w in head):
            return None
    words = [w.casefold() for w in ROLE_WORD.findall(m.group(1))[:4]]
    # The title comes early: "director of ...", "a Korea expert", "the country's top diplomat".
    if not any(w in ROLE_WORDS for w in words) or len(m.group(1).split()) > 24:
        return None
    role = m.group(1)
    rest = _LIST_REST.match(text, end + m.end(1)) if _ends_in_a_name(role) else None
    if rest is not None and all(w[:1].isupper() or w in _LIST_LOWER for w in ROLE_WORD.findall(rest.group(1))):
        joined = text[end + m.start(1) : rest.end(1)]
        if len(joined.split()) <= 24:
            return joined
    return role


def _ends_in_a_name(role: str) -> bool:
    """Whether a title ends in the capitalised object of its "for" ("... for Europe", "... for
    the Middle East"): a brief of places or portfolios. Not "of": "President of Russia, Xi
    Jinping and Kim Jong Un" goes on with other people."""
    words = ROLE_WORD.findall(role)
    k = len(words)
    while k > 0 and words[k - 1][:1].isupper():
        k -= 1
    if k < len(words) and k > 1 and words[k - 1] == "the":
        k -= 1
    return 0 < k < len(words) and words[k - 1] == "for"
