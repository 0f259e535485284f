"""The morphemes Korean text is read as, by Kiwi: what theme terms match in it.

Below the analysis package (it loads only kiwipiepy), so that `briefgen check` can read a
Hangul term the way Korean text will be read without loading the analysis stage; see
`analyse/korean.py` for why Kiwi and what else it does there."""

from __future__ import annotations

import logging
import threading
import warnings
from functools import lru_cache
from typing import Any

from .rules import TOKEN_RE

log = logging.getLogger(__name__)

# Tags of the morphemes a theme can name: common and proper nouns, numerals, verb and
# adjective stems, roots, foreign (Latin-script), Chinese-character and number tokens.
# Particles (J*), endings (E*), affixes (XS*, XPN) and punctuation carry no topic.
_CONTENT = ("NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SH", "SN")
_VERBS = ("VV", "VA")

_lock = threading.Lock()
_kiwi: Any = None


def analyser() -> Any:
    """The Kiwi analyser, loaded once per process on first use."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                log.debug("loading the Korean analyser (kiwipiepy)")
                # One thread (num_workers=0): no pool of its own, so a process that has
                # loaded it may still fork workers, which share the loaded model.
                with warnings.catch_warnings():
                    # Kiwi warns that 0 meant "all cores" before 0.21; one thread is meant.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    kiwi = Kiwi(num_workers=0)
                # Its first analysis loads the rest of the model: done here, once.
                kiwi.tokenize("북한이 미사일을 발사했다.")
                _kiwi = kiwi
    return _kiwi


@lru_cache(maxsize=32768)
def morphemes(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(form, tag, start, end) of every morpheme of a text, in order."""
    return tuple((t.form, t.tag, t.start, t.start + t.len) for t in analyser().tokenize(text))


def words(text: str) -> list[str]:
    """What themes match in Korean text: content morphemes, lower-cased; a verb or
    adjective stem in its dictionary form (쏘 -> 쏘다), Latin words as `rules.tokens` has them."""
    out: list[str] = []
    for form, tag, _, _ in morphemes(text):
        base = tag.split("-", 1)[0]  # irregular stems are tagged VV-R, VA-I...
        if base not in _CONTENT:
            continue
        if base in ("SL", "SN"):
            out.extend(TOKEN_RE.findall(form.casefold()))
        elif base in _VERBS:
            out.append(form + "다")
        else:
            out.append(form.casefold())
    return out
