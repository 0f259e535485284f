"""The brief's own page with verdict controls beside each theme's stories and passages
(`briefgen serve --feedback`).

The page is the HTML file `briefgen generate` wrote, never a second rendering of it (the
Brief it was made from is gone; its JSON is not enough to render it again). The file is read
for its theme sections (`section.theme#theme-KEY`), their stories (`li.story`: the controls
go before the story's points, else at its end) and each story's points (`ul.points > li`:
at the point's end), matched to the brief's JSON by position, the order brief.html writes
both in. So the files on disk, the PDF and the email never carry a form, and a template a
user shadows keeps its controls as long as it keeps those classes; a story whose anchor
disagrees with the JSON gets none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import accumulate
from typing import Any

import jinja2

# Elements that never have an end tag: they must not open a level of the stack.
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# What a form may name as the place to come back to: the ids this module gives.
ANCHOR = re.compile(r"[A-Za-z0-9_-]{1,160}")


@dataclass(frozen=True)
class Spot:
    """Where a story's controls (point None) or one of its points' go, by offset in the file."""

    theme: str
    story: int
    point: int | None
    offset: int
    # The story item's own id (`story-<id>`), when brief.html anchored the story there.
    anchor: str | None


@dataclass
class _Open:
    tag: str
    kind: str | None = None  # "theme", "story", "points" or "point"
    theme: str = ""
    story: int = -1
    point: int = -1
    anchor: str | None = None
    points: int = 0
    # A story's controls go before its list of points (else at its end).
    before_points: int | None = None


class _Finder(HTMLParser):
    """The spots of a brief's HTML, in the order of the file."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.starts = [0, *accumulate(len(line) for line in html.splitlines(keepends=True))]
        self.stack: list[_Open] = []
        self.stories: dict[str, int] = {}
        self.spots: list[Spot] = []
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def _nearest(self) -> _Open | None:
        return next((o for o in reversed(self.stack) if o.kind), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        given = dict(attrs)
        classes = (given.get("class") or "").split()
        ident = given.get("id") or ""
        here, nearest = _Open(tag), self._nearest()
        if tag == "section" and "theme" in classes and ident.startswith("theme-"):
            here.kind, here.theme = "theme", ident.removeprefix("theme-")
        elif tag == "li" and "story" in classes and nearest and nearest.kind == "theme":
            here.kind, here.theme = "story", nearest.theme
            here.story = self.stories[here.theme] = self.stories.get(here.theme, -1) + 1
            here.anchor = ident.removeprefix("story-") if ident.startswith("story-") else None
        elif tag == "ul" and "points" in classes and nearest and nearest.kind == "story" and self.stack[-1] is nearest:
            here.kind, here.theme, here.story = "points", nearest.theme, nearest.story
            if nearest.before_points is None:
                nearest.before_points = self._offset()
        elif tag == "li" and self.stack and self.stack[-1].kind == "points":
            parent = self.stack[-1]
            here.kind, here.theme, here.story, here.point = "point", parent.theme, parent.story, parent.points
            parent.points += 1
        self.stack.append(here)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <x/>: nothing opens

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        level = next((n for n in range(len(self.stack) - 1, -1, -1) if self.stack[n].tag == tag), None)
        if level is None:
            return
        at = self._offset()
        for closed in reversed(self.stack[level:]):
            if closed.kind == "story":
                self.spots.append(Spot(closed.theme, closed.story, None,
                                       closed.before_points if closed.before_points is not None else at, closed.anchor))
            elif closed.kind == "point":
                self.spots.append(Spot(closed.theme, closed.story, closed.point, at, None))
        del self.stack[level:]


def spots(html: str) -> list[Spot]:
    """Where a brief's HTML can take verdict controls."""
    return _Finder(html).spots


def anchor_of(theme: str, target: str) -> str:
    """The id of the controls for a story or passage under a theme: where a verdict comes back to."""
    return f"verdicts-{theme}-{target}"


def with_verdicts(html: str, brief: dict[str, Any], template: jinja2.Template, *, csrf: str,
                  recorded: int | None = None, at: str | None = None) -> tuple[str, bool]:
    """The brief's HTML with controls beside each theme's stories and points, and whether the
    notice that `recorded` verdicts were kept found its place at `at` (else the caller shows it)."""
    themes = {t["key"]: t for t in brief.get("themes", [])}
    stories = {s["id"]: s for s in brief.get("stories", [])}
    choices = [{"key": t["key"], "label": t["label"]} for t in brief.get("themes", [])]
    controls = template.module.controls  # type: ignore[attr-defined]
    placed, inserts = False, []
    for spot in spots(html):
        theme = themes.get(spot.theme)
        entries = theme.get("stories", []) if theme else []
        if theme is None or spot.story >= len(entries):
            continue
        entry = entries[spot.story]
        if spot.anchor is not None and spot.anchor != entry["story"]:
            continue  # the page and its JSON disagree: better no control than one on the wrong story
        if spot.point is None:
            field, value = "passages", " ".join(stories.get(entry["story"], {}).get("lead_passage_ids", []))
            target = entry["story"]
        else:
            points = entry.get("points", [])
            value = points[spot.point].get("passage_id") or "" if spot.point < len(points) else ""
            field, target = "passage", value
        if not value:
            continue
        anchor = anchor_of(spot.theme, target)
        notice = recorded if recorded is not None and anchor == at else None
        placed = placed or notice is not None
        theme_choice = {"key": theme["key"], "label": theme["label"]}
        kind = "story" if spot.point is None else "passage"
        inserts.append((spot.offset, str(controls(kind, field, value, theme_choice, choices, brief.get("date", ""),
                                                   csrf, anchor, notice))))
    for offset, snippet in sorted(inserts, key=lambda pair: pair[0], reverse=True):
        html = html[:offset] + snippet + html[offset:]
    return html, placed


def notice(template: jinja2.Template, recorded: int) -> str:
    """The "recorded" notice, for the top of the page when its place is gone."""
    return str(template.module.notice(recorded))  # type: ignore[attr-defined]
