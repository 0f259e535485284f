"""Many feeds are parsed in worker processes when the command line runs alone: the store
ends up exactly as when they are parsed on threads (as in a process with other threads)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import yaml

from briefgen.config import load_config
from briefgen.ingest import feeds
from briefgen.pipeline import open_store, refresh

from .conftest import DEFAULT_CONFIG, ROOT
from .feedserver import FeedServer, Route, rss

FEEDS = 10


def _items(feed: int) -> list[dict[str, str]]:
    return [
        {"guid": f"f{feed}-{n}", "title": f"Item {n} of feed {feed}", "link": f"https://feed{feed}.example/{n}",
         "description": f"<p>North Korea fired a missile on Sept. {n + 1}, the U.S. military said.</p>"
                        f"<p>Feed {feed} adds a line of its own, item {n}.</p>",
         "date": f"Wed, 17 Jan 2024 0{n % 10}:0{feed % 10}:00 GMT"}
        for n in range(5)
    ] + ([] if feed else [{"guid": "broken", "title": "", "description": ""}])


def _stored(out: Path, config_file: Path) -> list[tuple[object, ...]]:
    config = load_config(config_file)
    with open_store(config, out) as store:
        rows = store.conn.execute("SELECT id, source, title, text, url, published, content_hash FROM articles ORDER BY id")
        return [tuple(r) for r in rows]


def test_worker_processes_store_what_threads_store(tmp_path: Path):
    assert FEEDS >= feeds.PROCESS_MIN_FEEDS
    with FeedServer() as server:
        for n in range(FEEDS):
            server.routes[f"/{n}.xml"] = Route(rss(_items(n), title=f"Feed {n}"))
        # Not a feed at all: the worker's NotAFeed comes back as the feed's health.
        server.routes["/page.xml"] = Route(b"<!DOCTYPE html><html><body>hi</body></html>", headers={"Content-Type": "text/html"})
        config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        config["sources"] = [{"name": f"Feed {n}", "url": server.url(f"/{n}.xml")} for n in range(FEEDS)]
        config["sources"].append({"name": "Page", "url": server.url("/page.xml")})
        config_file = tmp_path / "sources.yaml"
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

        # The command line alone in its process: parsing on worker processes.
        proc = subprocess.run([sys.executable, "-m", "briefgen", "fetch", "--debug", "--config", str(config_file),
                               "--out", str(tmp_path / "cli")], cwd=ROOT, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert f"parsing {FEEDS + 1} feeds on" in proc.stderr
        assert "Page" in proc.stdout and "not a feed (an HTML page)" in proc.stdout

        # Here the feed server's threads run too: parsing on threads.
        loaded = load_config(config_file)
        with open_store(loaded, tmp_path / "threads") as store:
            result = refresh(loaded, store, now=datetime.now(loaded.tz).replace(microsecond=0), progress=False)
        assert {h.source: h.status for h in result.health}["Page"] == "failed"

    by_processes = _stored(tmp_path / "cli", config_file)
    assert len(by_processes) == FEEDS * 5
    assert by_processes == _stored(tmp_path / "threads", config_file)
