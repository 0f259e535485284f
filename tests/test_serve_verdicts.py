"""Feedback from the brief's own page (`briefgen serve --feedback`), over HTTP: the controls
beside each theme's stories and points, each verdict kind posted as the page's own forms
post it, the way back to the same place with a notice, the CSRF guard, the read-only page,
and the next brief following a verdict given there."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from briefgen.cli import main

from .archive_fixture import DAY1, ArchiveWorld, make_archive
from .serveapp import ROOT, serving

NOTICE = "Recorded: 1 verdict kept; the next brief applies it."


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> ArchiveWorld:
    return make_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def reader(world: ArchiveWorld) -> Iterator[httpx.Client]:
    """The archive read-only, as `briefgen serve` starts by default."""
    with serving(world.config, world.out) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def writable(world: ArchiveWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    """The archive with --feedback, on a copy of it: its verdicts stay out of the read-only one."""
    out = tmp_path_factory.mktemp("copy") / "out"
    shutil.copytree(world.out, out, symlinks=True)
    with serving(world.config, out, "--feedback") as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client, out


def brief_file(out: Path, day: object = DAY1) -> str:
    return (out / str(day) / f"brief-{day}.html").read_text(encoding="utf-8")


def brief_json(out: Path, day: object = DAY1) -> dict:
    return json.loads((out / str(day) / f"brief-{day}.json").read_text(encoding="utf-8"))


def missile_story(out: Path) -> str:
    return str(brief_json(out)["themes"][0]["stories"][0]["story"])


def controls(page: str, anchor: str) -> str:
    """The verdict controls with this id, as the page holds them."""
    found = re.search(rf'<div class="verdicts[^"]*" id="{re.escape(anchor)}">(.*?)</div>', page, re.S)
    assert found, f"no controls #{anchor} on the page"
    return found.group(1)


def forms(page: str, anchor: str) -> list[dict[str, str]]:
    """What each form of the controls #anchor sends when its button is pressed (a select's
    first option chosen), the way a browser without JavaScript sends it."""
    sent = []
    for body in re.findall(r"<form [^>]*>(.*?)</form>", controls(page, anchor), re.S):
        fields = {n: html.unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body)}
        for name, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', body, re.S):
            fields[name] = html.unescape(re.findall(r'<option value="([^"]*)">', options)[0])
        button = re.search(r'<button type="submit" name="([^"]+)" value="([^"]+)"', body)
        if button:
            fields[button.group(1)] = button.group(2)
        sent.append(fields)
    return sent


def without_controls(page: str) -> str:
    """The page minus what the archive adds: its navigation (and styles) and the controls."""
    page = re.sub(r'<div class="verdicts[^"]*" id="[^"]*">.*?</div>', "", page, flags=re.S)
    start = page.index("<body")
    body = page.index(">", start) + 1
    return page[:body] + page[page.index("</nav>", body) + len("</nav>\n"):].removeprefix(_styles(page[body:]))


def _styles(rest: str) -> str:
    after_nav = rest[rest.index("</nav>") + len("</nav>\n"):]
    found = re.match(r"\s*<style>.*?</style>\n?", after_nav, re.S)
    return found.group(0) if found else ""


def kept(out: Path, config: Path) -> str:
    """`briefgen feedback --list` on the archive's store."""
    run = subprocess.run([sys.executable, "-m", "briefgen", "feedback", "--list", "--config", str(config), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_read_only_the_brief_page_is_the_file_as_generated(reader, world):
    page = reader.get(f"/briefs/{DAY1}").text
    written = brief_file(world.out)
    # Only the archive's navigation is added, right after <body>: not a byte of the brief changes.
    body = written.index(">", written.index("<body")) + 1
    nav = page[body:body + len(page) - len(written)]
    assert page == written[:body] + nav + written[body:]
    assert 'class="serve-nav"' in nav and "<form" in nav and 'action="/search"' in nav
    assert 'class="verdicts' not in page and 'name="csrf"' not in page and 'action="/feedback"' not in page


def test_controls_beside_each_theme_story_and_point(writable, world):
    web, out = writable
    page = web.get(f"/briefs/{DAY1}").text
    data = brief_json(out)
    csrf = web.get(f"/briefs/{DAY1}/feedback?format=json").json()["csrf"]
    labels = {t["key"]: t["label"] for t in data["themes"]}
    stories = {s["id"]: s for s in data["stories"]}
    placed = 0
    for theme in data["themes"]:
        for entry in theme["stories"]:
            story = stories[entry["story"]]
            not_it, other = forms(page, f"verdicts-{theme['key']}-{story['id']}")
            assert not_it == {"csrf": csrf, "date": str(DAY1), "passages": " ".join(story["lead_passage_ids"]),
                              "theme": theme["key"], "back": "brief",
                              "anchor": f"verdicts-{theme['key']}-{story['id']}", "verdict": "not"}
            assert other["verdict"] == "is" and other["theme"] != theme["key"]
            options = re.findall(r'<option value="([^"]+)">', controls(page, f"verdicts-{theme['key']}-{story['id']}"))
            assert options == [k for k in labels if k != theme["key"]]  # the brief's other themes
            for point in entry["points"]:
                anchor = f"verdicts-{theme['key']}-{point['passage_id']}"
                assert f">Not {labels[theme['key']]}</button>" in controls(page, anchor)
                assert forms(page, anchor)[0]["passage"] == point["passage_id"]
                placed += 1
    assert placed >= 3
    # The controls sit in the theme's story, after its points' text: the passage's own item.
    missiles = page[page.index('id="theme-missiles"'):page.index('id="theme-drills"')]
    point = data["themes"][0]["stories"][0]["points"][0]
    item = re.search(r"<li>The missile flew about 750.*?</li>", missiles, re.S)
    assert item and f'id="verdicts-missiles-{point["passage_id"]}"' in item.group(0)
    # Apart from the controls and the navigation, the page is the brief as written, escaped text and all.
    assert without_controls(page) == brief_file(out)
    assert "&amp;lt;script&amp;gt;" in page and "<script" not in page.lower()
    # Hidden from print, in the brief's own stylesheet's terms.
    assert "@media print { .verdicts, .verdict-notice { display: none !important; } }" in page
    # Serving never touches the files: the brief on disk has no control.
    assert 'class="verdicts' not in brief_file(out) and "csrf" not in brief_file(out)


def test_not_on_a_passage_comes_back_to_it_with_a_notice(writable, world):
    web, out = writable
    page = web.get(f"/briefs/{DAY1}").text
    point = brief_json(out)["themes"][0]["stories"][0]["points"][0]
    anchor = f"verdicts-missiles-{point['passage_id']}"
    not_it, _ = forms(page, anchor)
    done = web.post("/feedback", data=not_it)
    assert done.status_code == 303
    assert done.headers["location"] == f"/briefs/{DAY1}?recorded=1&at={anchor}#{anchor}"
    back = web.get(done.headers["location"].partition("#")[0]).text
    assert NOTICE in controls(back, anchor)
    assert back.count("verdict-notice\" role=\"status\"") == 1  # there, and nowhere else
    listed = kept(out, world.config)
    row = next(line for line in listed.splitlines() if point["passage_id"] in line)
    assert "missiles" in row and " not " in row and " yes " in row
    verdicts = web.get(f"/briefs/{DAY1}/feedback?format=json").json()["verdicts"]
    assert {"theme": "missiles", "verdict": "not", "passage_id": point["passage_id"]}.items() <= verdicts[-1].items()


def test_belongs_to_on_a_story_keeps_its_lead_passages(writable, world):
    web, out = writable
    page = web.get(f"/briefs/{DAY1}").text
    story = next(s for s in brief_json(out)["stories"] if s["themes"] == ["russia"])
    anchor = f"verdicts-russia-{story['id']}"
    _, belongs = forms(page, anchor)
    assert belongs["theme"] == "missiles" and belongs["verdict"] == "is"
    answer = web.post("/feedback", data=belongs, headers={"Accept": "application/json"})
    assert answer.status_code == 201
    assert [(r["passage_id"], r["theme"], r["verdict"]) for r in answer.json()["recorded"]] == \
        [(pid, "missiles", "is") for pid in story["lead_passage_ids"]]
    # The same form from a browser: back to the story's controls, the notice there.
    again = web.post("/feedback", data={**belongs, "theme": "drills"})
    assert again.headers["location"] == f"/briefs/{DAY1}?recorded=1&at={anchor}#{anchor}"
    assert NOTICE in controls(web.get(again.headers["location"]).text, anchor)
    rows = [line.split()[2:5] for line in kept(out, world.config).splitlines()]
    assert ["missiles", "is", story["lead_passage_ids"][0]] in rows
    assert ["drills", "is", story["lead_passage_ids"][0]] in rows


def test_a_verdict_without_the_page_token_is_refused_and_nothing_kept(writable, world):
    web, out = writable
    page = web.get(f"/briefs/{DAY1}").text
    not_it, _ = forms(page, f"verdicts-missiles-{missile_story(out)}")
    before = kept(out, world.config)
    without = {k: v for k, v in not_it.items() if k != "csrf"}
    assert web.post("/feedback", data=without).status_code == 403
    assert web.post("/feedback", data={**not_it, "csrf": "0" * 40}).status_code == 403
    refused = web.post("/feedback", data=not_it, headers={"Origin": "https://attacker.example"})
    assert refused.status_code == 403 and "feedback refused" in refused.text
    assert kept(out, world.config) == before


def test_the_way_back_is_made_here_not_taken_from_the_form(writable):
    web, out = writable
    page = web.get(f"/briefs/{DAY1}").text
    not_it, _ = forms(page, f"verdicts-missiles-{missile_story(out)}")
    assert web.post("/feedback", data={**not_it, "back": "https://attacker.example/"}).status_code == 400
    odd = web.post("/feedback", data={**not_it, "anchor": '"><script>alert(1)</script>'})
    assert odd.status_code == 303 and odd.headers["location"] == f"/briefs/{DAY1}?recorded=1"
    # A notice whose place is not on the page shows under the navigation.
    top = web.get(f"/briefs/{DAY1}?recorded=1&at=verdicts-nowhere").text
    assert top.count(NOTICE) == 1 and top.index(NOTICE) < top.index('id="bottom-line"')
    assert "verdicts-nowhere" not in top
    # The feedback page's forms, which name no way back, return to the feedback page.
    form = {k: v for k, v in not_it.items() if k not in ("back", "anchor")}
    assert web.post("/feedback", data=form).headers["location"] == f"/briefs/{DAY1}/feedback?recorded=1"


def test_the_next_brief_follows_a_verdict_given_on_the_brief_page(project: Path):
    day = "2024-01-17"
    config, out = project / "sources.yaml", project / "out"

    def generate() -> dict:
        assert main(["generate", "-q", "--config", str(config), "--date", day, "--out", str(out),
                     "--format", "json,html"]) == 0
        return json.loads((out / day / f"brief-{day}.json").read_text(encoding="utf-8"))

    brief = generate()
    drills = next(t for t in brief["themes"] if t["key"] == "drills")
    # (A point the rules put in drills alone: the verdicts below move it to missiles.)
    point = next(p for e in drills["stories"] for p in e["points"] if p["themes"] == ["drills"])
    artillery = point["passage_id"]
    with serving(config, out, "--feedback") as base, httpx.Client(base_url=base, timeout=10) as web:
        page = web.get(f"/briefs/{day}").text
        not_it, belongs = forms(page, f"verdicts-drills-{artillery}")
        assert web.post("/feedback", data=not_it).status_code == 303
        assert web.post("/feedback", data={**belongs, "theme": "missiles"}).status_code == 303
    passage = next(p for t in generate()["themes"] for p in t["passages"] if p["id"] == artillery)
    assert passage["themes"] == ["missiles"]
    assert passage["matched"] == ["feedback: is (exact, #2)"]
    [refused] = passage["overruled"]
    assert refused["theme"] == "drills" and refused["matched"][-1] == "feedback: not (exact, #1)"
