"""Sentence boundaries: pysbd's, found in a fraction of the time for plain prose.

pysbd handles abbreviations ("Sept. 30", "U.S.", "Jan. 16"), initials, numbers and
quotations by rules, at about a millisecond per paragraph. Most news prose never reaches
its subtle cases, so a paragraph whose every full stop, question mark and quotation is one
of the forms below is split here by the same rules pysbd applies to those forms; any other
paragraph (ellipses, brackets, quoted sentences, exclamation marks, a full stop before a
lower-case word...) goes to pysbd itself. Either way each sentence is an exact substring of
the paragraph. tests/test_sentences.py checks the two agree wherever the fast path answers.

The forms understood, token by token (tokens are separated by single spaces):
- a word or number ending in "." or "?" before an upper-case letter: a boundary;
- a decimal ("3.5", "2.5-ton") and initials ("U.S.", "U.N.", "U.S.-led"): no boundary,
  except "U.S."/"U.K."/"E.U."/"U.S.A." before a sentence starter ("The", "He"...);
- one capital with a full stop ("John F. Kennedy"): no boundary;
- pysbd's abbreviations: a title before a name ("Gen. Kim") never ends a sentence; a
  number word ("No. 2") not before a digit; any other ("Sept. 30", "Co. said") not before a
  digit or a lower-case word, and does before an upper-case one;
- quotations that end in a comma ('“We will respond,” he said') with no sentence end inside.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)

# A paragraph with any character but these is left to pysbd (brackets, straight or single
# quotes, ellipses, exclamation marks, line breaks, tabs, markup-like symbols), and so is
# one with a run of spaces, '..' or '?.', or spaces at either end.
_HARD_CHAR = re.compile(r"[^\w \-–—,;:%$€£&/+.?'’“”]")
_HARD_PAIRS = ("  ", "..", ".?", "?.", "??")
_QUOTE_MARK = re.compile(r"[“”]")
_PLAIN = re.compile(r"[\w\-–—,;:%$€£&/+'’]*\w[%$€£]?")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
_INITIALS_PREFIX = re.compile(r"(?:[A-Za-z]\.){2,}-[\w\-]*\w")
_DECIMAL = re.compile(r"[\w\-–—,;:%$€£&/+'’]*\d\.\d[\w\-–—,;:%$€£&/+'’.]*")
_APOSTROPHE = re.compile(r"(?<!\w)['’]|['’](?!\w)")
# pysbd restores a boundary after these initials when a sentence starter follows.
_RESTORED = {"U.S.", "U.K.", "E.U.", "U.S.A."}


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    # clean=False keeps every character, so a passage stays verbatim from its source.
    return pysbd.Segmenter(language="en", clean=False)


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    from pysbd.lang.english import English

    abbreviations = English.Abbreviation
    return (
        frozenset(a.strip() for a in abbreviations.ABBREVIATIONS),
        frozenset(abbreviations.PREPOSITIVE_ABBREVIATIONS),
        frozenset(abbreviations.NUMBER_ABBREVIATIONS),
        frozenset(English.AbbreviationReplacer.SENTENCE_STARTERS),
    )


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, stripped, each a substring of it."""
    return [paragraph[start:end] for start, end in sentence_spans(paragraph)]


# Military ranks pysbd does not know as titles: '," said USN Cpt. Thomas Dearborn' is one
# sentence, not two.
_RANK_END = re.compile(r"(?<![\w.])(?:Cpt|Ltg|Ltc|Cdr|Spc|Pfc|Sfc|Ssg|Sgm|Csm|LCpl|Rdml|Radm|Vadm)\.$")


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, without the spaces around it."""
    spans = _fast_spans(paragraph)
    if spans is None:
        spans = _pysbd_spans(paragraph)
    if len(spans) > 1 and "." in paragraph:
        spans = _ranks_kept(paragraph, spans)
    return spans


def _ranks_kept(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with each one that ends in a rank ("Cpt.") joined to the name after it ("Spc.
    4 Robert F. Stryker" too), one that ends in "a.m." or "p.m." to the time zone after it ("1:17
    p.m. EST, Pentagon spokesman ..."), and any to a next that opens in lower case, as no
    sentence does ("... exercise, Aug. 30. at the weapons range in Icheon.")."""
    out = [spans[0]]
    for start, end in spans[1:]:
        last = out[-1]
        first = paragraph[start]
        tail = max(last[0], last[1] - 6)
        if (first.isupper() or first.isdigit()) and _RANK_END.search(paragraph, tail, last[1]) \
                or first.islower() and paragraph[last[1] - 1] == "." \
                or _TIME_ZONE.match(paragraph, start) and _CLOCK_END.search(paragraph, tail, last[1]):
            out[-1] = (last[0], end)
        else:
            out.append((start, end))
    return out


_TIME_ZONE = re.compile(r"(?:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|KST|JST|BST|CET|CEST)\b")
_CLOCK_END = re.compile(r"\b[ap]\.m\.$")


def _pysbd_spans(paragraph: str) -> list[tuple[int, int]]:
    out = []
    cursor = 0
    for piece in _segmenter().segment(paragraph):
        sentence = piece.strip()
        if not sentence:
            continue
        # pysbd's sentences are pieces of the paragraph, in order: find each after the last.
        start = paragraph.find(sentence, cursor)
        if start < 0:  # not verbatim (never seen): a passage must be a substring of its source
            log.debug("sentence not found verbatim in its paragraph, skipped: %.60s", sentence)
            continue
        cursor = start + len(sentence)
        out.append((start, cursor))
    return out


def _fast_split(paragraph: str) -> list[str] | None:
    """The sentences when every token is a form this module knows, else None (ask pysbd)."""
    spans = _fast_spans(paragraph)
    return None if spans is None else [paragraph[start:end] for start, end in spans]


def _fast_spans(paragraph: str) -> list[tuple[int, int]] | None:
    if not paragraph or _hard(paragraph) or not _quotes_plain(paragraph):
        return None
    abbreviations, prepositive, number_words, starters = _rules()
    # Where quotations open and close (plain ones only, by now): a token is quoted when the
    # last mark before it opened one.
    marks = [(m.start(), m.group(0)) for m in _QUOTE_MARK.finditer(paragraph)] if "“" in paragraph else []
    size = len(paragraph)
    spans: list[tuple[int, int]] = []
    start = 0
    # Tokens are separated by single spaces here (_hard saw to it, and there is no other
    # white space); only those holding a full stop or question mark can end a sentence
    # (what `\S*[.?]\S*` finds, without a regular expression trying every place).
    end = -1
    for raw in paragraph.split(" "):
        end += len(raw) + 1
        if "." not in raw and "?" not in raw:
            continue
        token = raw.lstrip("“").removesuffix(",”")
        if "." not in token and "?" not in token:
            continue
        if end >= size:
            following, spaced = None, False
        else:
            after = paragraph.find(" ", end + 1)
            following, spaced = (paragraph[end + 1 :], False) if after < 0 else (paragraph[end + 1 : after], True)
        verdict = _boundary(token, following, spaced, abbreviations, prepositive, number_words, starters)
        if verdict is None:
            return None
        if verdict:
            # pysbd keeps a quotation whole: a sentence end inside one is its call.
            limit = end - 1 if raw.endswith(",”") else end
            before = [mark for at, mark in marks if at < limit]
            if before and before[-1] == "“":
                return None
            spans.append((start, end))
            start = end + 1
    if start < size:
        spans.append((start, size))
    return spans


def _hard(paragraph: str) -> bool:
    """Whether anything in the paragraph is beyond the fast path (see _HARD_CHAR)."""
    if paragraph[0].isspace() or paragraph[-1].isspace() or any(pair in paragraph for pair in _HARD_PAIRS):
        return True
    if ("'" in paragraph or "’" in paragraph) and _APOSTROPHE.search(paragraph):
        return True
    return _HARD_CHAR.search(paragraph) is not None


def _quotes_plain(paragraph: str) -> bool:
    """Curly quotations only of the form '“words,”' (opened at a word, closed after a comma)."""
    if "“" not in paragraph and "”" not in paragraph:
        return True
    depth = 0
    for m in re.finditer(r"[“”]", paragraph):
        at = m.start()
        if m.group(0) == "“":
            if depth or (at and paragraph[at - 1] != " ") or at + 1 >= len(paragraph) or not paragraph[at + 1].isalnum():
                return False
            depth = 1
        else:
            if not depth or paragraph[at - 1] != "," or (at + 1 < len(paragraph) and paragraph[at + 1] != " "):
                return False
            depth = 0
    return depth == 0


def _boundary(
    token: str,
    following: str | None,
    spaced: bool,
    abbreviations: frozenset[str],
    prepositive: frozenset[str],
    number_words: frozenset[str],
    starters: frozenset[str],
) -> bool | None:
    """Whether a sentence ends after `token`; None when only pysbd can say."""
    if following is None:
        # The paragraph's last token: whatever it is, the sentence ends with the paragraph,
        # provided nothing inside the token could be cut.
        return False if _inside_ok(token) else None
    opened = following.startswith("“")
    if opened and "”" not in following:
        # A quotation opening the next sentence ('“We will respond,” he said.'): what
        # counts is the word it opens with.
        following = following[1:]
    if not following or "“" in following or "”" in following:
        return None
    nxt = following[0]
    if token[-1] == "." and token[:-1].isalpha():
        # The common case, a word and a full stop: straight to the word rules below.
        return _word_boundary(token[:-1], nxt, abbreviations, prepositive, number_words)
    if _DECIMAL.fullmatch(token):
        # "3.5", "2.5-ton" and a decimal ending a sentence ("rose 3.5.") are pysbd's number rules.
        if token.count(".") == 1 and not token.endswith("."):
            return False
        if token.endswith(".") and token[:-1].count(".") == 1 and re.search(r"\d\.\d", token[:-1]):
            return nxt.isascii() and nxt.isupper() and nxt != "I" or None
        return None
    if token.endswith("?"):
        body = token[:-1]
        if _PLAIN.fullmatch(body) and "." not in body:
            return True if nxt.isascii() and nxt.isupper() else None
        return None
    if _INITIALS.fullmatch(token):
        lowered = token.casefold()
        if lowered in ("a.m.", "p.m.") or token[-2] in "Iiv":
            return None
        if token in _RESTORED:
            return not opened and following in starters and spaced
        if any(token.endswith(r) for r in _RESTORED):
            return None
        return False
    if _INITIALS_PREFIX.fullmatch(token):
        return False if token.casefold()[:4] not in ("a.m.", "p.m.") else None
    if not token.endswith(".") or "?" in token:
        return None
    word = token[:-1]
    if "." in word or not _PLAIN.fullmatch(word):
        return None
    return _word_boundary(word, nxt, abbreviations, prepositive, number_words)


def _word_boundary(
    word: str, nxt: str, abbreviations: frozenset[str], prepositive: frozenset[str], number_words: frozenset[str]
) -> bool | None:
    """Whether a sentence ends after `word` and its full stop, before a token starting with `nxt`."""
    if not word.isascii():
        return None
    lowered = word.casefold()
    if len(word) == 1:
        return False if word.isupper() else None
    if lowered in prepositive:
        return False
    if lowered in number_words:
        if nxt.isdigit():
            return False
        return True if nxt.isupper() and nxt.isascii() and nxt != "I" else None
    if lowered in abbreviations:
        if nxt.isdigit() or (nxt.isascii() and nxt.islower()):
            return False
        return True if nxt.isupper() and nxt.isascii() and nxt != "I" else None
    if any(c in word for c in ",;:"):
        return None
    if nxt.isascii() and nxt.isupper():
        return True
    return None


def _inside_ok(token: str) -> bool:
    """A paragraph's last token holds no cut of its own: a plain word or number, initials or a decimal."""
    body = token.rstrip(".?")
    if len(token) - len(body) > 1:
        return False
    return bool(_PLAIN.fullmatch(body) and "." not in body) or bool(_INITIALS.fullmatch(token)) or (
        bool(re.fullmatch(r"\d[\d,]*\.\d+", body))
    )
