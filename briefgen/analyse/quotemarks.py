"""Quotation marks: the spans of a paragraph's quotations, and which of them are names
written in quotation marks rather than words spoken."""

from __future__ import annotations

import re

# A quotation that is a name, not words spoken: 'an editorial titled "Russia and the DPRK: ..."'.
_NAMED = re.compile(r"\b(?:titled|entitled|headlined|dubbed|nicknamed|named)\s+[\u201c\"]$")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def _a_title(text: str) -> bool:
    """Whether a quotation is written as a title, every word of four letters or more
    capitalised ("Yemen: Houthi Attacks Placing Pressure on International Trade")."""
    return len(words := _LONG_WORD.findall(text)) >= 3 and text.isascii() and all(w[0].isupper() for w in words)


def spoken(paragraph: str, start: int, text: str) -> bool:
    """Whether the quotation `text`, whose words start at `start` of `paragraph`, can be
    words spoken: not a name after "titled" or "dubbed", nor written as a title."""
    return _NAMED.search(paragraph, 0, start) is None and not _a_title(text)


# A straight quotation mark that opens: before a word (or an ellipsis), not after one.
_OPENS = re.compile(r"(?:\.\.\.|\u2026)?[A-Z\[]")


def quotations(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each outermost quotation of a paragraph. A quotation
    opened and not closed runs to the paragraph's end: news writing carries a quotation over
    paragraphs, closing it only in the last ('Kerry said, "...This is the second time ...')."""
    spans: list[tuple[int, int]] = []
    depth, opened = 0, 0
    lone: list[int] = []  # closing marks no curly one opened
    for m in re.finditer("[\u201c\u201d]", paragraph):
        if m.group(0) == "\u201c":
            if depth == 0:
                opened = m.end()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((opened, m.start()))
        else:
            lone.append(m.start())
    if depth > 0 and '"' not in paragraph[opened:]:  # (not one closed by a straight mark: “...")
        spans.append((opened, len(paragraph)))
    straight = [m.start() for m in re.finditer('"', paragraph)]
    if len(straight) == 1 and _OPENS.match(paragraph, straight[0] + 1):
        # ... or to a curly mark that closes it ('"This cessation of hostilities must lead to ...,”
        # he added'): two kinds of marks in one copy.
        closing = next((at for at in lone if at > straight[0]), len(paragraph))
        spans.append((straight[0] + 1, closing))
    elif len(straight) % 2 == 1 and len(straight) > 1:
        # An odd count is a quotation with a quotation left open inside it: take it whole.
        spans.append((straight[0] + 1, straight[-1]))
    else:
        spans.extend((straight[i] + 1, straight[i + 1]) for i in range(0, len(straight) - 1, 2))
    spans.sort()
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
