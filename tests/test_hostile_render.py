"""Rendering strangers' text: the PDF engine reads no file and asks no server, scripts never
run in the HTML brief, a user's template cannot be turned by content, and a PDF that takes
too long is stopped while the rest of the brief ships. Each trap is shown to work first."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from briefgen.render import default_templates_dir, printer
from briefgen.render.pdf import print_pdf

from .browser import Browser, open_browser
from .feedserver import FeedServer, Route
from .hostile import (
    DAY,
    PASSWD,
    PASSWD_MARK,
    SECRET_MARK,
    SEEN_MARKS,
    generate,
    hostile_files,
    hostile_json_feed,
    hostile_rss,
    markup,
    outputs,
    pdf_text,
    secret_file,
    write_config,
)

weasyprint = pytest.importorskip("weasyprint")
pytest.importorskip("pypdf")


@pytest.fixture
def canary() -> Iterator[FeedServer]:
    """A loopback server that records every request it gets, whatever the path."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    if PASSWD_MARK not in PASSWD.read_text(encoding="utf-8", errors="replace"):
        pytest.skip("/etc/passwd has no root entry to look for")
    return secret_file(tmp_path)


def page(canary: str, secret: Path) -> str:
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{markup(canary, secret, SEEN_MARKS[0])}</body></html>"


def test_the_pdf_engine_reads_and_fetches_unless_briefgen_stops_it(canary, secret, caplog):
    html = page(canary.base, secret)
    # The trap works: WeasyPrint's own fetcher reads the file and calls the canary.
    loose = pdf_text(weasyprint.HTML(string=html, base_url=None).write_pdf())
    assert SECRET_MARK in loose and canary.hits
    canary.hits.clear()
    # briefgen's fetcher, in this process and in the printer's own, reads and asks nothing.
    assert SECRET_MARK not in pdf_text(print_pdf(html, "t", DAY))
    worker = printer.start(["pdf"], timeout=120)
    assert worker is not None
    with caplog.at_level(logging.WARNING, logger="briefgen.render.pdf"):
        worker.send(html, "t", DAY)
        text = pdf_text(worker.result())
    assert SECRET_MARK not in text and SEEN_MARKS[0] in text
    assert canary.hits == []
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert f"refused to fetch {canary.base}/link.css" in refused and secret.as_uri() in refused


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from open_browser()


def _wait_for(condition, seconds: float = 10.0) -> bool:
    ends = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > ends:
            return False
        time.sleep(0.05)
    return True


def test_no_script_runs_in_the_html_brief(tmp_path, canary, secret, browser):
    # The trap works: the same markup in a page of its own runs its scripts and calls the canary.
    raw = tmp_path / "raw.html"
    raw.write_text(page(canary.base, secret), encoding="utf-8")
    browser.open(raw, 1000)
    assert browser.js("return window.__pwned") is not None
    assert _wait_for(lambda: any(h.path == "/script.png" for h in canary.hits))
    canary.hits.clear()
    with FeedServer() as feeds:
        feeds.routes["/rss"] = Route(hostile_rss(canary.base, secret, SEEN_MARKS[0]))
        feeds.routes["/json"] = Route(hostile_json_feed(canary.base, secret, SEEN_MARKS[1]),
                                      headers={"Content-Type": "application/feed+json"})
        hostile_files(tmp_path / "articles", canary.base, secret, SEEN_MARKS[2:])
        config = write_config(tmp_path, [
            {"name": "Evil RSS", "url": feeds.url("/rss")},
            {"name": "Evil JSON", "url": feeds.url("/json")},
            {"name": "Evil files", "path": "articles"},
        ], output={"formats": ["html", "json"]})
        assert generate(config) == 0
    brief = tmp_path / "out" / DAY / f"brief-{DAY}.html"
    check = browser.open(brief, 1000)
    text = browser.js("return document.body.innerText")
    assert all(mark in text for mark in SEEN_MARKS)
    # Every handler an attacker hoped for, given the chance to fire.
    browser.js("document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))")
    assert browser.js("return window.__pwned === undefined")
    assert check.console_errors == []
    assert not [r for r in check.requests if r.startswith("http")]
    time.sleep(0.2)
    assert canary.hits == []


def test_content_cannot_turn_a_user_template(tmp_path, canary, secret):
    """A user's templates that put content in CSS, in an attribute and into an include
    name: the content stays text, and an include finds only the templates' own files."""
    shipped = default_templates_dir()
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    (templates / "brief.css").write_text(
        (shipped / "brief.css").read_text(encoding="utf-8")
        # The archive page includes the stylesheet too, without a brief.
        + "\n/* newest: {% if brief is defined %}{% for a in brief.articles %}{{ a.title }} {% endfor %}{% endif %} */\n",
        encoding="utf-8")
    (templates / "base.html").write_text(
        (shipped / "base.html").read_text(encoding="utf-8").replace(
            "</head>",
            '<meta name="x-titles" content="{% for a in brief.articles %}{{ a.title }} {% endfor %}"></head>',
        ).replace(
            "</body>", "{% for a in brief.articles %}{% include a.title ignore missing %}{% endfor %}</body>"
        ),
        encoding="utf-8",
    )
    (templates / "included.txt").write_text("INCLUDED-FROM-THE-TEMPLATES", encoding="utf-8")
    breakout = f'</style><script>window.__pwned = 1</script><img src="{canary.base}/css.png"> "><script>x()</script>'
    titles = [breakout, "included.txt", "../secret.css", secret.as_posix(), "../../../../../../etc/passwd"]
    # A JSON Feed title is plain text, so markup in it reaches the templates as it is.
    items = [{"id": str(n), "title": title, "content_text": "A missile launch.", "date_published": "2024-01-17T01:00:00Z"}
             for n, title in enumerate(titles)]
    feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "evil", "items": items}).encode()
    with FeedServer() as feeds:
        feeds.routes["/feed.json"] = Route(feed, headers={"Content-Type": "application/feed+json"})
        config = write_config(tmp_path, [{"name": "Evil", "url": feeds.url("/feed.json")}],
                              output={"templates": "mytemplates"})
        assert generate(config) == 0
    written = outputs(tmp_path / "out" / DAY)
    html = written["html"]
    # The trap works: an include of a name the templates hold does include it.
    assert "INCLUDED-FROM-THE-TEMPLATES" in html
    assert SECRET_MARK not in html and PASSWD_MARK not in html
    tree = lxml.html.document_fromstring(html.encode("utf-8"))
    assert not tree.xpath("//script|//img") and len(tree.xpath("//style")) == 1
    assert "newest:" in tree.xpath("//style")[0].text and "&lt;/style&gt;" in tree.xpath("//style")[0].text
    assert canary.hits == []
    assert SECRET_MARK not in written["pdf"] and PASSWD_MARK not in written["pdf"]


def slow_brief(tmp_path: Path, **output: object) -> Path:
    """A brief with much to lay out: 40 long articles."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(40):
        body = "\n\n".join(f"The missile launch number {n} was reported by officials in paragraph {p}. " * 8
                           for p in range(30))
        (folder / f"a{n:02}.md").write_text(f"---\ntitle: Launch {n}\ndate: {DAY}\n---\n{body}\n", encoding="utf-8")
    return write_config(tmp_path, [{"name": "Wire", "path": "articles"}], output=output)


def _children() -> set[int]:
    """This process's child processes (a printer, forked or started, would be one)."""
    return {int(pid) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
            for pid in (task / "children").read_text().split()}


def _check_no_pdf_but_the_rest(folder: Path) -> None:
    written = outputs(folder)
    assert set(written) == {"html", "json", "md"}
    note = next(n for n in json.loads(written["json"])["notes"] if n["source"] == "PDF")
    assert note["level"] == "warning" and note["target"] == f"brief-{DAY}.pdf"
    assert note["reason"].startswith("not made: the PDF took longer than") and "output.render_timeout" in note["reason"]
    assert "output.render_timeout" in written["html"] and "output.render_timeout" in written["md"]


def test_a_pdf_past_the_time_limit_is_stopped_and_the_rest_ships(tmp_path):
    """With WeasyPrint loaded in this process (as in a scheduler), a limit still applies."""
    assert "weasyprint" in sys.modules
    config = slow_brief(tmp_path, render_timeout=0.01)
    folder = tmp_path / "out" / DAY
    folder.mkdir(parents=True)
    (folder / f"brief-{DAY}.pdf").write_bytes(b"%PDF- an earlier run's")
    before = _children()
    assert generate(config) == 5
    _check_no_pdf_but_the_rest(folder)
    assert _children() <= before
    # The trap works: the same brief within the default limit has its PDF.
    config.write_text(config.read_text(encoding="utf-8").replace("render_timeout: 0.01", "render_timeout: 120"),
                      encoding="utf-8")
    assert generate(config) == 0
    assert "Launch 39" in outputs(folder)["pdf"]


def test_the_time_limit_from_the_command_line(tmp_path):
    """`briefgen generate` in a fresh process, where the PDF is printed by its own worker."""
    config = slow_brief(tmp_path, render_timeout=0.01)
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "generate", "--config", str(config), "--date", DAY],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 5, proc.stderr
    assert "no PDF: the PDF took longer than 0.01 s to print" in proc.stderr
    assert "the other formats were written" in proc.stderr
    _check_no_pdf_but_the_rest(tmp_path / "out" / DAY)


@pytest.mark.parametrize("how", ["forked", "started"])
def test_a_printer_past_its_limit_is_killed(how):
    """Forked from this process (WeasyPrint loaded, no other thread) or started afresh."""
    before = _children()
    worker = printer.start(["pdf"], timeout=0.01) if how == "forked" else printer._spawn(0.01)  # noqa: SLF001
    assert type(worker) is (printer.ForkedPrinter if how == "forked" else printer.Printer)
    worker.send("<p>" + "slow " * 100_000 + "</p>", "t", DAY)
    assert _children() - before  # the printer runs
    with pytest.raises(printer.PrintTimeout, match=r"longer than 0\.01 s"):
        worker.result()
    assert _children() <= before  # and is gone


def test_a_forked_printer_prints_and_relays_its_warnings(caplog):
    worker = printer.start(["pdf"], timeout=120)
    assert type(worker) is printer.ForkedPrinter
    with caplog.at_level(logging.WARNING, logger="briefgen.render.pdf"):
        worker.send('<p>Quixotica</p><img src="file:///etc/passwd">', "t", DAY)
        assert "Quixotica" in pdf_text(worker.result())
    assert any("refused to fetch file:///etc/passwd" in r.getMessage() for r in caplog.records)
