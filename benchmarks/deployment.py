"""The deployment's two figures (docs/deployment.md), on a real PostgreSQL and real worker processes.

    workers   1,000 feeds behind 200 ms each, fetched by 4 workers   vs  the same by 1 worker (same concurrency each)
    sharing   HTTP requests of a cycle of 50 briefs sharing 200 feeds vs  a cycle of 1 brief over the same 200 feeds

`python -m benchmarks --only deployment`, or on its own `python -m benchmarks.deployment`.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from .corpus import by_feed, generate, rss
from .serve import FeedSites

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 16


def _brief(name: str, urls: list[str]) -> dict:
    return {"title": f"Bench {name}", "timezone": "UTC",
            "sources": [{"name": f"Feed {n}", "url": u} for n, u in enumerate(urls)],
            "themes": [{"key": "missiles", "label": "Missiles", "terms": ["missile"]}],
            "brief": {"window": "all"}, "output": {"formats": ["json"]},
            "feeds": {"concurrency": 200, "retries": 0}}


def _deployment(folder: Path, store: str, briefs: dict[str, list[str]]) -> Path:
    (folder / "briefs").mkdir(parents=True, exist_ok=True)
    for name, urls in briefs.items():
        (folder / "briefs" / f"{name}.yaml").write_text(yaml.safe_dump(_brief(name, urls)), encoding="utf-8")
    path = folder / "deployment.yaml"
    path.write_text(yaml.safe_dump({"store": store, "output": {"dir": "out"}, "briefs": "briefs",
                                    # One cycle is measured: the cycle queued by hand, not also
                                    # today's scheduled one caught up when the workers start.
                                    "worker": {"concurrency": CONCURRENCY, "heartbeat": 1, "stalled_after": 10,
                                               "catch_up": False}}))
    return path


class _Pool:
    """`count` real `briefgen worker` processes, started and alive before the clock starts."""

    def __init__(self, deployment: Path, count: int):
        self.procs = [subprocess.Popen([sys.executable, "-m", "briefgen", "worker", "-q", "--deployment", str(deployment)],
                                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                      for _ in range(count)]

    def close(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def _wait(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    give_up = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > give_up:
            raise RuntimeError("benchmark timed out")
        time.sleep(0.05)


def _cycle(deployment_file: Path, workers: int, wait_for: str, timeout: float = 600) -> float:
    """Start `workers` workers, queue one cycle of every brief, and time it until every feed is
    fetched (`fetched`) or every brief is made too (`built`)."""
    from briefgen.deploy.settings import load_deployment
    from briefgen.deploy.shared import connect
    from briefgen.deploy.status import status
    from briefgen.deploy.tasks import feed_urls, make_app, start
    from briefgen.deploy.worker import prepare

    deployment = load_deployment(deployment_file)
    prepare(deployment)
    urls = {u for b in deployment.briefs for u in feed_urls(b.config)}
    pool = _Pool(deployment_file, workers)
    try:
        _wait(lambda: len(status(deployment).workers) == workers, 60)
        app = make_app(deployment, pool_size=2)
        with app.open(), connect(deployment.store, deployment.name) as conn:
            started = time.perf_counter()
            start(app, deployment, [b.name for b in deployment.briefs], datetime.now(UTC))

            def fetched() -> bool:
                return conn.execute("SELECT count(*) FROM fetches").fetchone()[0] >= len(urls)

            def built() -> bool:
                return fetched() and all(b.last_status == "done" for b in status(deployment).briefs)

            _wait(fetched if wait_for == "fetched" else built, timeout)
            return time.perf_counter() - started
    finally:
        pool.close()


def deployment_figures(runs: int, work: Path) -> list:  # type: ignore[type-arg]
    from tests.pg import PgServer

    from .__main__ import Figure

    workers = Figure("workers", f"1,000 feeds behind 200 ms, 4 workers x {CONCURRENCY} jobs",
                     f"the same with 1 worker x {CONCURRENCY} jobs", target=">= 2.5x faster", limit=2.5, sense="at least")
    sharing = Figure("sharing", "HTTP requests of one cycle: 50 briefs sharing 200 feeds",
                     "HTTP requests of one cycle: 1 brief over the same 200 feeds", target="<= 1.0x", limit=1.0,
                     unit="requests")
    server = PgServer()
    try:
        docs = [rss(group, f"Feed {n}") for n, group in enumerate(by_feed(generate(3000, 1000, seed=17), 1000))]
        with FeedSites(docs, latency=0.2) as sites:
            briefs = {f"b{n}": sites.urls[100 * n: 100 * (n + 1)] for n in range(10)}
            for n in range(runs):
                for count, column in ((1, workers.base), (4, workers.ours)):
                    folder = work / f"workers-{n}-{count}"
                    seconds = _cycle(_deployment(folder, server.new_database(), briefs), count, "fetched")
                    column.append(seconds)
                print(f"  workers run {n + 1}: 4 workers {workers.ours[-1]:.2f} s, 1 worker {workers.base[-1]:.2f} s",
                      flush=True)
        docs = [rss(group, f"Feed {n}") for n, group in enumerate(by_feed(generate(2000, 200, seed=19), 200))]
        with FeedSites(docs, latency=0.2) as sites:
            rng = random.Random(5)
            shared = {f"s{n:02d}": rng.sample(sites.urls, 20) for n in range(50)}
            # Every feed in at least one brief, most in several.
            for n, url in enumerate(sites.urls):
                shared[f"s{n % 50:02d}"] = sorted({*shared[f"s{n % 50:02d}"], url})
            for n in range(runs):
                before = sites.requests
                _cycle(_deployment(work / f"one-{n}", server.new_database(), {"one": sites.urls}), 4, "built")
                sharing.base.append(float(sites.requests - before))
                before = sites.requests
                _cycle(_deployment(work / f"fifty-{n}", server.new_database(), shared), 4, "built")
                sharing.ours.append(float(sites.requests - before))
                print(f"  sharing run {n + 1}: 50 briefs {sharing.ours[-1]:.0f} requests, "
                      f"1 brief {sharing.base[-1]:.0f}", flush=True)
    finally:
        server.close()
    return [workers, sharing]


if __name__ == "__main__":
    import tempfile

    from .__main__ import table

    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        figures = deployment_figures(int(os.environ.get("RUNS", "1")), Path(tmp))
    print(table(figures))
