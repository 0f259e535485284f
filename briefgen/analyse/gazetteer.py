"""The config's gazetteer: its names and aliases found in a text, and what a mention of a
name is (`entities` adds the names it finds by their capitals)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import EntityConfig
from ..language import has_hangul
from . import hangul
from .names import APOS, HASHTAG_RE, compact, fold, someone_else
from .namewords import SHIP_PREFIXES


@dataclass(frozen=True)
class Mention:
    """One place a passage names an entity."""

    start: int
    end: int
    surface: str
    name: str
    kind: str | None
    role: str | None = None
    known: bool = False



# A ship's prefix and the words of its name before an alias: the alias is the ship's name's.
_SHIPS = "|".join(sorted(map(re.escape, SHIP_PREFIXES), key=len, reverse=True))
_SHIP_BEFORE = re.compile(rf"\b(?:{_SHIPS})(?:[ \t]+[A-Z][\w.'-]*){{0,3}}[ \t]+$")
_SHIP_ANY = re.compile(rf"\b(?:{_SHIPS})[ \t]")
# A Korean given name's second syllable after a hyphen: "Yoon" in "Yoon-hee" is no surname.
_GIVEN_NAME_ON = re.compile(r"-[a-z]")


class Gazetteer:
    """The config's names and aliases, found longest first, case-sensitively."""

    def __init__(self, entities: Sequence[EntityConfig]) -> None:
        self.kinds: dict[str, str] = {}
        alias_of: dict[str, str] = {}
        for entity in entities:
            self.kinds[entity.name] = entity.kind
            for alias in (entity.name, *entity.aliases):
                alias_of.setdefault(alias, entity.name)
        self.alias_of = alias_of
        self.compact = {compact(a): n for a, n in alias_of.items() if len(compact(a)) > 2}
        patterns = [
            re.sub(r"\\ |['\u2019]", lambda m: APOS if m.group(0) in "'\u2019" else r"\s+", re.escape(a))
            for a in sorted(alias_of, key=lambda a: (-len(a), a))
        ]
        # The characters a name can start with, looked at first: Python's engine would try
        # every alternative at every character of the text (this makes the search about
        # twice as fast, the same matches).
        firsts = {a[0] for a in alias_of}
        start = f"(?=[{''.join(sorted(map(re.escape, firsts)))}])" if all(c.isalnum() for c in firsts) else ""
        self.regex = re.compile(rf"{start}(?<![\w#@])(?:{'|'.join(patterns)})(?!\w)") if patterns else None
        self._fold = {fold(a): n for a, n in alias_of.items()}
        # Hangul aliases take particles (러시아를): found by their own pattern, in Korean text only.
        self.hangul = hangul.gazetteer_regex(list(alias_of))

    def find(self, text: str, with_hangul: bool = True) -> list[Mention]:
        """The gazetteer's names in a text; `with_hangul=False` when it is known to have no Hangul."""
        found: list[Mention] = []
        if self.regex is not None:
            # (Most texts name no ship: the look-back for one is skipped for them.)
            ships = _SHIP_ANY.search(text) is not None
            for m in self.regex.finditer(text):
                name = self._fold[fold(m.group(0))]
                if self.kinds[name] == "person" and " " not in m.group(0) and (
                        someone_else(text, m.start(), m.end()) or _GIVEN_NAME_ON.match(text, m.end())):
                    continue  # ("Adm. Choi Yoon-hee" names no President Yoon.)
                if ships and _SHIP_BEFORE.search(text, max(0, m.start() - 40), m.start()):
                    continue  # ("USS George Washington" is a ship, not the United States.)
                found.append(Mention(m.start(), m.end(), m.group(0), name, self.kinds[name], known=True))
        if self.hangul is not None and with_hangul and has_hangul(text):
            seen = {f.start: n for n, f in enumerate(found)}
            for start, end in hangul.aliases_in(text, self.hangul):
                name = self.alias_of[text[start:end]]
                mention = Mention(start, end, text[start:end], name, self.kinds[name], known=True)
                if start not in seen:
                    found.append(mention)
                elif found[seen[start]].end < end:
                    # "한국 해군은": the whole alias with its particle, not the 한국 that the
                    # pattern above took for lack of a word's end after 해군.
                    found[seen[start]] = mention
        # Hashtags run a name together: "#KimJongUn", "#NorthKorea".
        for m in HASHTAG_RE.finditer(text):
            name = self.compact.get(m.group(1).casefold())
            if name and not any(f.start <= m.start(1) < f.end for f in found):
                found.append(Mention(m.start(), m.end(), m.group(0), name, self.kinds[name], known=True))
        return sorted(found, key=lambda f: f.start)
