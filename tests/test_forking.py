"""Work shared out to forked worker processes gives exactly what in-process work gives."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from briefgen import forking
from briefgen.analyse import analyse, themes
from briefgen.analyse import passages as passages_mod
from briefgen.config import load_config
from briefgen.ingest import ingest

from .conftest import DEFAULT_CONFIG


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
    assert forking.map_chunks(lambda xs: [x * 2 for x in xs], items, minimum=10**9) == [x * 2 for x in items]
    if forking.workers() >= 2:
        assert forking.map_chunks(_double, items, minimum=1) == [x * 2 for x in items]


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
