"""Work shared out to forked worker processes gives exactly what in-process work gives."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from briefgen import forking
from briefgen.analyse import analyse, themes
from briefgen.analyse import passages as passages_mod
from briefgen.config import load_config
from briefgen.ingest import ingest
from briefgen.ingest.feeds import PROCESS_MIN_FEEDS

from .conftest import DEFAULT_CONFIG, ROOT
from .feedserver import FeedServer, Route, rss


def _result(config, articles) -> dict[str, object]:
    out = dataclasses.asdict(analyse(articles, config))
    out.pop("timings")
    return out


@pytest.mark.skipif(forking.workers() < 2, reason="needs two cores, fork and no other thread running")
def test_analysis_on_workers_equals_analysis_in_process(monkeypatch):
    config = load_config(DEFAULT_CONFIG)
    articles = ingest(config).articles
    alone = _result(config, articles)
    # Every size is worth a worker now: the seeds are split and matched on two processes.
    monkeypatch.setattr(passages_mod, "PARALLEL_ARTICLES", 1)
    monkeypatch.setattr(themes, "PARALLEL_PASSAGES", 1)
    assert _result(config, articles) == alone


def test_chunks_come_back_in_order():
    items = list(range(1001))
    assert forking.Chunks(lambda xs: [x * 2 for x in xs], items, minimum=10**9).results() == [x * 2 for x in items]
    if forking.workers() >= 2:
        assert forking.Chunks(_double, items, minimum=1).results() == [x * 2 for x in items]


def test_no_workers_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert forking.workers() == 0 and forking.pool() is None
    finally:
        stop.set()
        thread.join()


def _double(items: list[int]) -> list[int]:
    return [x * 2 for x in items]


# A cold `generate` in a process of its own (this one runs the feed server's threads, so it
# could never fork): every stage's request for workers is recorded with the answer it got.
# The thresholds are lowered so that a small day asks for workers where a large one would.
_RECORDING = """
import json, sys, traceback
from briefgen import forking
from briefgen.analyse import passages, perarticle, themes
passages.PARALLEL_ARTICLES = perarticle.PARALLEL_ARTICLES = themes.PARALLEL_PASSAGES = 1
asked = []
granted = forking.workers
def workers():
    stage = next(f.filename for f in reversed(traceback.extract_stack()[:-1]) if not f.filename.endswith("forking.py"))
    asked.append([stage.replace("\\\\", "/").split("/briefgen/")[-1], granted(), forking.refusal()])
    return asked[-1][1]
forking.workers = workers
from briefgen.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump(asked, out)
sys.exit(code)
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods(),
                    reason="needs two cores and fork")
@pytest.mark.parametrize("feeds", [3, 10], ids=["parsed-on-threads", "parsed-on-processes"])
def test_generate_analyses_with_the_workers_the_fetch_left_free(tmp_path: Path, feeds: int):
    """No thread of the fetch (its parser pool, its event loop) outlives it: the analysis of a
    cold `generate` gets its forked workers."""
    with FeedServer() as server:
        sources = []
        for n in range(feeds):
            items = [{"guid": f"{n}-{k}", "title": f"Report {k} from outlet {n}", "link": f"https://o{n}.example/{k}",
                      "description": f"<p>{text}</p><p>Outlet {n} filed this report from Seoul.</p>",
                      "date": f"Wed, 17 Jan 2024 0{k}:00:00 GMT"} for k, text in enumerate(TEXTS)]
            server.routes[f"/{n}.xml"] = Route(rss(items, title=f"Outlet {n}"))
            sources.append({"name": f"Outlet {n}", "url": server.url(f"/{n}.xml")})
        config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        config["sources"] = sources
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        record = tmp_path / "asked.json"
        proc = subprocess.run(
            [sys.executable, "-c", _RECORDING, str(record), "generate", "-v", "-c", str(path), "--date", "2024-01-17",
             "--format", "json", "--out", str(tmp_path / "out")],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    asked = json.loads(record.read_text(encoding="utf-8"))
    stages = {stage for stage, _, _ in asked}
    assert {"analyse/passages.py", "analyse/themes.py", "analyse/perarticle.py"} <= stages, asked
    assert (feeds >= PROCESS_MIN_FEEDS) == ("ingest/feeds.py" in stages), asked
    refused = [(stage, why) for stage, count, why in asked if count < 2]
    assert not refused, refused
    # What `--verbose` says of it, for a user who wonders where the second core went.
    assert f"analysis: {min(os.cpu_count() or 1, forking.MAX_WORKERS)} worker processes available" in proc.stderr


TEXTS = [
    "North Korea fired a ballistic missile into the East Sea on Wednesday, South Korea's Joint Chiefs of Staff said.",
    "South Korea and the United States began joint military drills near the border on Wednesday.",
    "Russian Foreign Minister Lavrov said Moscow and Pyongyang would continue cooperating closely.",
]


def test_work_begun_beside_the_split_shares_its_one_pool_and_equals_in_process(monkeypatch):
    from briefgen.analyse import stories

    articles = ingest(load_config(DEFAULT_CONFIG)).articles
    texts = [a.text for a in articles]
    alone = passages_mod.split_all(articles), stories.shingle_sets(texts)
    forked = []
    real_pool = forking.pool

    def counted(size: int = 0):
        executor = real_pool(size)
        forked.append(executor)
        return executor

    monkeypatch.setattr(forking, "pool", counted)
    monkeypatch.setattr(passages_mod, "PARALLEL_ARTICLES", 1)
    split, packed = passages_mod.split_beside(articles, None, stories.packed_shingles)
    grams = stories.unpacked(packed)
    assert split == alone[0]
    assert len(grams) == len(texts) and all((a == b).all() for a, b in zip(grams, alone[1], strict=True))
    # One pool for both (a second could not be forked beside the first's thread), shut down
    # once both are done.
    assert len(forked) == 1
    if forking.workers() >= 2:
        assert forked[0] is not None and forked[0]._shutdown_thread  # noqa: SLF001 - what the test is about
    assert not multiprocessing.active_children()


def test_work_shared_with_no_pool_runs_in_process():
    small = forking.Chunks(_double, [1, 2], minimum=10**9)
    beside = forking.Chunks(_double, [3, 4], minimum=1, share=small)
    assert small.results() == [2, 4] and beside.results() == [6, 8]


@pytest.mark.skipif(forking.workers() < 2, reason="needs two cores, fork and no other thread running")
def test_the_pools_timeline_shows_each_pool_begun_done_and_waited_for():
    # benchmarks/pools.py, which docs/performance.md reads the analysis's wall time with.
    out = subprocess.run([sys.executable, "-m", "benchmarks.pools", "1200", "24"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=True).stdout
    for stage in ("_spans_of", "packed_shingles"):
        assert f"{stage}: begun (2 pieces on workers)" in out and f"{stage}: a piece done" in out
        assert f"{stage}: asked for, waited" in out
    assert "whole analyse():" in out and "on workers" in out
