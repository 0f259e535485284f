"""Network: a public feed may not lead briefgen into the private network, by its own
redirects or its items' links, directly or through a proxy; one slow host does not hold
up the others; a source never requested says so.

"Public" hosts are literal global addresses reached through a proxy that is our loopback
server, so nothing leaves 127.0.0.1 and nothing is resolved.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .feedserver import FeedServer, Route, rss
from .hostile import DAY, generate, outputs, write_config

PUBLIC = "http://93.184.216.34"
DATE = "Wed, 17 Jan 2024 01:00:00 GMT"
STORY = ("<html><head><title>Launch</title></head><body><article><h1>Launch</h1>"
         + "".join(f"<p>Paragraph {n}: North Korea fired a ballistic missile into the sea on Wednesday, "
                   "the South's military said, the third launch this month.</p>" for n in range(6))
         + "</article></body></html>").encode()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch):
    """A loopback server that every request goes through, as HTTP_PROXY."""
    with FeedServer() as server:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", server.base)
        yield server


def _asked(server: FeedServer, suffix: str) -> list[str]:
    return [h.path for h in server.hits if h.path.split("?")[0].endswith(suffix)]


def test_a_public_feed_cannot_redirect_or_link_into_the_private_network(tmp_path: Path, proxy: FeedServer):
    inside = proxy.url("/admin/secret")
    proxy.routes[f"{PUBLIC}/moved"] = Route(status=302, headers={"Location": inside})
    proxy.routes[f"{PUBLIC}/hop"] = Route(status=301, headers={"Location": f"{PUBLIC}/moved"})
    proxy.routes["/admin/secret"] = Route(rss([{"guid": "s", "title": "SECRET internal item", "date": DATE}]))
    proxy.routes[f"{PUBLIC}/full"] = Route(rss([
        {"guid": "1", "title": "Launch in public", "link": f"{PUBLIC}/story", "description": "Summary one.", "date": DATE},
        {"guid": "2", "title": "Launch inside", "link": proxy.url("/admin/page"), "description": "Summary two.",
         "date": DATE},
        {"guid": "3", "title": "Launch on the wiki", "link": "http://wiki.corp.invalid/page",
         "description": "Summary three.", "date": DATE},
    ]))
    proxy.routes[f"{PUBLIC}/story"] = Route(STORY, headers={"Content-Type": "text/html; charset=utf-8"})
    proxy.routes["/admin/page"] = Route(b"<p>SECRET internal page</p>", headers={"Content-Type": "text/html"})
    # A company's own feed (internal) may redirect and link internally.
    proxy.routes["/corp"] = Route(status=302, headers={"Location": proxy.url("/admin/secret")})
    config = write_config(tmp_path, [
        {"name": "Moved", "url": f"{PUBLIC}/moved"},
        {"name": "Hop", "url": f"{PUBLIC}/hop"},
        {"name": "Full", "url": f"{PUBLIC}/full", "fulltext": True},
        {"name": "Corp", "url": proxy.url("/corp")},
    ], output={"dir": str(tmp_path / "out"), "formats": ["json"]})
    assert generate(config) == 0
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    health = {h["source"]: h for h in brief["health"]}
    for name in ("Moved", "Hop"):
        assert (health[name]["status"], health[name]["reason"]) == (
            "failed", f"redirected to a refused address: {inside}")
    assert health["Full"]["status"] == "ok" and health["Corp"]["status"] == "ok"
    # Only the company feed reached the internal feed; no internal page was fetched for the public one.
    assert len(_asked(proxy, "/admin/secret")) == 1 and _asked(proxy, "/admin/page") == []
    assert _asked(proxy, "/story") and not [h for h in proxy.hits if "wiki.corp" in h.path]
    texts = {s["title"]: s for s in brief["sources"]}
    assert texts["Launch inside"]["title"] and "SECRET internal page" not in json.dumps(brief)


def test_behind_a_proxy_a_host_our_resolver_cannot_find_counts_as_internal(monkeypatch: pytest.MonkeyPatch):
    from briefgen.ingest.fulltext import internal, proxied

    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY",
                 "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    wiki = "http://wiki.corp.invalid/page"
    assert not proxied(wiki) and not internal(wiki)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert proxied(wiki) and internal(wiki)
    assert not proxied("https://wiki.corp.invalid/") and not internal("https://wiki.corp.invalid/")
    monkeypatch.setenv("NO_PROXY", "corp.invalid")
    assert not proxied(wiki) and not internal(wiki)
    assert internal("http://localhost:8080/") and internal("http://db.localhost/")


def _feed(n: int, title: str) -> Route:
    return Route(rss([{"guid": f"{title}-{n}", "title": f"{title} launch {n}", "description": "A missile launch.",
                       "date": DATE}]))


def test_a_slow_host_does_not_hold_up_the_others(tmp_path: Path):
    """Even with `per_host` as large as `concurrency`, a slow host leaves a slot for the rest:
    every feed of the fast host is answered before the slow host's first answer."""
    with FeedServer() as slow, FeedServer() as fast:
        sources = []
        for n in range(3):
            slow.routes[f"/s{n}"] = _feed(n, "Slow")
            slow.routes[f"/s{n}"].delay = 1.0
            sources.append({"name": f"Slow {n}", "url": slow.url(f"/s{n}")})
        for n in range(3):
            fast.routes[f"/f{n}"] = _feed(n, "Fast")
            sources.append({"name": f"Fast {n}", "url": fast.url(f"/f{n}")})
        config = write_config(tmp_path, sources, feeds={"retries": 0, "deadline": 30, "concurrency": 2, "per_host": 2},
                              output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        assert generate(config) == 0
    first_slow = min(h.at for h in slow.hits)
    assert len(fast.hits) == 3 and all(h.at < first_slow for h in fast.hits)
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    assert {h["status"] for h in brief["health"]} == {"ok"}


def test_a_feed_the_run_never_asked_for_says_so(tmp_path: Path):
    """`feeds.run_deadline` passes while one slow feed is in flight and two wait for the
    same host: the first timed out, the others were not requested; the fast host is fine."""
    with FeedServer() as slow, FeedServer() as fast:
        for n in range(3):
            slow.routes[f"/s{n}"] = _feed(n, "Slow")
            slow.routes[f"/s{n}"].delay = 5.0
        fast.routes["/f"] = _feed(0, "Fast")
        config = write_config(tmp_path, [*({"name": f"Slow {n}", "url": slow.url(f"/s{n}")} for n in range(3)),
                                         {"name": "Fast", "url": fast.url("/f")}],
                              feeds={"retries": 0, "deadline": 30, "per_host": 1, "run_deadline": 1},
                              output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        assert generate(config) == 0
    brief = json.loads(outputs(tmp_path / "out" / DAY)["json"])
    health = {h["source"]: (h["status"], h["reason"]) for h in brief["health"]}
    why = "the run's feed deadline of 1 s (feeds.run_deadline) passed"
    assert health["Fast"] == ("ok", None)
    assert health["Slow 0"] == ("failed", f"timed out: {why}")
    assert health["Slow 1"] == health["Slow 2"] == ("failed", f"not requested: {why} while it waited for its host")
    assert len(slow.hits) <= 1
