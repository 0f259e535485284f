"""A brief stays brief whatever the volume: a brief of thousands of articles has an HTML
page and a PDF of about the size of one of a couple of hundred, with the sources it cites,
a line for the rest, and every source and passage still in the JSON."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pypdf

from briefgen.config import load_config
from briefgen.pipeline import build_brief

from .conftest import DEFAULT_CONFIG

DAY = date(2024, 3, 18)
SUBJECTS = ["North Korea", "Pyongyang", "South Korea's Joint Chiefs of Staff", "Russia", "the Kremlin",
            "Samsung Electronics", "the Bank of Korea", "Seoul's mayor", "U.S. Forces Korea", "Japan"]
ACTS = ["fired a ballistic missile into the East Sea", "held joint military exercises with allied troops",
        "discussed military cooperation with Moscow", "reported record chip exports", "raised its interest rate",
        "warned of heavy snow in Busan", "condemned the launch as a grave threat", "signed an arms deal",
        "opened a film festival in Incheon", "moved strategic bombers to the peninsula"]


def _project(tmp_path: Path, items: int) -> Path:
    """`items` articles from ten sources, each a file dated on DAY."""
    rng = random.Random(items)
    stamp = datetime(2024, 3, 18, 20, 0).timestamp()
    for n in range(items):
        folder = tmp_path / f"desk{n % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        sentences = [f"{rng.choice(SUBJECTS)} {rng.choice(ACTS)} on Monday, officials said in report {n}-{k}."
                     for k in range(rng.randint(2, 5))]
        path = folder / f"{n:05d}.md"
        path.write_text(f"---\ntitle: {rng.choice(SUBJECTS)} {rng.choice(ACTS)} ({n})\n"
                        f"date: 2024-03-18T{n % 24:02d}:00:00+09:00\n---\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
        os.utime(path, (stamp, stamp))
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("sources:\n"), text.index("\nthemes:\n")
    sources = "".join(f"  - {{name: Desk {k}, path: desk{k}/}}\n" for k in range(10))
    text = text[:start] + "sources:\n" + sources + text[end:]
    text = text.replace("brief:\n", "brief:\n  window: 48h\n", 1)
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "sources.yaml"


def _brief(tmp_path: Path, items: int) -> Path:
    config = load_config(_project(tmp_path, items))
    now = datetime(2024, 3, 18, 23, 0, tzinfo=config.tz)
    build_brief(config, DAY, out_dir=tmp_path / "out", formats=["html", "pdf", "json", "md"], now=now)
    return tmp_path / "out" / DAY.isoformat()


def test_a_brief_of_thousands_of_articles_stays_about_as_long_as_one_of_hundreds(tmp_path: Path):
    small = _brief(tmp_path / "small", 200)
    large = _brief(tmp_path / "large", 3000)
    pages = {name: len(pypdf.PdfReader(folder / "brief-2024-03-18.pdf").pages) for name, folder in
             (("small", small), ("large", large))}
    assert pages["large"] <= 2 * pages["small"], pages
    html = {name: (folder / "brief-2024-03-18.html").read_text(encoding="utf-8") for name, folder in
            (("small", small), ("large", large))}
    assert len(html["large"]) <= 2 * len(html["small"]), {k: len(v) for k, v in html.items()}
    # The large brief lists the sources it cites, says how many more there are and where they are.
    listed = re.findall(r'<li id="src-(\d+)"', html["large"])
    data = json.loads((large / "brief-2024-03-18.json").read_text(encoding="utf-8"))
    assert 0 < len(listed) < 400 and len(data["sources"]) >= 2500
    more = re.search(r"And ([\d,]+) more articles not cited above: every source is listed in brief-2024-03-18\.json", html["large"])
    assert more and int(more[1].replace(",", "")) + len(listed) == len(data["sources"])
    # Every citation on the page leads to an entry of the list.
    cited = set(re.findall(r'class="cite" href="#src-(\d+)"', html["large"]))
    assert cited and cited <= set(listed)
    # The appendix keeps the passages of the listed sources; the JSON keeps them all.
    shown = html["large"].split('id="appendix"', 1)[1].count('<td class="c-id">')
    assert 0 < shown < sum(len(t.get("passages", [])) for t in data["themes"]) + len(data.get("passages", []))
    assert "more passages of the sources not listed" in html["large"]
    md = (large / "brief-2024-03-18.md").read_text(encoding="utf-8")
    assert "more articles not cited above" in md and len(md) < 3 * len((small / "brief-2024-03-18.md").read_text(encoding="utf-8"))
    # (A brief of at most 150 articles lists every source, as it always has: tests/test_render.py reads them.)


def test_a_long_list_of_citations_wraps_inside_the_page(tmp_path: Path):
    # A brief of 97 articles of real text printed "North Korea" with its 55 citations on one
    # line: the PDF's table ran off the page at the right, and the citations past the edge
    # were lost to a reader of the PDF. Every word must lie inside its page.
    folder = _brief(tmp_path, 120)
    data = json.loads((folder / "brief-2024-03-18.json").read_text(encoding="utf-8"))
    assert max(len(e["source_ids"]) for e in data["entities"]) >= 30  # (a list long enough to need wrapping)
    boxes = subprocess.run(["pdftotext", "-bbox", str(folder / "brief-2024-03-18.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    width, beyond = 0.0, []
    for line in boxes.splitlines():
        if page := re.search(r'<page width="([\d.]+)"', line):
            width = float(page[1])
        elif (word := re.search(r'xMax="([\d.]+)"[^>]*>([^<]*)<', line)) and float(word[1]) > width:
            beyond.append(word[2])
    assert not beyond, beyond[:10]
    # ... and the names' Src column has room for them: a name many articles carry was a column
    # of three citations a line, its row running over a page (read from briefs of real text).
    per_line, width = [], 0.0
    for line in boxes.splitlines():
        if page := re.search(r'<page width="([\d.]+)"', line):
            width = float(page[1])
        elif (word := re.search(r'xMin="([\d.]+)"[^>]*>((?:\[\d+\])+)<', line)) and float(word[1]) > 0.55 * width:
            per_line.append(len(word[2].split("][")))  # (the table's last column: its Src)
    assert max(per_line) >= 10, max(per_line)
