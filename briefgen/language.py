"""Which language a text is in, told by its script: Hangul is Korean, Latin is English.

The brief reads two languages, Korean and English; a text's letters decide between them,
with no model to load and no guess for a text with no letters. Pure Python, so ingestion
and `briefgen check` can use it without the analysis stage."""

from __future__ import annotations

import re

KOREAN = "ko"
ENGLISH = "en"
# Hangul syllables, jamo and compatibility jamo.
HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile(r"[A-Za-z]")
# A text is Korean from this share of its letters in Hangul: a Korean sentence quoting an
# English name ("ICBM", "Kim Yo Jong") stays Korean, an English one quoting 북한 stays English.
KOREAN_SHARE = 0.3


def has_hangul(text: str) -> bool:
    """Whether any Hangul is in the text (the test that keeps Korean processing off English text)."""
    return not text.isascii() and HANGUL_RE.search(text) is not None


def detect(text: str) -> str | None:
    """"ko" or "en" by the share of Hangul among the text's letters; None without letters."""
    if not has_hangul(text):
        # The common case, decided without counting: Latin letters are English here.
        return ENGLISH if _LATIN_RE.search(text) else None
    hangul = len(HANGUL_RE.findall(text))
    letters = len(_LETTER_RE.findall(text))
    if not letters:
        return None
    return KOREAN if hangul / letters >= KOREAN_SHARE else ENGLISH


def of_passage(text: str, article_language: str | None) -> str | None:
    """A passage's language: its own script's when it has letters (an English sentence in a
    Korean article is English), else its article's."""
    return detect(text) or article_language
