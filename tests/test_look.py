"""The look of a brief, checked the way a person checks it: by looking.

The seeds' brief (with four earlier briefs, so the trend chart is there) is written once
into the artefacts folder; its PDF is turned into PNG pages with pdftoppm and its HTML is
loaded from disk by one headless Chromium. Everything stays in `out/test-artifacts/`
(or `$BRIEFGEN_TEST_ARTIFACTS`) for a person to look at after the run.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from briefgen.cli import main

from .browser import Browser, open_browser
from .conftest import ROOT, SEEDS, write

pypdf = pytest.importorskip("pypdf")
Image = pytest.importorskip("PIL.Image")
ImageStat = pytest.importorskip("PIL.ImageStat")

ARTIFACTS = Path(os.environ.get("BRIEFGEN_TEST_ARTIFACTS") or ROOT / "out" / "test-artifacts")
DAY = "2024-01-17"
LONG_DAY = "Wednesday 17 January 2024"
# Gaps on purpose: the trend chart must tell "no brief that day" from zero.
EARLIER = ("2024-01-08", "2024-01-12", "2024-01-15", "2024-01-16")
DISTRIBUTION = "Internal — do not forward"
THEMES = ("Missiles", "Military drills", "Russia ties")
SECTIONS = ("bottom-line", "contents", "theme-missiles", "theme-drills", "theme-russia", "other",
            "at-a-glance", "sources", "appendix")
# Every heading of the PDF. The appendix is on the HTML page (collapsed) and not in the PDF,
# unless `output.appendix: pdf`.
HEADINGS = ("Bottom line", "Contents", *THEMES, "Other developments", "At a glance", "Sources")
APPENDIX = "Appendix: theme assignments"


def _project(folder: Path, **output: object) -> Path:
    """The default config and the seeds in `folder`, with extra `output` keys."""
    data = yaml.safe_load((ROOT / "sources.yaml").read_text(encoding="utf-8"))
    data.setdefault("output", {}).update(output)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SEEDS, folder / "seeds", dirs_exist_ok=True)
    config = folder / "sources.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def _fresh(name: str) -> Path:
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """<artefacts>/seeds: the seeds' briefs for four earlier dates and, in every format, DAY."""
    config = _project(tmp_path_factory.mktemp("project"), distribution=DISTRIBUTION)
    out = _fresh("seeds")
    for day in EARLIER:
        assert main(["generate", "-q", "--config", str(config), "--date", day, "--out", str(out), "--format", "json,html"]) == 0
    assert main(["generate", "-q", "--config", str(config), "--date", DAY, "--out", str(out)]) == 0
    return out


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not found: install poppler-utils (scripts/sysdeps.sh does)")


def _pages_text(pdf: Path) -> list[str]:
    """The text of each page, laid out (pdftotext keeps lines as they are on the page)."""
    count = len(pypdf.PdfReader(pdf).pages)
    return [
        subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                       capture_output=True, text=True, check=True).stdout
        for n in range(1, count + 1)
    ]


def _ink(png: Path) -> tuple[float, float]:
    """How much of an image is not background: (share of pixels far from the corner colour, stddev)."""
    with Image.open(png) as image:
        grey = image.convert("L")
        background = grey.getpixel((0, 0))
        histogram = grey.histogram()
        far = sum(n for level, n in enumerate(histogram) if abs(level - background) > 40)
        return far / (grey.width * grey.height), ImageStat.Stat(grey).stddev[0]


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


# -- The PDF, as pages a person would see -------------------------------------------------


@pytest.fixture(scope="module")
def pdf(seeds: Path) -> Path:
    return seeds / DAY / f"brief-{DAY}.pdf"


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[str]:
    _need("pdftotext")
    return _pages_text(pdf)


def test_pdf_pages_as_png_are_neither_missing_nor_blank(pdf: Path):
    _need("pdftoppm")
    target = _fresh("seeds-pdf")
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(target / "page")], check=True)
    pngs = sorted(target.glob("page-*.png"))
    count = len(pypdf.PdfReader(pdf).pages)
    assert len(pngs) == count
    assert 3 <= count <= 10, f"{count} pages for two seed articles"
    for png in pngs:
        with Image.open(png) as image:
            assert image.width == pytest.approx(210 / 25.4 * 70, abs=2)  # A4 at 70 dpi
        share, spread = _ink(png)
        # The last page may hold only the end of the sources list, which ends the PDF (the
        # appendix that used to fill it is on the HTML page only, by default).
        least = 0.004 if png == pngs[-1] else 0.01
        assert share > least and spread > 10, f"{png.name} looks blank ({share:.3%} ink)"


def test_pdf_has_every_section_and_contents_with_right_page_numbers(pages: list[str]):
    text = _flat("\n".join(pages))
    for heading in HEADINGS:
        assert heading.casefold() in text, heading
    # The contents: "Missiles ........ 1", one line each, with the page the section starts on.
    listed = {m.group(1).strip(): int(m.group(2))
              for m in re.finditer(r"^\s*(\S[^.\n]*?)\s*\.{3,}\s*(\d+)\s*$", pages[0], re.M)}
    assert set(listed) >= {*THEMES, "Other developments", "At a glance", "Sources"}
    assert APPENDIX not in listed and "appendix" not in text
    for heading, page in listed.items():
        lines = [line.strip() for line in pages[page - 1].splitlines()]
        assert heading in lines, f"{heading!r} is not on page {page}, as the contents say"


def test_pdf_title_block_and_running_heads(pages: list[str]):
    first = _flat(pages[0])
    for expected in ("Korean Peninsula Daily Brief", LONG_DAY, "24h · 17 Jan 2024 00:00 – 18 Jan 2024 00:00 KST",
                     "1 source · 2 articles", DISTRIBUTION):
        assert _flat(expected) in first, expected
    for n, page in enumerate(pages, start=1):
        flat = _flat(page)
        assert f"page {n} of {len(pages)}" in flat
        assert LONG_DAY.casefold() in flat
        assert DISTRIBUTION.casefold() in flat


def test_pdf_themes_open_with_points_and_trend(pages: list[str]):
    text = _flat("\n".join(pages))
    # Four earlier briefs of the same seeds: every theme is steady against them.
    assert len(re.findall(r"2 stories · \d+ passages from 2 articles ≈ steady: (\d+) vs \1\.0 a brief over 4 earlier briefs", text)) == 3


def test_pdf_no_heading_ends_a_page(pages: list[str]):
    for n, page in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip() and "Page " not in line]
        assert lines[-1] not in HEADINGS, f"page {n} ends with the heading {lines[-1]!r}"


def test_pdf_citations_link_to_the_source_list(pdf: Path):
    reader = pypdf.PdfReader(pdf)
    dests = [a.get_object().get("/Dest") for page in reader.pages for a in page.get("/Annots") or []]
    assert {"src-1", "src-2"} <= set(dests)
    assert {"src-1", "src-2"} <= set(reader.named_destinations)
    # The contents link to the sections too.
    assert {"theme-missiles", "sources"} <= set(dests)


def test_pdf_charts_are_vector_with_text(pdf: Path, pages: list[str]):
    reader = pypdf.PdfReader(pdf)
    assert all(len(page.images) == 0 for page in reader.pages), "a chart was rasterised"
    text = _flat("\n".join(pages))
    for label in ("articles", "passages", "no theme", "this brief", "earlier briefs", "no brief that day", "4 jan", "17 jan"):
        assert label in text, label


# -- The HTML, in a real browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from open_browser()


VISIBLE = """
return Array.from(document.querySelectorAll(arguments[0])).map(e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return {text: e.textContent.trim(), width: r.width, height: r.height, left: r.left, right: r.right,
          shown: s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0,
          color: s.color};
});
"""


def _luminance(css: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize(("width", "dark"), [(390, False), (1280, False), (390, True)],
                         ids=["phone", "desktop", "phone-dark"])
def test_brief_in_the_browser(browser: Browser, seeds: Path, width: int, dark: bool):
    page = seeds / DAY / f"brief-{DAY}.html"
    check = browser.open(page, width, dark=dark)
    assert check.inner_width == width
    assert check.scroll_width <= check.inner_width, "the page scrolls sideways"
    assert check.console_errors == []
    assert check.requests == [], "the page is not self-contained"
    headings = browser.js(VISIBLE, "section.theme > h2")
    assert [h["text"] for h in headings] == list(THEMES)
    for h in headings:
        assert h["shown"] and h["width"] > 0 and h["height"] > 0, h
        assert 0 <= h["left"] and h["right"] <= width, h
    for section in SECTIONS:
        assert browser.js(f"return document.getElementById('{section}') !== null"), section
    # Charts are inline SVG, drawn at a legible size.
    charts = browser.js(VISIBLE, "svg.chart")
    assert len(charts) == 2 and all(c["shown"] and c["width"] >= min(width - 40, 300) for c in charts)
    background = browser.js("return getComputedStyle(document.body).backgroundColor")
    if dark:
        assert _luminance(background) < 60 and _luminance(headings[0]["color"]) > 120
    else:
        assert _luminance(background) > 240
    shot = browser.screenshot(ARTIFACTS / "screens" / f"brief-{width}{'-dark' if dark else ''}.png", width)
    with Image.open(shot) as image:
        assert image.width == width and image.height > 2000
    share, spread = _ink(shot)
    assert share > 0.02 and spread > 10


def test_brief_prints_from_the_browser(browser: Browser, seeds: Path):
    """Printed from Chromium (not WeasyPrint), the page still fits A4 and keeps every section."""
    _need("pdftotext")
    browser.open(seeds / DAY / f"brief-{DAY}.html", 1280)
    browser.cdp("Emulation.setEmulatedMedia", {"media": "print", "features": []})
    printed = browser.cdp("Page.printToPDF", {"paperWidth": 210 / 25.4, "paperHeight": 297 / 25.4,
                                               "preferCSSPageSize": True})
    pdf = ARTIFACTS / "screens" / "brief-printed-by-chromium.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    count = len(pypdf.PdfReader(pdf).pages)
    assert 3 <= count <= 12
    text = _flat("\n".join(_pages_text(pdf)))
    # The page keeps its appendix, collapsed to its heading.
    for heading in (*HEADINGS, APPENDIX):
        assert heading.casefold() in text, heading
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    assert max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)) < width - 30


@pytest.mark.parametrize("width", [390, 1280])
def test_archive_in_the_browser(browser: Browser, seeds: Path, width: int):
    check = browser.open(seeds / "index.html", width)
    assert check.scroll_width <= check.inner_width == width
    assert check.console_errors == [] and check.requests == []
    dates = browser.js("return Array.from(document.querySelectorAll('article.entry')).map(e => e.id)")
    assert dates == [f"brief-{d}" for d in (DAY, *reversed(EARLIER))]
    hrefs = browser.js("return Array.from(document.querySelectorAll('a.file-link')).map(a => a.href)")
    assert len(hrefs) == 4 + 2 * len(EARLIER)
    for href in hrefs:
        assert Path(href.removeprefix("file://")).is_file(), href
    browser.screenshot(ARTIFACTS / "screens" / f"archive-{width}.png", width)


# -- Hangul -----------------------------------------------------------------------------------

KOREAN = """\
---
title: 김정은, 평양서 신형 고체연료 미사일 시험발사 참관
date: 2024-01-17T08:00:00
source: Yonhap (Korean)
---
North Korean leader Kim Jong-un (김정은) watched the test-fire of a new solid-fuel ballistic missile near Pyongyang (평양), state media said.

김정은 국무위원장이 평양 인근에서 신형 고체연료 탄도미사일 시험발사를 참관했다고 조선중앙통신이 보도했다.
"""


def test_a_korean_item_shows_hangul_in_the_pdf(tmp_path: Path):
    _need("pdftoppm")
    # The appendix prints the Korean sentence of the body (no summary point takes it).
    config = _project(tmp_path, appendix="pdf")
    write(tmp_path / "seeds/korean.md", KOREAN)
    out = _fresh("korean")
    assert main(["generate", "-q", "--config", str(config), "--date", DAY, "--out", str(out), "--format", "pdf,html,json"]) == 0
    pdf = out / DAY / f"brief-{DAY}.pdf"
    reader = pypdf.PdfReader(pdf)
    extracted = "\n".join(page.extract_text() for page in reader.pages)
    pages = _pages_text(pdf)
    for text in (extracted, "\n".join(pages)):
        for word in ("김정은", "평양", "고체연료", "조선중앙통신이"):
            assert word in text, word
    # Set in the Korean face itself, not in a fallback that would draw empty boxes.
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"].get("/Font", {}).values()}
    assert any("Noto-Sans-CJK-KR" in f or "NotoSansCJKkr" in f for f in fonts), fonts
    # The page with the Korean title in the source list, as a person would see it.
    number = next(n for n, text in enumerate(pages, start=1) if "시험발사 참관" in text)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", str(number), "-l", str(number),
                    str(pdf), str(out / "hangul-page")], check=True)
    png = next(out.glob("hangul-page-*.png"))
    share, _ = _ink(png)
    assert share > 0.01
