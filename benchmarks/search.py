"""`python -m benchmarks.search`: the archive's search over a year of briefs, against a bare
FTS5 query on the same store.

The store holds a year of synthetic news (benchmarks.corpus: 100 items a day over 50 feeds)
and a brief a day (20 stories each, recorded as `briefgen generate` records them; `build`,
which the archive benchmark uses too). Ours is
what `GET /search` does for a request, short of HTTP: the query with its filters, the total,
highlights, the citations (briefs and stories of each hit), and the page rendered from its
template. The baseline is the FTS5 query alone: MATCH, bm25 order, a snippet, 20 rows. The
issue's target: ours under 10x the baseline. Results: benchmarks/results/search-latest.json.
With `--store postgresql`, the same on a PostgreSQL store (a server of its own, started in a
temporary folder as the tests start theirs; needs PostgreSQL installed), the baseline then
PostgreSQL's bare full-text query (match, ts_rank_cd order, a headline, 20 rows); results in
benchmarks/results/search-postgresql-latest.json. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.config import load_config
from briefgen.models import Article, BriefRecord, SearchQuery, Story, ThemeCount

from .corpus import END, generate

if TYPE_CHECKING:
    from briefgen.store import Store

ROOT = Path(__file__).resolve().parents[1]
# Words, then words with filters, as an analyst asks them.
QUERIES = (
    ({"text": "Lavrov"}, "Lavrov"),
    ({"text": "Hwasong-18 ICBM"}, "Hwasong-18 ICBM"),
    ({"text": "joint military exercises"}, "joint military exercises"),
    ({"text": "missile", "theme": "missiles", "days": 30}, "missile"),
    ({"text": "Pyongyang", "source": "Feed 3"}, "Pyongyang"),
)


# The namespace of the briefs the benchmark's config (sources.yaml) makes, on PostgreSQL.
NAMESPACE = "sources"


def build(path: Path | str, days: int, per_day: int, feeds: int, *, end: datetime = END, stories: int = 20) -> None:
    """A store with `days` days of articles before `end` and one brief a day.

    Generated a day at a time, so that a year of 2,000 items a day (the archive benchmark's)
    never holds more than a day of text in memory."""
    from briefgen.store import Store

    with Store(path, namespace=NAMESPACE) as store:
        for back in range(days, 0, -1):
            day_end = end - timedelta(days=back - 1)
            items = generate(per_day, feeds, days=1, seed=11 + back, end=day_end)
            todays = [Article(id=f"b{back:04d}{n:07x}", source=f"Feed {i.feed}", title=i.title, text=i.text,
                              url=i.link.replace(".example/", f".example/{back}/"), published=i.published,
                              first_seen=i.published, guid=f"{back}-{i.guid}", origin=f"Feed {i.feed}")
                      for n, i in enumerate(items)]
            store.save_articles(todays, day_end)
            record_day(store, day_end.date() + timedelta(days=1), todays, feeds, stories)


def record_day(store: Store, day: date, todays: list[Article], feeds: int, stories: int = 20) -> None:
    """The records `briefgen generate` leaves for a brief of these articles: its article list,
    numbers, points and `stories` stories (one article each)."""
    told = [Story(id=f"s-{a.id}", article_ids=(a.id,), sources=(a.source,), headline=a.title,
                  lead_text=a.text.split(". ")[0], themes=(("missiles", "drills", "russia")[n % 3],), rank=n + 1)
            for n, a in enumerate(todays[:stories])]
    store.record_brief(day, [a.id for a in todays])
    store.record_counts(BriefRecord(day, "Benchmark brief", tuple(s.lead_text for s in told[:5]),
                                    tuple(ThemeCount(k, k.title(), 3, 10, 5) for k in ("missiles", "drills", "russia")),
                                    len(todays), feeds))
    store.record_points(day, {"missiles": [s.lead_text for s in told[:3]]})
    store.record_stories(day, told)


def measure(path: Path | str, out: Path, runs: int) -> dict[str, object]:
    from briefgen.serve.app import create_app, marked
    from briefgen.serve.pages import Archive, search
    from briefgen.store import Store

    config = load_config(ROOT / "sources.yaml")
    config = config.with_store(str(path))
    app = create_app(config, out)
    archive: Archive = app.state.archive
    from briefgen.render.html import environment

    env = environment(config)
    env.filters.update(marked=marked, moment=lambda v: f"{v:%d %b %Y %H:%M}")
    env.globals.update(feedback_enabled=False, csrf="")
    template = env.get_template("serve-search.html")
    last = END.date()
    rows = []
    with Store(path, namespace=NAMESPACE) as bare:
        for spec, words in QUERIES:
            start = last - timedelta(days=spec["days"]) if "days" in spec else None  # type: ignore[operator]
            query = SearchQuery(text=str(spec["text"]), theme=spec.get("theme"), source=spec.get("source"),  # type: ignore[arg-type]
                                start=start, end=last if start else None)

            def ours(query: SearchQuery = query) -> int:
                data = search(archive, query)
                template.render(**data, path="/search")
                return int(data["total"])  # type: ignore[call-overload]

            def base(words: str = words) -> int:
                return len(bare.bare_search(words))

            ours(), base()  # warm the page cache and the template
            times: dict[str, list[float]] = {"ours": [], "base": []}
            for _ in range(runs):
                for name, work in (("ours", ours), ("base", base)):
                    began = time.perf_counter()
                    work()
                    times[name].append(time.perf_counter() - began)
            o, b = statistics.median(times["ours"]), statistics.median(times["base"])
            rows.append({"query": spec, "hits": ours(), "ours_ms": round(o * 1000, 2), "base_ms": round(b * 1000, 2),
                         "ratio": round(o / b, 2)})
    return {"rows": rows, "worst_ratio": max(r["ratio"] for r in rows), "target": 10}  # type: ignore[type-var]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    server = None
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-search-") as tmp:
        path: Path | str = Path(tmp) / "store.sqlite3"
        if args.store == "postgresql":
            from tests.pg import PgServer

            server = PgServer()
            path = server.new_database()
        try:
            began = time.perf_counter()
            build(path, args.days, args.per_day, args.feeds)
            built = time.perf_counter() - began
            result = measure(path, Path(tmp) / "out", args.runs)
        finally:
            if server is not None:
                server.close()
    result |= {"store": args.store, "days": args.days, "articles": args.days * args.per_day, "build_s": round(built, 1),
               "runs": args.runs}
    for row in result["rows"]:  # type: ignore[attr-defined]
        print(f"{json.dumps(row['query']):60} {row['hits']:>6} hits  ours {row['ours_ms']:>8} ms  "
              f"bare {row['base_ms']:>7} ms  x{row['ratio']}")
    print(f"worst ratio x{result['worst_ratio']} (target: under x10); {result['articles']} articles, "
          f"{result['days']} briefs")
    name = "search-latest.json" if args.store == "sqlite" else "search-postgresql-latest.json"
    target = ROOT / "benchmarks" / "results" / name
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if float(result["worst_ratio"]) < 10 else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
