"""Every feed of the corpus (feedparser's own tests and real-world captures), served over
HTTP and ingested: no crash, every failure named in source health, no markup in the text."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefgen.config import parse_config
from briefgen.pipeline import open_store, refresh

from .feedserver import CORPUS, FeedServer

FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and not p.name.startswith(("LICENSE", "README")))
TAG = re.compile(r"<(?:script|style|iframe|img|a|p|div|span|b|i|br|object|embed|link|meta)\b", re.I)


def test_the_corpus_is_complete():
    counts = Counter(p.relative_to(CORPUS).parts[0] for p in FILES)
    assert counts == {"feedparser-tests": 2248, "real-feeds": 41}
    assert (CORPUS / "feedparser-tests/LICENSE").is_file()
    assert (CORPUS / "real-feeds/LICENSE.node-feedparser").is_file() and (CORPUS / "real-feeds/LICENSE.rss-parser").is_file()


@pytest.mark.parametrize("part", ["feedparser-tests", "real-feeds"])
def test_every_corpus_feed_is_ingested_without_a_crash(tmp_path: Path, part: str):
    files = [f for f in FILES if f.relative_to(CORPUS).parts[0] == part]
    with FeedServer() as server:
        sources = []
        for file in files:
            path = "/" + file.relative_to(CORPUS).as_posix()
            server.serve_corpus_file(path, file)
            sources.append({"name": file.relative_to(CORPUS).as_posix(), "url": server.url(path)})
        config = parse_config({
            "timezone": "Asia/Seoul", "sources": sources,
            "themes": [{"key": "missiles", "label": "Missiles", "terms": ["missile"]}],
            # One host serves them all: let it take the whole run's concurrency.
            "feeds": {"per_host": 16, "retries": 0, "read_timeout": 5, "deadline": 20},
        }, base_dir=tmp_path)
        with open_store(config, tmp_path / "out") as store:
            result = refresh(config, store, now=datetime(2024, 1, 17, tzinfo=ZoneInfo("Asia/Seoul")), progress=False)
            stored = store.count_articles()
    health = {h.source: h for h in result.health}
    assert set(health) == {s["name"] for s in sources}
    # Each failure is named, with a reason in words; none is a crash caught at the last line.
    failed = {name: h.reason for name, h in health.items() if h.failed}
    assert all(reason and not reason.startswith("unexpected error") for reason in failed.values()), failed
    assert all(h.status == "ok" for h in health.values() if not h.failed)
    ok_items = sum(h.items for h in health.values() if h.status == "ok")
    assert ok_items > 0 and stored > 0
    with open_store(config, tmp_path / "out") as store:
        for source in sources[:: max(1, len(sources) // 300)]:
            for article in store.load_articles(source["name"], None, datetime(2100, 1, 1, tzinfo=ZoneInfo("UTC")), ZoneInfo("UTC")):
                assert not TAG.search(article.text), (source["name"], article.text[:200])
                assert not TAG.search(article.title), (source["name"], article.title)
    if part == "real-feeds":
        assert failed.get("real-feeds/notafeed.html", "").startswith("not a feed")
        for good in ("real-feeds/guardian.rss", "real-feeds/heise.atom", "real-feeds/uolNoticias.rss", "real-feeds/tpm.atom"):
            assert health[good].status == "ok" and health[good].items > 0, good
    else:
        assert health["feedparser-tests/compression/gzip.gz"].items == 0  # a feed with a title and no items
        assert health["feedparser-tests/compression/gzip.gz"].status == "ok"
        assert failed["feedparser-tests/http/http_status_404.xml"] == "HTTP 404"
        assert failed["feedparser-tests/compression/gzip-not-compressed.gz"] == "could not decompress the response"
        assert health["feedparser-tests/http/http_status_301.xml"].status == "ok"
        assert health["feedparser-tests/encoding/euc-kr.xml"].status == "ok"
