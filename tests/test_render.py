"""Render stage: HTML escaping, PDF content, no fetching, template overrides, Markdown."""

from __future__ import annotations

import http.server
import io
import json
import logging
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from briefgen.config import parse_config
from briefgen.errors import ConfigError, RenderError
from briefgen.models import (
    Article,
    Brief,
    BriefRecord,
    Passage,
    SourceNote,
    Story,
    SummaryPoint,
    ThemeCount,
    ThemeMatch,
    ThemeSection,
    ThemeStory,
    Window,
)
from briefgen.render import render
from briefgen.render.html import default_templates_dir, render_html
from briefgen.render.markdown import md, render_markdown

pypdf = pytest.importorskip("pypdf")

SEOUL = ZoneInfo("Asia/Seoul")
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel=stylesheet href="http://127.0.0.1:9/x.css">'


def make_brief() -> Brief:
    """A small brief with hostile text in every field an article controls."""
    articles = [
        Article(
            id="a1",
            source="Yonhap",
            title="김정은 visits 평양 factory",
            text="...",
            url="https://example.org/news/2024/01/17/a-very-long-path-that-has-to-wrap-somewhere-because-it-never-ends-0123456789abcdef",
            published=datetime(2024, 1, 17, 9, 30, tzinfo=SEOUL),
        ),
        Article(
            id="a2",
            source=f"Evil {SCRIPT}",
            title=f"Headline {IMG}",
            text="...",
            url="javascript:alert(1)",
            first_seen=datetime(2024, 1, 17, 1, 0, tzinfo=ZoneInfo("UTC")),
        ),
        Article(
            id="a3",
            source="Local files",
            title=f"Seed {LINK}",
            text="...",
            path="seeds/background.txt",
        ),
    ]
    passages = [
        Passage("a1:0:0", "a1", "North Korea fired a ballistic missile toward the East Sea.", 0, 0,
                [ThemeMatch("missiles", 4.5, ("missile", "ballistic"))]),
        Passage("a2:0:0", "a2", f"Officials said {SCRIPT} and {IMG} were seen.", 0, 0,
                [ThemeMatch("missiles", 2.1, ("launch*",)), ThemeMatch("economy", 2.0, ("factory",))]),
        Passage("a3:0:0", "a3", f"# Not a heading {LINK}", 0, 0, []),
    ]
    second = SummaryPoint(passages[1].text, ("a2", "a1"), "a2:0:0", 2.1, ("missiles",), "s-a2")
    stories = [
        Story("s-a1", ("a1",), ("Yonhap",), articles[0].title, ("a1:0:0",), passages[0].text, "a1",
              themes=("missiles",), rank=1),
        Story("s-a2", ("a2",), (articles[1].source,), articles[1].title, ("a2:0:0",), passages[1].text, "a2",
              themes=("missiles",), rank=2),
    ]
    # The first story is in the bottom line: its theme section names it; the second is told there.
    missiles = ThemeSection(
        "missiles", "Missile launches", [second], passages[:2],
        stories=[ThemeStory("s-a1", 1, None), ThemeStory("s-a2", None, second)],
    )
    quiet = ThemeSection("diplomacy", "Diplomacy", [], [])
    return Brief(
        date=date(2024, 1, 17),
        title="Korea Daily Brief",
        timezone="Asia/Seoul",
        generated_at=datetime(2024, 1, 17, 7, 0, tzinfo=SEOUL),
        window=Window("24h", datetime(2024, 1, 16, 0, 0, tzinfo=SEOUL), datetime(2024, 1, 17, 0, 0, tzinfo=SEOUL)),
        articles=articles,
        bottom_line=[SummaryPoint(passages[0].text, ("a1",), "a1:0:0", 4.5, ("missiles",), "s-a1")],
        themes=[missiles, quiet],
        other=[passages[2]],
        notes=[SourceNote("Broken feed", "https://feeds.example.org/rss", f"HTTP 500 {SCRIPT}")],
        passages=passages,
        stories=stories,
    )


def make_config(tmp_path: Path, templates: str | None = None, **output: object):
    data = {
        "title": "Korea Daily Brief",
        "timezone": "Asia/Seoul",
        "sources": [{"name": "Yonhap", "path": "in"}],
        "themes": [{"key": "missiles", "label": "Missile launches", "terms": ["missile"]}],
    }
    if templates:
        output["templates"] = templates
    if output:
        data["output"] = output
    return parse_config(data, base_dir=tmp_path)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def brief() -> Brief:
    return make_brief()


@pytest.fixture
def config(tmp_path: Path):
    return make_config(tmp_path)


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b"body { background: red }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


# -- HTML ---------------------------------------------------------------------


def test_html_escapes_untrusted_text(brief, config):
    page = render_html(brief, config)
    for hostile in (SCRIPT, IMG, LINK):
        assert hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in page
    assert "<script" not in page and "<img" not in page and "<link" not in page


def test_html_links_only_http_urls(brief, config):
    page = render_html(brief, config)
    assert 'href="https://example.org/news/2024/01/17/' in page
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page  # shown, as text
    assert "seeds/background.txt" in page


def test_html_sections_and_citations(brief, config):
    page = render_html(brief, config)
    assert "Wednesday 17 January 2024" in page
    assert "24h · 16 Jan 2024 00:00 – 17 Jan 2024 00:00 KST" in page
    assert "3 sources · 3 articles · 3 passages" in page
    assert "17 Jan 2024 07:00 KST" in page
    for heading in ("Bottom line", "Missile launches", "Diplomacy", "Other developments",
                    "Source notes", "Sources", "Appendix: theme assignments"):
        assert f"<h2>{heading}</h2>" in page
    assert "No reporting in this window." in page
    assert '<a class="cite" href="#src-1">[1]</a><wbr><a class="cite" href="#src-2">[2]</a>' in page
    for n in (1, 2, 3):
        assert f'id="src-{n}"' in page
    # Every source has a date, or says why it has none.
    assert '<span class="src-date">17 Jan 2024</span>' in page
    assert '<span class="src-date undated">date unknown: the feed gives none (first seen 17 Jan 2024)</span>' in page
    assert '<span class="src-date undated">date unknown: the file gives none</span>' in page
    assert "missile, ballistic" in page
    # A theme missing from the brief's sections shows under its key.
    assert '<span class="theme-name">economy</span> 2.0: factory' in page
    assert "<style>" in page and "@page" in page
    assert 'name="viewport"' in page and "prefers-color-scheme: dark" in page


def test_window_all_dates(brief, config):
    brief.window = Window("all", None, datetime(2024, 1, 17, tzinfo=SEOUL))
    assert "all dates" in render_html(brief, config)


def test_html_is_deterministic(brief, config):
    assert render_html(brief, config) == render_html(make_brief(), config)


# -- PDF ----------------------------------------------------------------------


def test_pdf_content(brief, config):
    out = render(brief, config, ["pdf"])
    data = out["pdf"]
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    # Headings may be set in capitals by the stylesheet; compare without case.
    for heading in ("Bottom line", "Missile launches", "Diplomacy", "Sources"):
        assert heading.casefold() in text.casefold()
    assert "[1]" in text and "[2]" in text
    assert "Page 1 of" in text
    assert "김정은" in text and "평양" in text
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Korea Daily Brief"
    assert reader.metadata["/CreationDate"].startswith("D:20240117")
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_pdf_fetches_nothing(tmp_path, brief, server, caplog):
    """A template that asks for a local file and a loopback URL gets neither."""
    url, hits = server
    override = tmp_path / "mytemplates"
    override.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    (override / "base.html").write_text(
        (default_templates_dir() / "base.html").read_text(encoding="utf-8").replace(
            "</head>",
            f'<link rel="stylesheet" href="{url}/x.css">'
            f'<style>@import url("{url}/imported.css"); body {{ background: url("{url}/bg.png") }}</style>'
            "</head>",
        ).replace(
            "<main",
            f'<img src="{secret.as_uri()}"><img src="{url}/pixel.png">'
            '<img alt="inline" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="><main',
        ),
        encoding="utf-8",
    )
    config = make_config(tmp_path, templates="mytemplates")
    with caplog.at_level(logging.WARNING, logger="briefgen.render.pdf"):
        data = render(brief, config, ["pdf"])["pdf"]
    assert data.startswith(b"%PDF")
    assert hits == []
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any(secret.as_uri() in m for m in refused)
    assert any(f"{url}/x.css" in m for m in refused)
    assert any(f"{url}/pixel.png" in m for m in refused)
    assert not any("data:" in m for m in refused)


def test_pdf_article_text_fetches_nothing(brief, config, server, caplog):
    url, hits = server
    brief.articles[0] = Article(
        "a1", "Yonhap", f'<img src="{url}/t.png"><link rel=stylesheet href="{url}/t.css">', "...",
        url=f"{url}/article",
    )
    with caplog.at_level(logging.WARNING, logger="briefgen.render.pdf"):
        render(brief, config, ["pdf"])
    assert hits == []
    # Escaped markup is text, so the fetcher is not even asked.
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_pdf_engine_failure_is_render_error(tmp_path, brief, monkeypatch):
    import weasyprint

    # No time limit: the PDF is printed in this process, where the engine is patched.
    config = make_config(tmp_path, render_timeout=None)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("cairo said no\nwith a traceback-like second line")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    with pytest.raises(RenderError) as info:
        render(brief, config, ["pdf"])
    assert str(info.value) == "PDF engine failed: RuntimeError: cairo said no"


# -- Template overrides ----------------------------------------------------------


def test_override_css_shadows_shipped_css(tmp_path, brief):
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "brief.css").write_text(".brief-title { color: #abcdef }\n/* custom-css-marker */", encoding="utf-8")
    page = render_html(brief, make_config(tmp_path, templates="tpl"))
    assert "custom-css-marker" in page
    assert "Missile launches" in page  # brief.html still the shipped one
    assert "--accent" not in page


def test_override_html_shadows_shipped_html(tmp_path, brief):
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "brief.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="custom">{{ brief.articles[1].title }}</p>{% endblock %}',
        encoding="utf-8",
    )
    config = make_config(tmp_path, templates="tpl")
    page = render_html(brief, config)
    assert '<p id="custom">Headline &lt;img' in page
    assert "Appendix: theme assignments" not in page
    assert "Bottom line" not in pdf_text(render(brief, config, ["pdf"])["pdf"])


def test_override_folder_missing(tmp_path, brief):
    with pytest.raises(RenderError, match="does not exist"):
        render_html(brief, make_config(tmp_path, templates="nope"))


def test_template_errors_are_render_errors(tmp_path, brief):
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "brief.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(RenderError, match="line 1"):
        render_html(brief, make_config(tmp_path, templates="tpl"))
    (override / "brief.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(RenderError, match="no_such_variable"):
        render_html(brief, make_config(tmp_path, templates="tpl"))


def test_default_templates_dir():
    assert (default_templates_dir() / "brief.html").is_file()


# -- Markdown -------------------------------------------------------------------


def test_markdown(brief, config):
    text = render_markdown(brief, config)
    assert text.startswith("# Korea Daily Brief\n")
    for heading in ("Bottom line", "Missile launches", "Diplomacy", "Other developments",
                    "Source notes", "Sources"):
        assert f"\n## {heading}\n" in text
    # The Markdown is the email's text: never the appendix, whatever output.appendix says.
    assert "Appendix" not in text
    assert "[1][2]" in text
    assert "1. **김정은 visits 평양 factory** — Yonhap, 17 Jan 2024" in text
    assert "<https://example.org/news/" in text
    assert "\\<script\\>" in text and "\\<img" in text
    assert "<script>" not in text.replace("\\<", "").replace("\\>", "")
    assert "<img" not in text.replace("\\<", "")
    assert "\n- \\# Not a heading" in text
    assert "<javascript" not in text
    assert "\n\n\n" not in text


def test_md_escape():
    assert md("# title") == "\\# title"
    assert md("1. one\n2. two") == "1\\. one 2. two"
    assert md("a [link](x) *b* <i> snake_case _em_ |") == "a \\[link\\](x) \\*b\\* \\<i\\> snake_case \\_em\\_ \\|"


# -- Entry point ---------------------------------------------------------------


def test_render_formats(brief, config):
    out = render(brief, config, ["html", "md", "json"])
    assert set(out) == {"html", "md", "json"}
    assert out["html"].startswith(b"<!DOCTYPE html>")
    assert out["md"].decode("utf-8").startswith("# Korea Daily Brief")
    assert json.loads(out["json"])["title"] == "Korea Daily Brief"
    with pytest.raises(RenderError, match="unknown output format"):
        render(brief, config, ["docx"])


# -- The look: title block, contents, themes, charts ------------------------------------


def test_distribution_line_in_the_title_block_and_on_every_pdf_page(tmp_path, brief):
    config = make_config(tmp_path, distribution="Internal — do not forward")
    page = render_html(brief, config)
    assert '<p class="distribution">Internal — do not forward</p>' in page
    reader = pypdf.PdfReader(io.BytesIO(render(brief, config, ["pdf"])["pdf"]))
    assert len(reader.pages) >= 2
    for number, pdf_page in enumerate(reader.pages, start=1):
        text = " ".join(pdf_page.extract_text().split()).casefold()
        assert "internal — do not forward" in text, number
        assert f"page {number} of {len(reader.pages)}" in text and "wednesday 17 january 2024" in text
    assert 'class="distribution"' not in render_html(brief, make_config(tmp_path))


def test_contents_list_the_sections_in_page_order(brief, config):
    page = render_html(brief, config)
    toc = re.search(r'<ol class="toc-list">(.*?)</ol>', page, re.S).group(1)
    # The bottom line stands right above the contents, which list what follows it.
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc) == [
        ("theme-missiles", "Missile launches"), ("theme-diplomacy", "Diplomacy"),
        ("quotes", "Key quotes"), ("timeline", "Timeline"), ("entities", "People and organisations"),
        ("emerging", "Emerging topics"), ("other", "Other developments"), ("at-a-glance", "At a glance"), ("source-notes", "Source notes"),
        ("sources", "Sources"), ("appendix", "Appendix: theme assignments"),
    ]


def test_theme_sections_open_with_points_and_trend(brief, config):
    page = render_html(brief, config)
    assert '<strong class="stat-points">2 stories</strong> · 2 passages from 2 articles' in page
    assert '<span class="trend trend-none">no earlier brief in 14 days to compare with</span>' in page
    assert 'id="chart-coverage"' in page and 'id="chart-trend"' not in page

    brief.history = [
        BriefRecord(date(2024, 1, d), "x", (), (ThemeCount("missiles", "Missile launches", 1, 1, 1),), 1, 1)
        for d in (10, 14, 16)
    ]
    page = render_html(brief, config)
    assert '<span class="trend trend-up"><span class="trend-symbol" aria-hidden="true">▲</span> up: 2 vs 1.0 a brief over 3 earlier briefs</span>' in page
    # Diplomacy was in none of the earlier briefs.
    assert "0 stories</strong> · 0 passages from 0 articles" in page
    assert 'id="chart-trend"' in page
    assert "▲ up: 2 vs 1.0 a brief over 3 earlier briefs" in render_markdown(brief, config)


def test_charts_are_escaped_well_formed_svg(brief, config):
    brief.themes[0].label = f"Missiles {SCRIPT} & co"
    brief.history = [BriefRecord(date(2024, 1, 16), "x", (), (ThemeCount("missiles", "m", 1, 3, 1),), 1, 1)]
    page = render_html(brief, config)
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        root = ET.fromstring(svg)  # well-formed: nothing from a label broke out of its <text>
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert f"Missiles {SCRIPT} & co" in texts
        assert root.find("{http://www.w3.org/2000/svg}script") is None
        assert "&lt;script&gt;" in svg and "<script" not in svg
    trend = ET.fromstring(svgs[1])
    # 14 days: Missiles has a bar on the 16th and today, 12 days without a brief; Diplomacy
    # was not in the brief of the 16th either (13); one more dot in the legend.
    assert len(trend.findall(".//{http://www.w3.org/2000/svg}circle[@class='m-none']")) == 12 + 13 + 1


def test_override_template_sees_the_documented_context(tmp_path, brief):
    """A user's brief.html built only from the documented variables renders, in HTML and PDF."""
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "brief.html").write_text(
        '{% extends "base.html" %}\n'
        '{% block kicker %}House brief{% endblock %}\n'
        '{% block content %}\n'
        '<section class="house" id="house"><h2>House view</h2>\n'
        '{% for theme in brief.themes %}<p class="row">{{ theme.label }}: {{ theme_stats[theme.key].passages }} passages,'
        ' {{ theme_stats[theme.key].trend.direction }}</p>{% endfor %}\n'
        '{{ charts.coverage }}<p>{{ counts.articles }} articles · {{ window_text }} · {{ trend_days }} days · {{ distribution }}</p>\n'
        '</section>\n'
        '<section id="skipped" data-toc="skip"><h2>Not listed</h2></section>\n'
        '{% endblock %}\n'
        '{% block colophon %}<footer class="colophon">Prepared by the house desk.</footer>{% endblock %}\n',
        encoding="utf-8",
    )
    config = make_config(tmp_path, templates="tpl", distribution="Desk only")
    page = render_html(brief, config)
    assert "House brief" in page and '<p class="row">Missile launches: 2 passages, none</p>' in page
    assert "3 articles · 24h · 16 Jan 2024 00:00 – 17 Jan 2024 00:00 KST · 14 days · Desk only" in page
    assert '<li><a href="#house">House view</a></li>' in page and 'href="#skipped"' not in page
    assert "<h2>Bottom line</h2>" not in page  # the shipped `lead` block is not used by the override
    text = pdf_text(render(brief, config, ["pdf"])["pdf"])
    assert "House view" in text and "Prepared by the house desk." in text


def test_long_urls_wrap_inside_the_page(brief, config):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found: install poppler-utils (scripts/sysdeps.sh does)")
    long_url = "https://example.org/" + "a-very-long-path-segment-without-any-break-" * 8 + "end"
    brief.articles[0] = Article("a1", "Yonhap", "Long " + "x" * 180, "...", url=long_url,
                                published=datetime(2024, 1, 17, 9, 30, tzinfo=SEOUL))
    data = render(brief, config, ["pdf"])["pdf"]
    boxes = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    # A4 with 17 mm side margins: nothing may pass the right margin.
    assert right <= width - 17 / 25.4 * 72 + 1, f"text reaches x={right:.0f} of {width:.0f}"
    assert "end" in pdf_text(data).replace("\n", "")


# -- The appendix: where output.appendix puts it ----------------------------------------


def pdftotext(data: bytes) -> str:
    """The PDF's text as poppler lays it out (contents lines keep their dotted leaders)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found: install poppler-utils (scripts/sysdeps.sh does)")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def contents_of_pdf(text: str) -> list[str]:
    """The headings the PDF's contents list ("Sources ........ 3")."""
    return [m.group(1).strip() for m in re.finditer(r"^\s*(\S[^.\n]*?)\s*\.{3,}\s*\d+\s*$", text, re.M)]


def appendix_rows(page: str) -> list[list[str]]:
    """The appendix table of an HTML page, cell by cell, as a reader sees it."""
    root = lxml.html.fromstring(page)
    return [[" ".join(td.text_content().split()) for td in tr.iter("td")]
            for tr in root.xpath('//section[@id="appendix"]//table[@class="assignments"]/tbody/tr')]


EXPECTED_ROWS = [
    ["a1:0:0", "[1]", "North Korea fired a ballistic missile toward the East Sea.", "Missile launches 4.5: missile, ballistic"],
    ["a2:0:0", "[2]", f"Officials said {SCRIPT} and {IMG} were seen.", "Missile launches 2.1: launch* economy 2.0: factory"],
    ["a3:0:0", "[3]", f"# Not a heading {LINK}", "—"],
]


def test_by_default_the_appendix_is_collapsed_in_the_html_and_not_in_the_pdf(brief, config):
    out = render(brief, config, ["html", "pdf", "md", "json"])
    page = out["html"].decode("utf-8")
    root = lxml.html.fromstring(page)
    [details] = root.xpath('//section[@id="appendix"]/details')
    # Collapsed, and opened by the reader without JavaScript: a <details> with its heading as <summary>.
    assert details.get("open") is None and "<script" not in page
    assert details[0].tag == "summary" and details[0].text_content().strip() == "Appendix: theme assignments"
    assert appendix_rows(page) == EXPECTED_ROWS
    assert '<a href="#appendix">Appendix: theme assignments</a>' in page

    text = pdftotext(out["pdf"])
    assert "Sources" in contents_of_pdf(text) and "Appendix: theme assignments" not in contents_of_pdf(text)
    for absent in ("Appendix", "theme assignments", "a1:0:0", "missile, ballistic", "Themes (score"):
        assert absent not in text, absent
    assert "Appendix" not in out["md"].decode("utf-8")
    # The JSON keeps every assignment and its evidence whatever output.appendix says.
    missiles = json.loads(out["json"])["themes"][0]
    assert [(p["id"], p["score"], p["matched"]) for p in missiles["passages"]] == [
        ("a1:0:0", 4.5, ["missile", "ballistic"]), ("a2:0:0", 2.1, ["launch*"])]


def test_appendix_pdf_puts_it_back_in_the_pdf_and_its_contents(tmp_path, brief):
    config = make_config(tmp_path, appendix="pdf")
    out = render(brief, config, ["html", "pdf", "md"])
    text = pdftotext(out["pdf"])
    listed = contents_of_pdf(text)
    assert listed[-2:] == ["Sources", "Appendix: theme assignments"]
    flat = " ".join(text.split())
    for present in ("PASSAGE SRC EXCERPT THEMES (SCORE: MATCHED TERMS)", "a1:0:0 [1] North Korea fired a ballistic missile",
                    "Missile launches 4.5: missile, ballistic", "economy 2.0: factory"):
        assert present in flat, present
    # In the PDF it is a plain section, not a collapsed one; the HTML page keeps it collapsed.
    page = out["html"].decode("utf-8")
    assert appendix_rows(page) == EXPECTED_ROWS and '<details class="appendix-details">' in page
    assert "Appendix" not in out["md"].decode("utf-8")


def test_appendix_none_leaves_it_to_the_json(tmp_path, brief):
    config = make_config(tmp_path, appendix="none")
    out = render(brief, config, ["html", "pdf", "json"])
    page = out["html"].decode("utf-8")
    assert 'id="appendix"' not in page and "Appendix:" not in page
    assert "Appendix" not in pdftotext(out["pdf"])
    assert json.loads(out["json"])["themes"][0]["passages"][0]["matched"] == ["missile", "ballistic"]


def test_appendix_setting_is_checked(tmp_path):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, appendix="paper")
    assert any(p.startswith("output.appendix:") for p in info.value.problems), info.value.problems
