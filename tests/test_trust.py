"""Trust: every sentence of the brief that is not a heading is verbatim from a cited source,
or a template sentence whose only variables are counts, dates and names; and no two
summary points of a theme say the same thing.

The rendered HTML and Markdown are read back block by block (HTML) or line by line
(Markdown). Each block must match one of a closed set of shapes; in a shape, article text
must be found verbatim in an article the block cites, and every other part must be a
count, a date, or a name the brief holds (a theme label, a source, an entity)."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from itertools import combinations
from pathlib import Path

import lxml.html
import pytest

from briefgen.config import load_config
from briefgen.models import Brief
from briefgen.pipeline import build_brief
from briefgen.render.filters import source_label
from briefgen.render.html import eventdate, render_html
from briefgen.render.markdown import render_markdown

from .conftest import DEFAULT_CONFIG, write

DEFAULT_CONFIG_TEXT = DEFAULT_CONFIG.read_text(encoding="utf-8")

DAY = date(2024, 1, 17)
DATE = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
LONGDATE = r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}"
WHEN = rf"{DATE} \d\d:\d\d [A-Z+\-0-9]+"
# The window in words ("since yesterday 06:00 KST"), then its length and its bounds.
MOMENT = rf"(?:(?:today|yesterday|tomorrow|[A-Z][a-z]+day|{DATE}) \d\d:\d\d|midnight)"
WINDOW = (rf"(?:since {MOMENT}(?: until {MOMENT})? [A-Z+\-0-9]+ · )?\d+(?:[hd]|h\d\dm|m) · "
          rf"{DATE} \d\d:\d\d – {DATE} \d\d:\d\d [A-Z]+(?: · \d+ late arrivals?)?")
# A theme's trend against earlier briefs (history.trend), after its symbol.
TREND = (
    r"(?:[▲▼≈] )?(?:no earlier brief in \d+ days to compare with|quiet, as in the \d+ earlier briefs?"
    r"|new: no passages in the \d+ earlier briefs?|(?:up|down|steady): \d+ vs \d+(?:\.\d)? a brief over \d+ earlier briefs?)"
)
# Sentences the templates write themselves; \d+ and DATE are their only variables.
TEMPLATE_SENTENCES = [
    rf"\d+ (?:stories|story) · \d+ passages? from \d+ articles?(?: ·)? {TREND}",
    rf"Since the brief of {DATE}: \d+ new (?:stories|story), \d+ updated, \d+ with nothing new, \d+ gone quiet\.",
    r"Nothing new since the last brief\.",
    r"Articles and passages per theme in this brief\. A passage is one sentence; it may count under several themes\.",
    r"Passages per theme in each brief of the last \d+ days, on one scale; the dark bar is this brief\.",
    r"Daily brief",
    r"Summary points are verbatim sentences from the cited sources, selected automatically\. Check the sources before acting on them\.",
    r"No reporting in this window\.",
    r"\d+ points? from \d+ passages?",
    r"This is the first brief: there is no previous one to compare with\.",
    rf"Since the brief of {DATE}: \d+ new points?, \d+ continuing\.",
    r"\d+ new · \d+ continuing · \d+ no longer reported",
    r"Every point in this theme rests only on state media\.",
    r"No quotations in this window\.",
    r"No dated events in this window\.",
    r"No names found in this window\.",
    r"\d+ passages from \d+ articles, in no theme",
    r"No group of passages outside the themes has enough support \(\d+ passages from \d+ articles\)\.",
    # An emerging topic whose every sentence the body prints already (it prints none twice).
    r"Its sentences are printed elsewhere in this brief\.",
    r"No articles in this window\.",
    r"No passages\.",
    rf"Window: (?:all dates|{WINDOW})",
    # The notice at the top of a brief with no article.
    r"A quiet day: \d+ sources? read \(.+\), none with an article in this window\.",
    r"No articles: .+\. This brief is empty because its sources failed or are missing, not because nothing happened\.",
    r"Coverage: \d+ sources? · \d+ articles? · \d+ passages?",
    rf"Generated: {WHEN}",
    LONGDATE,
    # What a brief of more than 150 articles says of the lists it shortens (render.bounds).
    r"And [\d,]+ more articles? not cited above: every source is listed in brief-\d{4}-\d\d-\d\d\.json\.",
    r"And [\d,]+ more passages? of the sources not listed: every passage is in brief-\d{4}-\d\d-\d\d\.json\.",
    r"and \d+ more: see the JSON",
]
SHORT = r"\d{1,2} [A-Z][a-z]{2}"
# What a story says of itself: who reported it and since when (storyview.storymeta).
META = (
    r"(?:reported by \d+ sources(?: · )?)?"
    rf"(?:day \d+, first reported {SHORT}|nothing new since {SHORT} \(first reported {SHORT}\))?"
)
EVENT_DATE = (
    r"(?:\d{1,2}(?:–\d{1,2})? [A-Z][a-z]{2}(?: \d{4})?(?: – \d{1,2} [A-Z][a-z]{2}(?: \d{4})?)?"
    r"(?: \(year not given\))?|\d{4}|[A-Z][a-z]{2} \d{4}|[A-Z][a-z]+ \(date not known\))"
)


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


class Checker:
    """What the brief may say: the cited articles' text and the names the brief holds."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.texts = {a.id: _norm(a.text) for a in brief.articles}
        self.numbers = {n: a.id for n, a in enumerate(brief.articles, start=1)}
        self.theme_labels = {t.label for t in brief.themes}
        if brief.changes:
            self.theme_labels |= {q.label for q in brief.changes.quiet}
        self.entity_names = {e.name for e in brief.entities}
        self.roles = {r for e in brief.entities for r in e.roles} | {q.role for q in brief.quotes if q.role}
        self.titles = {_norm(a.title) for a in brief.articles} | {"(untitled)"}
        self.source_names = {_norm(a.source) for a in brief.articles}
        # A headline is an article's title, or (untitled file) a sentence of it.
        self.headlines = {_norm(s.headline) for s in brief.stories}
        by_id = {a.id: a for a in brief.articles}
        for story in brief.stories:
            assert _norm(story.headline) in self.titles or any(
                _norm(story.headline) in self.texts[a] for a in story.article_ids if a in by_id), story.headline
        if brief.changes:
            self.headlines |= {_norm(r.headline) for r in brief.changes.quiet_stories}
        self.checked = 0

    def verbatim(self, text: str, cites: list[int], where: str) -> None:
        """`text` occurs, word for word, in an article the block cites."""
        assert cites, f"{where}: article text without a citation: {text!r}"
        needle = _norm(text).removesuffix("…").strip()
        assert needle, where
        assert any(needle in self.texts[self.numbers[n]] for n in cites), f"{where}: not verbatim in {cites}: {text!r}"
        self.checked += 1

    def template(self, text: str, where: str) -> None:
        text = _norm(text)
        assert any(re.fullmatch(p, text) for p in TEMPLATE_SENTENCES), f"{where}: not a template sentence: {text!r}"
        self.checked += 1

    def headline(self, text: str, where: str) -> None:
        assert _norm(text) in self.headlines, f"{where}: not a story's headline: {text!r}"
        self.checked += 1

    def meta(self, element: lxml.html.HtmlElement, where: str) -> None:
        for meta in element.find_class("story-meta"):
            assert re.fullmatch(META, _norm(meta.text_content())), f"{where}: {meta.text_content()!r}"

    def themes_list(self, text: str, where: str) -> None:
        if text != "—":
            for label in text.split(", "):
                assert label in self.theme_labels, f"{where}: {label!r} is not a theme"


# -- HTML -----------------------------------------------------------------------


def _cites(element: lxml.html.HtmlElement) -> list[int]:
    return [int(a.get("href").removeprefix("#src-")) for a in element.iter("a") if "cite" in (a.get("class") or "")]


def _text(element: lxml.html.HtmlElement, drop: tuple[str, ...] = ("cites",)) -> str:
    """The element's text without its citations (and whatever else `drop` names by class)."""
    clone = lxml.html.fromstring(lxml.html.tostring(element, encoding="unicode"))
    for node in list(clone.iter()):
        if node is not clone and set((node.get("class") or "").split()) & set(drop):
            node.drop_tree()
    return _norm(clone.text_content())


def check_html(page: str, checker: Checker) -> None:
    root = lxml.html.fromstring(page)
    body = root.find("body")
    for cite in body.iter("a"):
        if "cite" in (cite.get("class") or ""):
            assert re.fullmatch(r"\[\d+[A-F]?\]", cite.text_content()), cite.text_content()
    headings = {_norm(h.text_content()) for h in body.iter("h2")}
    for svg in body.iter("svg"):
        check_chart(svg, checker)
    for caption in body.iter("figcaption"):
        checker.template(caption.text_content(), "<figcaption>")
    blocks = [e for e in body.iter() if e.tag in ("p", "li", "tr", "dt", "dd")]
    for block in blocks:
        cls = set((block.get("class") or "").split())
        parent_cls = set((block.getparent().get("class") or "").split())
        where = f"<{block.tag} class={' '.join(sorted(cls))}>"
        cites = _cites(block)
        text = _text(block)
        if block.tag in ("dt", "dd"):
            scope = f"{checker.brief.scope} · {len(checker.brief.out_of_scope)} article" + \
                f"{'s' if len(checker.brief.out_of_scope) != 1 else ''} outside it, in no theme"
            assert text in ("Window", "Coverage", "Generated", "Scope", scope) or re.fullmatch(
                rf"all dates|{WINDOW}|\d+ sources? · \d+ articles? · \d+ passages?|{WHEN}", text
            ), f"{where}: {text!r}"
        elif block.tag == "p":
            checker.template(text, where)
        elif "toc-list" in parent_cls:
            assert text in headings, f"{where}: {text!r} is not a section"
        elif "story" in cls:
            check_story(block, checker, where)
        elif "more" in cls:
            checker.template(text, where)
        elif "story-changes" in parent_cls:
            tags = [t.text_content() for t in block.find_class("tag")]
            rest = _text(block, ("cites", "tag"))
            headline, _, tail = rest.rpartition(": ")
            if tags == ["New"]:
                checker.headline(rest, where)
            elif tags and re.fullmatch(r"Day \d+", tags[0]):
                checker.headline(headline, where)
                assert re.fullmatch(rf"first reported {DATE}", tail), f"{where}: {tail!r}"
            else:
                checker.headline(headline, where)
                assert re.fullmatch(rf"last in the brief of {DATE}", tail), f"{where}: {tail!r}"
        elif "quote" in cls:
            checker.verbatim(_text(block.find("q")), cites, where)
            for link in block.find_class("in-story"):
                if _norm(link.text_content()) != "in Other developments":  # (the fixed words of its place)
                    checker.headline(_norm(link.text_content()).removeprefix("in "), where)
            speaker = block.find_class("speaker")[0]
            strong = speaker.find("strong")
            if strong is None:
                assert _text(speaker) == "— speaker not named", where
            else:
                assert strong.text_content() in checker.entity_names, f"{where}: {strong.text_content()!r}"
                roles = speaker.find_class("role")
                if roles:
                    checker.verbatim(roles[0].text_content(), cites, where)
                expected = strong.text_content() + (", " + roles[0].text_content() if roles else "")
                assert _text(speaker) == "— " + expected, where
        elif "event" in cls:
            when = block.find_class("when")[0].text_content()
            assert re.fullmatch(EVENT_DATE, when), f"{where}: {when!r}"
            if block.find_class("in-story"):
                # Its sentence is printed in the body: the event names the story (or Other
                # developments) instead.
                if _text(block, ("cites", "when")) != "Other developments":
                    checker.headline(_text(block, ("cites", "when")), where)
            else:
                checker.verbatim(_text(block, ("cites", "when")), cites, where)
        elif "points" in parent_cls:
            tags = block.find_class("tag")
            if tags:
                assert [t.text_content() for t in tags] == ["New"], where
            for reported in block.find_class("reported"):
                assert re.fullmatch(r"reported by \d+ sources", reported.text_content()), where
            checker.meta(block, where)
            checker.verbatim(_text(block, ("cites", "tag", "reported", "story-meta")), cites, where)
        elif "quiet" in parent_cls:
            label, _, rest = text.rpartition(": ")
            if label in checker.theme_labels:
                assert re.fullmatch(rf"\d+ points? on {DATE}, none today\.", rest), f"{where}: {rest!r}"
            else:
                checker.headline(label, where)
                assert re.fullmatch(rf"in the brief of {DATE}, nothing today\.", rest), f"{where}: {rest!r}"
        elif "source-list" in parent_cls:
            number = int(block.get("value"))
            article = checker.brief.articles[number - 1]
            tag = block.find_class("src-tag")
            if tag:
                assert tag[0].text_content() == f"[{number} · {source_label(article)}]", where
            assert _norm(block.find_class("src-title")[0].text_content()) in checker.titles, where
            source, _, when = block.find_class("src-meta")[0].text_content().partition(" · ")
            assert _norm(source) in checker.source_names, where
            # A date, or "date unknown" and how the date was guessed or why there is none.
            assert re.fullmatch(rf"{DATE}(?: \(from HTML metadata\))?|date unknown \(file modified {DATE}\)"
                                rf"|date unknown: the (?:file|feed) gives none(?: \(first seen {DATE}\))?", when), f"{where}: {when!r}"
            url = block.find_class("src-url")
            assert not url or url[0].text_content() in (article.url, article.path), where
        elif "note" in cls:
            # A source note is the program's own words about a source: its reason, verbatim.
            assert any(text == _norm(f"{n.level} {n.source}" + (f" · {n.target}" if n.target else "") + f": {n.reason}")
                       for n in checker.brief.notes), f"{where}: {text!r}"
        elif block.tag == "tr" and "health-table" in set((block.getparent().getparent().get("class") or "").split()):
            if block.find("th") is not None:
                assert [th.text_content() for th in block.iter("th")] == ["Source", "Status", "New", "Time"], where
            else:
                assert any(_health_cells(row) == [_norm(td.text_content()) for td in block.iter("td")]
                           for row in checker.brief.health), f"{where}: {text!r}"
        elif block.tag == "tr" and block.find("th") is not None:
            for th in block.iter("th"):
                assert th.text_content() in ("Name", "Mentions", "Themes", "Src", "Passage", "Excerpt",
                                             "Themes (score: matched terms)"), where
        elif block.tag == "tr" and "entity-table" in set((block.getparent().getparent().get("class") or "").split()):
            name_cell, count, themes, _src = block.iter("td")
            assert name_cell.find("strong").text_content() in checker.entity_names, where
            for role in name_cell.find_class("role"):
                assert role.text_content() in checker.roles, where
                checker.verbatim(role.text_content(), cites, where)
            assert re.fullmatch(r"\d+", count.text_content()), where
            checker.themes_list(_norm(themes.text_content()), where)
        elif block.tag == "tr":
            # The appendix: a passage id, its citation, an excerpt and the evidence per theme.
            pid, _src, excerpt, themes = block.iter("td")
            assert any(p.id == pid.text_content() for p in checker.brief.passages), where
            checker.verbatim(excerpt.text_content(), cites, where)
            for match in themes.find_class("match"):
                label = match.find_class("theme-name")[0].text_content()
                assert label in checker.theme_labels, where
                assert re.fullmatch(r"\d+\.\d(?:: .+)?", _text(match, ("theme-name",))), where
        else:
            raise AssertionError(f"{where}: a block of unknown shape: {text!r}")


def check_story(block: lxml.html.HtmlElement, checker: Checker, where: str) -> None:
    """A story in a theme section: its headline, then its lead (verbatim, cited), or a
    reference to where the brief tells it, then who reported it and since when. Its own
    points are a nested list, read as points."""
    checker.headline(block.find_class("headline")[0].text_content(), where)
    checker.meta(block, where)
    for ref in block.find_class("ref"):
        text = _norm(ref.text_content())
        assert re.fullmatch(r"bottom line \d+", text) or text.removeprefix("see ") in checker.theme_labels, f"{where}: {text!r}"
    for lead in block.find_class("lead"):
        checker.verbatim(_text(lead), _cites(lead), where)
    rest = _text(block, ("cites", "points", "story-meta", "ref", "lead", "headline"))
    assert rest == "", f"{where}: {rest!r}"


def check_chart(svg: lxml.html.HtmlElement, checker: Checker) -> None:
    """Chart text is labels and numbers: theme labels, counts, dates and fixed captions."""
    labels = checker.theme_labels | {"No theme"}
    for node in svg.iter():
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        text = _norm(node.text_content()) if tag in ("text", "title", "desc") else ""
        if tag == "text":
            assert text in labels or text in ("Articles", "Passages", "this brief", "earlier briefs", "no brief that day") \
                or re.fullmatch(r"\d+(?:\.\d)?|\d{1,2} [A-Z][a-z]{2}", text) \
                or (text.endswith("…") and any(label.startswith(text[:-1]) for label in labels)), f"chart text {text!r}"
        elif tag == "title":
            assert re.fullmatch(r"Articles and passages per theme|Passages per theme, last \d+ days", text), text
        elif tag == "desc":
            for part in text.split("; "):
                label, _, rest = part.partition(": ")
                assert label in labels, f"chart description {part!r}"
                assert re.fullmatch(r"\d+ articles?, \d+ passages?|\d+ passages? in this brief, \d+ earlier briefs", rest), part


def _health_cells(row) -> list[str]:  # type: ignore[no-untyped-def]
    """A source-health row as the HTML table shows it: the program's words, no article text."""
    status = row.status + (f": {row.reason}" if row.reason else "")
    if row.stale:
        status += f" stale: failing since {row.failing_since.day} {row.failing_since:%b %Y}"
    duration = f"{row.duration:.1f} s" if row.duration is not None else "—"
    return [_norm(row.source + row.target), _norm(status), str(row.new_items), duration]


# -- Markdown -------------------------------------------------------------------

_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]<>()#+\-.!|~=])")


def _unmd(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def _md_cites(text: str) -> tuple[str, list[int]]:
    # A large brief prints at most 8 citations and "+N" for the rest (render.bounds).
    m = re.search(r"\s*((?:\[\d+\])+)(?: \+\d+)?$", text)
    if not m:
        return text, []
    return text[: m.start()], [int(n) for n in re.findall(r"\[(\d+)\]", m.group(1))]


def check_markdown(doc: str, checker: Checker) -> None:
    lines = doc.split("\n")
    for n, line in enumerate(lines, start=1):
        where = f"md line {n}"
        if not line.strip() or line.startswith("#") or re.fullmatch(r"\|(?:---\|)+", line):
            continue
        if line.startswith("   "):  # the location line of a source entry
            location = _unmd(line.strip()).strip("<>")
            assert any(location in (a.path, a.url) for a in checker.brief.articles), where
            continue
        if m := re.fullmatch(r"\*\*(.+)\*\*", line):
            checker.template(m.group(1), where)
        elif m := re.fullmatch(r"_(.+)_", line):
            checker.template(_unmd(m.group(1)), where)
        elif m := re.fullmatch(r"> (.+)", line):
            checker.template(m.group(1), where)
        elif m := re.fullmatch(r"- Scope: (.+) · \d+ articles? outside it, in no theme", line):
            assert _unmd(m.group(1)) == checker.brief.scope, where
        elif m := re.fullmatch(r"- (Window|Coverage|Generated): .+", line):
            checker.template(line[2:], where)
        elif m := re.fullmatch(r"(\d+)\. (?:\\\[(\d+) · (.+?)\\\] )?\*\*(.+)\*\* — (.+), (.+?)\\?", line):
            article = checker.brief.articles[int(m.group(1)) - 1]
            if m.group(2):
                assert _unmd(m.group(3)) == source_label(article), where
            assert _norm(_unmd(m.group(4))) in checker.titles, where
            assert _norm(_unmd(m.group(5))) in checker.source_names, where
        elif m := re.fullmatch(r"\d+\. (.+)", line):
            # A bottom-line story: its lead, cited, then who reported it and since when.
            body, cites = _md_cites(_md_meta(m.group(1), where))
            checker.verbatim(_unmd(body), cites, where)
        elif line.startswith("  - "):
            body, cites = _md_cites(line[4:])
            checker.verbatim(_unmd(body), cites, where)
        elif m := re.fullmatch(r"- \*\*(.+?)\*\*(.*)", line):
            check_md_bold_item(m.group(1), m.group(2), checker, where)
        elif line.startswith("- "):
            body, cites = _md_cites(_md_meta(line[2:], where))
            if m := re.fullmatch(r"(.+) \(in “(.+)”\)", body):
                checker.headline(_unmd(m.group(2)), where)
                body = m.group(1)
            elif body.endswith(" (in Other developments)"):
                body = body.removesuffix(" (in Other developments)")
            if m := re.fullmatch(r"“(.+)” — (?:\*\*(.+?)\*\*(?:, (.+))?|_speaker not named_)", body):
                checker.verbatim(_unmd(m.group(1)), cites, where)
                if m.group(2):
                    assert _unmd(m.group(2)) in checker.entity_names, where
                if m.group(3):
                    checker.verbatim(_unmd(m.group(3)), cites, where)
            elif m := re.fullmatch(rf"\*\*({EVENT_DATE})\*\* (.+)", body):
                checker.verbatim(_unmd(m.group(2)), cites, where)
            elif m := re.fullmatch(r"\*\*New\*\* (.+)", body):
                checker.verbatim(_unmd(m.group(1)), cites, where)
            elif m := re.fullmatch(rf"(.+): \d+ points? on {DATE}, none today\.", body):
                assert _unmd(m.group(1)) in checker.theme_labels, where
            elif m := re.fullmatch(r"\*\*(ERROR|WARNING)\*\* (.+)", body):
                assert any(_norm(_unmd(m.group(2))) == _norm(f"{n.source}" + (f" · {n.target}" if n.target else "") + f": {n.reason}")
                           for n in checker.brief.notes), where
            else:
                checker.verbatim(_unmd(body), cites, where)
        elif line.startswith("| "):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if cells in (["Name", "Mentions", "Themes", "Src"], ["Passage", "Src", "Themes (score: matched terms)"],
                         ["Source", "Status", "New", "Time"]):
                continue
            if len(cells) == 4 and not cells[0].startswith("**"):
                source, status, new, duration = (_norm(_unmd(c).replace("**", "")) for c in cells)
                assert any(
                    [source, status, new, duration] == [_norm(row.source)] + _health_cells(row)[1:] for row in checker.brief.health
                ), f"{where}: {line!r}"
                continue
            if len(cells) == 4:
                m = re.fullmatch(r"\*\*(.+?)\*\*(?:, (.+))?", cells[0])
                assert m and _unmd(m.group(1)) in checker.entity_names, where
                _, cites = _md_cites(cells[3])
                if m.group(2):
                    checker.verbatim(_unmd(m.group(2)), cites, where)
                assert re.fullmatch(r"\d+", cells[1]), where
                checker.themes_list(_unmd(cells[2]), where)
            else:
                assert len(cells) == 3 and re.fullmatch(r"(?:\[\d+\])+", cells[1]), where
                assert any(p.id == _unmd(cells[0]) for p in checker.brief.passages), where
                for part in _unmd(cells[2]).split("; "):
                    assert part == "—" or any(part.startswith(label + " ") for label in checker.theme_labels), where
        else:
            raise AssertionError(f"{where}: a line of unknown shape: {line!r}")


def _md_meta(text: str, where: str) -> str:
    """The line without its trailing "_(reported by 2 sources · day 2, ...)_", checked."""
    m = re.search(r" _\((.+?)\)_$", text)
    if not m:
        return text
    assert re.fullmatch(META, m.group(1)), f"{where}: {m.group(1)!r}"
    return text[: m.start()]


def check_md_bold_item(bold: str, rest: str, checker: Checker, where: str) -> None:
    """A list item opening in bold: a timeline event, a change, a note, or a story of a theme."""
    label = _unmd(bold)
    body, cites = _md_cites(_md_meta(rest, where))
    body = _unmd(body).strip()
    if re.fullmatch(EVENT_DATE, label):
        if m := re.fullmatch(r"see “(.+)”", body):
            checker.headline(m.group(1), where)
        elif body == "see Other developments":
            pass
        else:
            checker.verbatim(body, cites, where)
    elif label == "New":
        checker.headline(body, where)
    elif re.fullmatch(r"Day \d+", label):
        headline, _, tail = body.rpartition(": ")
        checker.headline(headline, where)
        assert re.fullmatch(rf"first reported {DATE}", tail), f"{where}: {tail!r}"
    elif label == "Nothing new":
        headline, _, tail = body.rpartition(": ")
        checker.headline(headline, where)
        assert re.fullmatch(rf"last in the brief of {DATE}", tail), f"{where}: {tail!r}"
    elif label == "Gone quiet":
        name, _, tail = body.rpartition(": ")
        if name in checker.theme_labels:
            assert re.fullmatch(rf"\d+ points? on {DATE}, none today\.", tail), where
        else:
            checker.headline(name, where)
            assert re.fullmatch(rf"in the brief of {DATE}, nothing today\.", tail), where
    elif label in ("ERROR", "WARNING"):
        assert any(_norm(body) == _norm(f"{n.source}" + (f" · {n.target}" if n.target else "") + f": {n.reason}")
                   for n in checker.brief.notes), where
    else:
        # A story in a theme section: headline, then its lead or where the brief tells it.
        checker.headline(label, where)
        if body.startswith(": "):
            checker.verbatim(body[2:], cites, where)
        else:
            assert body == "" or re.fullmatch(r"\(bottom line \d+\)", body), f"{where}: {body!r}"


# -- The briefs checked -----------------------------------------------------------


def _build(project: Path, day: date = DAY) -> Brief:
    config = load_config(project / "sources.yaml")
    now = datetime(day.year, day.month, day.day, 7, 0, tzinfo=config.tz)
    return build_brief(config, day, out_dir=project / "out", formats=["json"], now=now).brief


def _check(brief: Brief, project: Path) -> Checker:
    config = load_config(project / "sources.yaml")
    checker = Checker(brief)
    check_html(render_html(brief, config), checker)
    check_markdown(render_markdown(brief, config), checker)
    return checker


def test_every_sentence_of_the_seeds_brief_is_verbatim_or_a_template(project: Path):
    brief = _build(project)
    checker = _check(brief, project)
    # Every section took part: points, quotes, events, entity roles, emerging topics, appendix.
    assert brief.quotes and brief.timeline and brief.entities and brief.emerging
    assert checker.checked > 150


@pytest.fixture
def labelled(project: Path) -> Path:
    """The seeds plus two days of dated articles from labelled sources (one of them state media,
    one story told by two wires), a file that cannot be read and a feed that cannot be reached."""
    config = (project / "sources.yaml").read_text(encoding="utf-8")
    config = config.replace(
        "sources:\n",
        "sources:\n"
        "  - {name: KCNA Watch, path: state/, type: state media, reliability: D}\n"
        "  - {name: Wire, path: wire/, type: wire, reliability: B}\n"
        "  - {name: Second wire, path: wire2/, type: wire, reliability: C}\n"
        "  - {name: Dead feed, url: 'http://127.0.0.1:9/feed.xml'}\n",
        1,
    ) + "feeds:\n  retries: 0\n  connect_timeout: 1\n"
    (project / "sources.yaml").write_text(config, encoding="utf-8")
    # A file that cannot be read: a source note.
    (project / "state").mkdir()
    (project / "state/broken.txt").write_bytes(b"\xff\xfe not UTF-8")
    write(project / "state/a.md", """\
        ---
        title: Respected leader guides artillery drill
        date: 2024-01-16T09:00:00
        ---
        Kim Jong-un guided a live-fire artillery drill near the western border on Sunday, KCNA said.

        "Our army will answer any provocation with overwhelming force," Kim said.
        """)
    write(project / "wire/b.md", """\
        ---
        title: North Korea fires cruise missiles
        date: 2024-01-17T06:30:00
        ---
        North Korea fired several cruise missiles into the Yellow Sea on Wednesday, South Korea's military said.

        South Korean Defence Minister Shin Won-sik said the launches were "a clear violation of UN Security Council resolutions."
        """)
    # The same report from a second outlet: one story, "reported by 2 sources".
    write(project / "wire2/b.md", (project / "wire/b.md").read_text(encoding="utf-8").replace(
        "title: North Korea fires cruise missiles", "title: Cruise missiles fired into Yellow Sea"))
    return project


def test_every_sentence_is_verbatim_or_a_template_with_labels_and_a_previous_brief(labelled: Path):
    first = _build(labelled, date(2024, 1, 16))
    assert first.changes is not None and first.changes.first
    _check(first, labelled)
    brief = _build(labelled, DAY)
    assert brief.changes is not None and brief.changes.previous_date == date(2024, 1, 16)
    checker = _check(brief, labelled)
    assert checker.checked > 150
    # Every kind of block the program writes about sources was read back too.
    assert brief.notes and brief.health and any(s.reported_by > 1 for s in brief.stories)
    config = load_config(labelled / "sources.yaml")
    page = render_html(brief, config)
    assert "· wire · B]" in page and 'title="Wire · wire · B"' in page
    assert "reported by 2 sources" in page and "_(reported by 2 sources)_" in render_markdown(brief, config)


# -- No near-duplicates -------------------------------------------------------------


def _near_duplicates(texts: list[str]) -> list[tuple[str, str]]:
    """Pairs that say the same thing: most of the same words, or mostly the same characters."""
    pairs = []
    for a, b in combinations(texts, 2):
        wa, wb = set(re.findall(r"\w+", a.casefold())), set(re.findall(r"\w+", b.casefold()))
        jaccard = len(wa & wb) / max(len(wa | wb), 1)
        ratio = difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()
        if jaccard >= 0.6 or ratio >= 0.75 or a in b or b in a:
            pairs.append((a, b))
    return pairs


def test_no_two_summary_points_of_a_theme_are_near_duplicates(labelled: Path):
    for day in (date(2024, 1, 16), DAY):
        brief = _build(labelled, day)
        groups = [[p.text for p in t.summary] for t in brief.themes]
        groups += [[p.text for p in brief.bottom_line]] + [[p.text for p in t.points] for t in brief.emerging]
        for texts in groups:
            assert len(texts) == len(set(texts))
            assert not _near_duplicates(texts)


def test_near_duplicate_detector_catches_a_reworded_point():
    assert _near_duplicates([
        "North Korea fired a ballistic missile into the sea on Sunday.",
        "On Sunday, North Korea fired a ballistic missile into the sea.",
    ])


def test_event_date_labels_match_the_checker(project: Path):
    brief = _build(project)
    assert brief.timeline
    for event in brief.timeline:
        assert re.fullmatch(EVENT_DATE, eventdate(event)), eventdate(event)


def test_the_checker_rejects_words_no_source_wrote(project: Path):
    import dataclasses

    brief = _build(project)
    config = load_config(project / "sources.yaml")
    stories = brief.themes[0].stories
    n, entry = next((n, e) for n, e in enumerate(stories) if e.points)
    forged = dataclasses.replace(entry.points[0], text="Officials say " + entry.points[0].text)
    stories[n] = dataclasses.replace(entry, points=(forged, *entry.points[1:]))
    with pytest.raises(AssertionError, match="not verbatim"):
        check_html(render_html(brief, config), Checker(brief))
    with pytest.raises(AssertionError, match="not verbatim"):
        check_markdown(render_markdown(brief, config), Checker(brief))
    brief = _build(project)
    brief.quotes[0] = dataclasses.replace(brief.quotes[0], speaker="Someone Else")
    with pytest.raises(AssertionError):
        check_html(render_html(brief, config), Checker(brief))
    with pytest.raises(AssertionError):
        check_markdown(render_markdown(brief, config), Checker(brief))


def test_the_checker_rejects_prose_a_template_adds(project: Path):
    override = project / "tpl"
    override.mkdir()
    from briefgen.render.html import default_templates_dir

    shipped = (default_templates_dir() / "sections.html").read_text(encoding="utf-8")
    (override / "sections.html").write_text(
        shipped.replace('<h2>Timeline</h2>', '<h2>Timeline</h2>\n  <p class="meta">Tensions are clearly escalating.</p>'),
        encoding="utf-8",
    )
    config_text = (project / "sources.yaml").read_text(encoding="utf-8")
    (project / "sources.yaml").write_text(config_text.replace("output:\n", "output:\n  templates: tpl\n"), encoding="utf-8")
    brief = _build(project)
    with pytest.raises(AssertionError, match="not a template sentence"):
        check_html(render_html(brief, load_config(project / "sources.yaml")), Checker(brief))


CORPUS = Path(__file__).parent / "data" / "corpus" / "real-feeds"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the feed corpus (tests/data/corpus/real-feeds) is not in this checkout")
def test_every_sentence_of_a_brief_from_the_feed_corpus_is_verbatim_or_a_template(tmp_path: Path):
    """Real publishers' feeds: their quotation marks, names and dates are messier than the seeds'."""
    import hashlib

    import feedparser

    from briefgen.analyse import analyse
    from briefgen.ingest.clean import clean_lines, split_lines
    from briefgen.models import Article, Window

    articles: dict[str, Article] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.name.startswith(("LICENSE", "README")):
            continue
        feed = feedparser.parse(path.read_bytes())
        for entry in feed.entries[:10]:
            html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
            try:
                text = lxml.html.fromstring(html).text_content() if html.strip() else ""
            except (ValueError, lxml.etree.ParserError):
                continue
            paragraphs = clean_lines(split_lines(text))
            if paragraphs:
                key = f"{path.name}{entry.get('id') or entry.get('link')}{entry.get('title')}"
                aid = "a" + hashlib.sha1(key.encode()).hexdigest()[:11]
                articles[aid] = Article(aid, feed.feed.get("title") or path.name, entry.get("title") or "(untitled)",
                                        "\n\n".join(paragraphs))
    assert len(articles) > 100
    project = write(tmp_path / "sources.yaml", (DEFAULT_CONFIG_TEXT))
    config = load_config(project)
    result = analyse(list(articles.values()), config)
    brief = Brief(DAY, config.title, config.timezone, datetime(2024, 1, 17, 7, tzinfo=config.tz),
                  Window("all", None, datetime(2024, 1, 18, tzinfo=config.tz)), list(articles.values()),
                  result.bottom_line, result.themes, result.other, [], result.passages, quotes=result.quotes,
                  entities=result.entities, timeline=result.timeline, changes=result.changes, emerging=result.emerging)
    checker = Checker(brief)
    check_html(render_html(brief, config), checker)
    check_markdown(render_markdown(brief, config), checker)
    assert brief.quotes and brief.timeline and checker.checked > 300
