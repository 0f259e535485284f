"""A deployment on a real PostgreSQL: many briefs, shared feeds, several worker processes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefgen.deploy.settings import load_deployment
from briefgen.store import Store

from .deployment import Workers, brief_config, briefgen, serve_feeds, wait_until, write_deployment
from .feedserver import FeedServer

TODAY = datetime.now(UTC).date().isoformat()


def _done(deployment: Path) -> dict[str, str]:
    """Each brief's ledger status for today."""
    loaded = load_deployment(deployment)
    found = {}
    for brief in loaded.briefs:
        with Store(loaded.store, namespace=brief.name) as db:
            row = db.conn.execute("SELECT status FROM runs WHERE brief_date = ?", (TODAY,)).fetchone()
        found[brief.name] = row[0] if row else None
    return found


@pytest.mark.slow
def test_two_briefs_sharing_a_feed_one_worker(tmp_path: Path, pg_url: str):
    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 3)
        deployment = write_deployment(tmp_path, pg_url, {
            "alpha": brief_config("alpha", urls[:2]),
            "beta": brief_config("beta", urls[1:]),
        })
        briefgen("check", "--deployment", str(deployment), "--migrate")
        with Workers(deployment, tmp_path) as workers:
            workers.start(1)
            briefgen("run", "--deployment", str(deployment))
            wait_until(lambda: set(_done(deployment).values()) == {"done"}, 120, "both briefs", workers.logs)
        for name in ("alpha", "beta"):
            made = json.loads((tmp_path / "out" / name / TODAY / f"brief-{TODAY}.json").read_text())
            assert made["title"] == f"Brief {name}"
        assert sorted(h.path for h in feeds.hits) == ["/feed0.xml", "/feed1.xml", "/feed2.xml"]
        status = json.loads(briefgen("status", "--deployment", str(deployment), "--format", "json").stdout)
        assert [b["last_status"] for b in status["briefs"]] == ["done", "done"]
