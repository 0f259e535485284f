"""One measurement in a process of its own: `python -m benchmarks.child TASK ARGS...`.

Prints one JSON object: `seconds` (the timed part only; imports and corpus building are
done before the clock starts, on both sides of a comparison), `maxrss_mb` (the process's
peak resident memory) and task details. Separate processes keep one run's memory, caches
and threads out of the next, and the server's thread out of the measured GIL.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The stages the analysis figure names: passage split, dedupe (repeated sentences, and
# near-verbatim ones inside a story), theme assignment and summaries. Finding the
# stories themselves (MinHash-LSH) is timed with the rest of analyse().
CORE = ("passages", "dedupe", "themes", "summaries")


def _generate(corpus: str):  # type: ignore[no-untyped-def]
    """The corpus generator: "en" (corpus.py) or "ko" (korean.py)."""
    if corpus == "ko":
        from .korean import generate
    else:
        from .corpus import generate
    return generate


def _articles(items: int, feeds: int, seed: int, corpus: str = "en"):  # type: ignore[no-untyped-def]
    """The corpus as the pipeline's store would hand it to analysis: articles in citation order."""
    from briefgen.language import detect
    from briefgen.models import Article

    out = [
        Article(id=f"f{n:011x}", source=f"Feed {i.feed}", title=i.title, text=i.text, url=i.link,
                published=i.published, first_seen=i.published, guid=i.guid, origin=f"Feed {i.feed}",
                language=detect(f"{i.title}\n{i.text}"))
        for n, i in enumerate(_generate(corpus)(items, feeds, seed=seed))
    ]
    return sorted(out, key=lambda a: (a.published, a.title.casefold(), a.id))


def analysis(items: str, feeds: str, seed: str = "7", corpus: str = "en") -> dict[str, object]:
    """briefgen's whole analyse() stage over the corpus (stories, passages, themes,
    summaries, quotes, entities, timeline, emerging topics)."""
    # The libraries analysis loads on first use, loaded before the clock starts (as
    # feedparser is on the other side).
    import numpy  # noqa: F401
    import pysbd  # noqa: F401
    import scipy.cluster.hierarchy  # noqa: F401
    import scipy.sparse  # noqa: F401

    from briefgen.analyse import analyse
    from briefgen.config import load_config

    config = load_config(ROOT / "sources.yaml")
    articles = _articles(int(items), int(feeds), int(seed), corpus)
    if corpus == "ko":
        # The Korean analyser loads once per process on first use; loaded before the clock
        # starts, as the libraries above are (its load is reported apart).
        from briefgen.analyse import korean

        loading = time.perf_counter()
        korean.analyser().tokenize("북한이 미사일을 발사했다.")
        load = time.perf_counter() - loading
    started = time.perf_counter()
    result = analyse(articles, config)
    seconds = time.perf_counter() - started
    core = sum(result.timings[stage] for stage in CORE)
    out: dict[str, object] = {"seconds": seconds, "core": core, "stages": {k: round(v, 3) for k, v in result.timings.items()},
                              "articles": len(articles), "passages": len(result.passages)}
    if corpus == "ko":
        out["analyser_load"] = round(load, 3)
    return out


def feedparser_parse(items: str, feeds: str, seed: str = "7", corpus: str = "en") -> dict[str, object]:
    """feedparser's parse of the same items, as the RSS documents the feeds serve."""
    import feedparser

    from .corpus import by_feed, rss

    generate = _generate(corpus)
    docs = [rss(group, f"Feed {n}") for n, group in enumerate(by_feed(generate(int(items), int(feeds), seed=int(seed)), int(feeds)))]
    started = time.perf_counter()
    entries = sum(len(feedparser.parse(io.BytesIO(doc)).entries) for doc in docs)
    return {"seconds": time.perf_counter() - started, "entries": entries}


def sequential(urls_file: str) -> dict[str, object]:
    """The baseline reader: for each feed in turn, fetch it (urllib) and parse it (feedparser)."""
    import urllib.request

    import feedparser

    urls = Path(urls_file).read_text().split()
    started = time.perf_counter()
    entries = 0
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as response:
            entries += len(feedparser.parse(io.BytesIO(response.read())).entries)
    return {"seconds": time.perf_counter() - started, "entries": entries}


def refresh(config_file: str, out_dir: str) -> dict[str, object]:
    """briefgen's ingest and store stages for every feed of the config (`briefgen fetch`)."""
    from datetime import datetime

    # The libraries fetching and parsing load (httpx loads httpcore on its first client),
    # loaded before the clock starts, as urllib and feedparser are for the baseline.
    import feedparser  # noqa: F401
    import httpcore  # noqa: F401
    import httpx  # noqa: F401
    import lxml.html  # noqa: F401

    from briefgen.config import load_config
    from briefgen.pipeline import open_store
    from briefgen.pipeline import refresh as run

    config = load_config(Path(config_file))
    with open_store(config, Path(out_dir)) as store:
        now = datetime.now(config.tz).replace(microsecond=0)
        started = time.perf_counter()
        result = run(config, store, now=now, progress=False)
        seconds = time.perf_counter() - started
        stored = store.count_articles()
    statuses: dict[str, int] = {}
    for health in result.health:
        statuses[health.status] = statuses.get(health.status, 0) + 1
    return {"seconds": seconds, "items": sum(h.items for h in result.health), "stored": stored, "statuses": statuses}


TASKS = {"analysis": analysis, "feedparser": feedparser_parse, "sequential": sequential, "refresh": refresh}


def main(argv: list[str]) -> None:
    task, *args = argv
    out = TASKS[task](*args)
    out["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # The largest worker process it forked, if any (most of its pages shared with this one).
    out["worker_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
