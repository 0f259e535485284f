"""A very large day: a cold `briefgen generate` over 10,000 items in 50 loopback feeds (fetch,
parse, store, analyse, render HTML+PDF+JSON) against feedparser parsing the same feed bodies
(issue #18: <= 2.5x), and the PDF's pages for 10,000 items against those for 500 items of
the same kind (at most twice).

`python -m benchmarks --only bigday`, or alone: `python -m benchmarks.bigday --items 2000 --runs 1`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from .__main__ import cold
from .archive import DAY, ROOT, config
from .corpus import by_feed, generate, rss
from .serve import FeedSites

PYTHON = sys.executable
SEED = 7


def one_day(work: Path, name: str, items: int, feeds: int) -> dict[str, object]:
    """A cold generate over `items` items: seconds, PDF pages, file sizes, articles briefed."""
    import pypdf

    docs = [rss(group, f"Feed {n}") for n, group in enumerate(by_feed(generate(items, feeds, seed=SEED), feeds))]
    out = work / name
    shutil.rmtree(out, ignore_errors=True)
    with FeedSites(docs, latency=0.0) as sites:
        # The corpus's three days: the brief holds every item the feeds serve.
        config_file = config(sites.urls, work / f"{name}.yaml", window="72h")
        seconds = cold([PYTHON, "-m", "briefgen", "generate", "-q", "--config", str(config_file), "--date",
                       DAY.isoformat(), "--format", "html,pdf,json", "--out", str(out)], ROOT)
    folder = out / DAY.isoformat()
    stem = f"brief-{DAY.isoformat()}"
    pdf = folder / f"{stem}.pdf"
    data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "pdf_pages": len(pypdf.PdfReader(pdf).pages) if pdf.is_file() else None,
            "html_kb": round((folder / f"{stem}.html").stat().st_size / 1024), "pdf_kb": round(pdf.stat().st_size / 1024) if pdf.is_file() else None,
            "json_kb": round((folder / f"{stem}.json").stat().st_size / 1024), "sources": len(data["sources"])}


def measure(runs: int, work: Path, items: int = 10_000, feeds: int = 50, small: int = 500) -> dict[str, object]:
    from .__main__ import child

    ours: list[float] = []
    base: list[float] = []
    last: dict[str, object] = {}
    # `make bench` hands a folder of its own that does not exist yet (the config is written there).
    work.mkdir(parents=True, exist_ok=True)
    for n in range(runs):
        base.append(float(child("feedparser", items, feeds, SEED)["seconds"]))
        last = one_day(work, f"large-{n}", items, feeds)
        ours.append(float(last["seconds"]))  # type: ignore[arg-type]
        print(f"  bigday run {n + 1}: generate {ours[-1]:.2f} s ({last}), feedparser {base[-1]:.2f} s", flush=True)
    little = one_day(work, "small", small, feeds)
    print(f"  bigday {small} items: {little}", flush=True)
    pages, few = last["pdf_pages"], little["pdf_pages"]
    return {"ours": ours, "base": base, "large": last, "small": little,
            "pages_ratio": round(pages / few, 2) if pages and few else None,  # type: ignore[operator]
            "ratio": round(statistics.median(ours) / statistics.median(base), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bigday", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-bigday-") as tmp:
        result = measure(args.runs, Path(tmp), args.items, args.feeds, args.small)
    print(result)
    ok = float(result["ratio"]) <= 2.5 and result["pages_ratio"] is not None and float(result["pages_ratio"]) <= 2  # type: ignore[arg-type]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
