"""Korean text: sentences, the morphemes themes match on, and proper nouns, by Kiwi.

Korean attaches particles and endings to words (미사일을 "the missile" as object, 발사했다
"launched"), so a word as written is rarely the word a theme lists. Kiwi (kiwipiepy), a
morphological analyser with its model in a wheel (no download at run time), splits the
text into morphemes with part-of-speech tags: 미사일/NNG 을/JKO, 발사/NNG 하/XSV 었/EP
다/EF. Themes match the content morphemes (nouns, verb and adjective stems, roots,
foreign words and numbers); names come from its proper-noun tag (NNP).

Why Kiwi (measured on this machine, 1,000 Korean news sentences): it splits them in 0.9 s
and tags them in 0.9 s, one dependency for sentences, morphemes and names, 106 MB
installed (the model is most of it). kss 6 splits by rules but needs a separate analyser
(pecab or mecab) for morphemes, so it would be two dependencies doing the job of one.

The analyser loads on first use (about 2 s, and 3 s more at its first analysis), once per
process, and only text with Hangul ever reaches it: English analysis never pays for it."""

from __future__ import annotations

import logging
import re
from array import array
from collections.abc import Iterable, Mapping

from ..language import has_hangul
from ..morphemes import analyser, morphemes, words

# (`analyser`, `morphemes` and `words` live in briefgen.morphemes, below the analysis
# package, so that `briefgen check` reads Hangul terms without loading numpy.)
__all__ = ["analyser", "morphemes", "words"]

log = logging.getLogger(__name__)

# Korean sentences in a passage: fewer words than English ones (a word carries its
# particles and endings: 러시아를 방문했다 is "visited Russia").
MIN_WORDS = 3


def prepare(texts: Iterable[str]) -> None:
    """Load the analyser now when any of `texts` has Hangul: before worker processes are
    forked, so that they share one loaded model instead of each loading its own."""
    if any(has_hangul(t) for t in texts):
        analyser()


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a Korean paragraph, without the spaces around it."""
    out: list[tuple[int, int]] = []
    for sentence in analyser().split_into_sents(paragraph):
        for start, end in _ends(paragraph, sentence.start, sentence.end):
            # Kiwi's sentences cover the paragraph; a passage is a sentence without its spaces.
            while start < end and paragraph[start].isspace():
                start += 1
            while end > start and paragraph[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            if out and _QUOTING_START.match(paragraph, start) and paragraph[out[-1][1] - 1] in _CLOSERS:
                # "「...」이라고 말했다": the quoting ending belongs to the quotation's sentence.
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
    return out


_OPENERS, _CLOSERS = "\u201c\u300c\u300e\u2018", "\u201d\u300d\u300f\u2019"
_QUOTING_START = re.compile(r"(?:이?라고|고|며|라며|이라며)\s")
# A declarative or interrogative ending and its mark, then a space: where a sentence ends.
_END_RE = re.compile(r"[다요까죠][.?!]\s+")


def _ends(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """Kiwi's sentence [start, end) cut again where a sentence ending is outside any
    quotation (it keeps "...강조했다. 「...」" together when a corner bracket follows)."""
    cuts = []
    depth = 0
    straight = False
    position = start
    for m in _END_RE.finditer(paragraph, start, end):
        for c in paragraph[position:m.start()]:
            if c in _OPENERS:
                depth += 1
            elif c in _CLOSERS:
                depth = max(depth - 1, 0)
            elif c == '"':
                straight = not straight
        position = m.start()
        if depth == 0 and not straight and m.end() < end:
            cuts.append(m.end())
    bounds = [start, *cuts, end]
    return list(zip(bounds, bounds[1:], strict=False))


# Where each morpheme of a text starts and ends and whether it is a proper noun, as the
# theme terms' workers found them (`learn`): all the per-article reading asks of Kiwi (names,
# aliases that are whole morphemes). Its workers, forked after, inherit this instead of
# analysing each sentence a second time (about a millisecond a sentence, in processes that
# share no cache). Kiwi's answer for a text is always the same, so any analysis may read it.
_bounds: dict[str, bytes] = {}


def bounds_of(text: str) -> bytes:
    """A text's morphemes as `bounds` reads them: (start, end, proper noun) packed as integers."""
    packed = array("I")
    for _, tag, start, end in morphemes(text):
        packed.extend((start, end, tag == "NNP"))
    return packed.tobytes()


def learn(found: Mapping[str, bytes]) -> None:
    """Keep texts' `bounds_of`, found in another process, for the reading that follows."""
    _bounds.update(found)


def forget() -> None:
    """Drop what `learn` kept (the day's analysis is over)."""
    _bounds.clear()


def bounds(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, whether a proper noun) of each morpheme of a Korean text, in order."""
    known = _bounds.get(text)
    if known is None:
        return [(start, end, tag == "NNP") for _, tag, start, end in morphemes(text)]
    packed = array("I")
    packed.frombytes(known)
    return list(zip(packed[0::3], packed[1::3], map(bool, packed[2::3]), strict=True))


def proper_nouns(text: str) -> list[tuple[int, int]]:
    """(start, end) of each proper noun (NNP) in a Korean text; adjacent ones joined
    (합동 참모 본부 as one name)."""
    spans: list[tuple[int, int]] = []
    for start, end, proper in bounds(text):
        if not proper:
            continue
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
