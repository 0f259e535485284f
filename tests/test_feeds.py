"""Feed fetching against a real HTTP server on loopback: politeness, limits, failures in words."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefgen.config import parse_config
from briefgen.ingest import IngestContext, ingest
from briefgen.ingest.fetch import USER_AGENT
from briefgen.pipeline import open_store, refresh

from .feedserver import FeedServer, Route, rss

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2024, 1, 17, 7, 0, tzinfo=SEOUL)
THEMES = [{"key": "missiles", "label": "Missiles", "terms": ["missile"]}]
STORY = "North Korea fired a ballistic missile into the East Sea on Wednesday, the South's military said."
ITEM = {"guid": "item-1", "title": "Missile launch", "link": "https://news.example/a", "description": f"<p>{STORY}</p>",
        "date": "Wed, 17 Jan 2024 01:00:00 GMT"}
# Small limits: a failing case costs a fraction of a second, never a wall-clock assertion.
FAST = {"connect_timeout": 1, "read_timeout": 0.3, "deadline": 1.5, "retries": 1, "backoff": 0.01,
        "retry_after_max": 2, "max_size": "1 MB", "max_redirects": 2}


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


def make_config(tmp_path: Path, server: FeedServer, routes: dict[str, str], **feeds: object):
    sources = [{"name": name, "url": server.url(path) if path.startswith("/") else path} for name, path in routes.items()]
    return parse_config({"timezone": "Asia/Seoul", "sources": sources, "themes": THEMES,
                         "feeds": {**FAST, **feeds}}, base_dir=tmp_path)


def run(config, **context: object):
    return ingest(config, IngestContext(now=NOW, progress=False, **context))


def health_of(result) -> dict[str, object]:
    return {h.source: h for h in result.health}


def test_every_failure_is_named_in_words_and_never_stops_the_others(tmp_path, server):
    server.routes.update({
        "/ok": Route(rss([ITEM])),
        "/404": Route(b"gone", status=404),
        "/500": Route(rss([ITEM]), fail_first=99, fail_status=500),
        "/stall": Route(rss([ITEM]), stall=5),
        "/trickle": Route(rss([ITEM]) * 20, trickle=0.05),
        "/loop-a": Route(status=302, headers={"Location": "/loop-b"}),
        "/loop-b": Route(status=301, headers={"Location": "/loop-a"}),
        "/hop1": Route(status=302, headers={"Location": "/hop2"}),
        "/hop2": Route(status=302, headers={"Location": "/hop3"}),
        "/hop3": Route(status=302, headers={"Location": "/ok"}),
        "/big": Route(b"x" * (3 * 1024 * 1024)),
        "/big-stream": Route(rss([ITEM]) + b" " * (2 * 1024 * 1024), no_length=True),
        "/bomb": Route(rss([ITEM]) + b" " * (4 * 1024 * 1024), encoding="gzip"),
        "/html": Route(b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>", headers={"Content-Type": "text/html"}),
        "/junk": Route(b"this is not xml at all", headers={"Content-Type": "text/plain"}),
        "/empty": Route(b"", headers={"Content-Type": "application/xml"}),
        "/bad-gzip": Route(b"not really gzip", encoding="gzip", raw_encoding=True),
    })
    names = {
        "ok": "/ok", "404": "/404", "500": "/500", "stall": "/stall", "trickle": "/trickle", "loop": "/loop-a",
        "hops": "/hop1", "big": "/big", "big-stream": "/big-stream", "bomb": "/bomb", "html": "/html",
        "junk": "/junk", "empty": "/empty", "bad-gzip": "/bad-gzip", "refused": "http://127.0.0.1:9/feed",
    }
    result = run(make_config(tmp_path, server, names))
    health = health_of(result)
    assert set(health) == set(names)
    expected = {
        "404": "HTTP 404",
        "500": "HTTP 500",
        "stall": "timed out after 0.3 s",
        "trickle": "timed out after 1.5 s (the whole fetch)",
        "loop": "redirect loop",
        "hops": "too many redirects (more than 2)",
        "big": "too large: 3 MB > 1 MB",
        "big-stream": "too large: over 1 MB",
        "bomb": "too large: over 1 MB",
        "html": "not a feed (an HTML page)",
        "junk": "not a feed",
        "empty": "not a feed (empty response)",
        "bad-gzip": "could not decompress the response",
        "refused": "could not connect: connection refused",
    }
    for name, reason in expected.items():
        assert (health[name].status, health[name].reason) == ("failed", reason), name
        assert health[name].duration is not None
    assert health["ok"].status == "ok" and health["ok"].items == 1
    assert [a.title for a in result.articles] == ["Missile launch"]
    # Timeouts and 5xx are retried (retries: 1); a 404 is not.
    assert len(server.hits_for("/500")) == 2
    assert len(server.hits_for("/stall")) == 2
    assert len(server.hits_for("/404")) == 1


def test_429_retry_after_is_honoured_and_503_is_retried(tmp_path, server):
    server.routes.update({
        "/429": Route(rss([ITEM]), fail_first=1, fail_status=429, retry_after="1"),
        "/429-long": Route(rss([ITEM]), fail_first=9, fail_status=429, retry_after="120"),
        "/503": Route(rss([ITEM]), fail_first=2, fail_status=503),
    })
    config = make_config(tmp_path, server, {"429": "/429", "429-long": "/429-long", "503": "/503"}, retries=2)
    health = health_of(run(config))
    assert health["429"].status == "ok" and [h.status for h in server.hits_for("/429")] == [429, 200]
    # A wait longer than retry_after_max is not sat out: the feed fails for this run.
    assert health["429-long"].reason == "HTTP 429 (asked to retry after 120 s)"
    assert len(server.hits_for("/429-long")) == 1
    assert health["503"].status == "ok" and [h.status for h in server.hits_for("/503")] == [503, 503, 200]


def test_conditional_get_second_run_parses_nothing(tmp_path, server, caplog):
    server.routes["/etag"] = Route(rss([ITEM]), etag='"v1"')
    server.routes["/lm"] = Route(rss([{**ITEM, "guid": "lm-1", "link": "https://news.example/lm", "title": "Other"}]),
                                 last_modified="Wed, 17 Jan 2024 00:00:00 GMT")
    config = make_config(tmp_path, server, {"etag": "/etag", "lm": "/lm"})
    with open_store(config, tmp_path / "out") as store:
        first = refresh(config, store, now=NOW, progress=False)
        assert {h.source: (h.status, h.new_items) for h in first.health} == {"etag": ("ok", 1), "lm": ("ok", 1)}
        count = store.count_articles()
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="briefgen.ingest.entries"):
            second = refresh(config, store, now=NOW, progress=False)
        assert {h.source: h.status for h in second.health} == {"etag": "not modified", "lm": "not modified"}
        assert all(h.new_items == 0 and h.items == 0 for h in second.health)
        assert not [r for r in caplog.records if r.getMessage().startswith("parsing")]
        assert store.count_articles() == count
    etag_hits, lm_hits = server.hits_for("/etag"), server.hits_for("/lm")
    assert [h.status for h in etag_hits] == [200, 304] and [h.status for h in lm_hits] == [200, 304]
    assert "If-None-Match" not in etag_hits[0].headers and etag_hits[1].headers["If-None-Match"] == '"v1"'
    assert lm_hits[1].headers["If-Modified-Since"] == "Wed, 17 Jan 2024 00:00:00 GMT"


def test_a_changed_feed_is_fetched_in_full_again(tmp_path, server):
    server.routes["/feed"] = Route(rss([ITEM]), etag='"v1"')
    config = make_config(tmp_path, server, {"feed": "/feed"})
    with open_store(config, tmp_path / "out") as store:
        refresh(config, store, now=NOW, progress=False)
        server.routes["/feed"] = Route(rss([ITEM, {**ITEM, "guid": "item-2", "link": "https://news.example/b",
                                                   "title": "Second launch"}]), etag='"v2"')
        again = refresh(config, store, now=NOW, progress=False)
        assert (again.health[0].status, again.health[0].items, again.health[0].new_items) == ("ok", 2, 1)
        assert store.count_articles() == 2
        assert store.feed_state("feed", server.url("/feed")).etag == '"v2"'


def test_gzip_deflate_redirects_and_the_client_identity(tmp_path, server):
    server.routes.update({
        "/gzip": Route(rss([ITEM]), encoding="gzip"),
        "/deflate": Route(rss([{**ITEM, "guid": "d"}]), encoding="deflate"),
        "/moved": Route(status=301, headers={"Location": "/gzip"}),
    })
    health = health_of(run(make_config(tmp_path, server, {"gzip": "/gzip", "deflate": "/deflate", "moved": "/moved"})))
    assert all(h.status == "ok" and h.items == 1 for h in health.values()), health
    hit = server.hits_for("/deflate")[0]
    assert hit.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("briefgen/") and "(+https://github.com/briefgen/briefgen)" in USER_AGENT
    assert "gzip" in hit.headers["Accept-Encoding"] and "deflate" in hit.headers["Accept-Encoding"]


def test_no_more_than_per_host_requests_at_once(tmp_path, server):
    for n in range(6):
        server.routes[f"/slow{n}"] = Route(rss([{**ITEM, "guid": f"s{n}"}]), delay=0.15)
    routes = {f"slow{n}": f"/slow{n}" for n in range(6)}
    run(make_config(tmp_path, server, routes, per_host=2, deadline=10))
    assert server.max_in_flight == 2
    server.max_in_flight = 0
    run(make_config(tmp_path, server, routes, per_host=4, concurrency=1, deadline=10))
    assert server.max_in_flight == 1


def test_a_feed_waiting_for_its_host_is_not_timed_out_for_waiting(tmp_path, server):
    """The deadline is one feed's own time: four feeds on one host, taken one at a time,
    each well within the deadline, all arrive though the last waits longer than it."""
    for n in range(4):
        server.routes[f"/queued{n}"] = Route(rss([{**ITEM, "guid": f"q{n}"}]), delay=0.25)
    routes = {f"queued{n}": f"/queued{n}" for n in range(4)}
    health = health_of(run(make_config(tmp_path, server, routes, per_host=1, deadline=0.7, read_timeout=0.6)))
    assert {name: (h.status, h.reason) for name, h in health.items()} == {name: ("ok", None) for name in routes}
    assert server.max_in_flight == 1


def test_bozo_feed_with_entries_is_used_and_an_empty_feed_is_not_a_failure(tmp_path, server):
    bozo = rss([ITEM]).replace(b"<title>Missile launch</title>", b"<title>Missile &amp launch &nbsp;</title>")
    server.routes.update({
        "/bozo": Route(bozo),
        "/latin1": Route(rss([ITEM]).replace(b'encoding="utf-8"', b'encoding="iso-8859-1"'),
                         headers={"Content-Type": "application/rss+xml; charset=utf-8"}),
        "/empty-feed": Route(rss([])),
    })
    result = run(make_config(tmp_path, server, {"bozo": "/bozo", "latin1": "/latin1", "empty-feed": "/empty-feed"}))
    health = health_of(result)
    assert health["bozo"].status == "ok" and health["bozo"].items == 1
    assert health["latin1"].status == "ok" and health["latin1"].items == 1
    assert (health["empty-feed"].status, health["empty-feed"].reason) == ("ok", "empty feed")


def test_json_feed_1_0_and_1_1(tmp_path, server):
    v11 = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://json.example/",
           "items": [{"id": 1, "url": "/one", "title": "JSON one", "content_html": f"<p>{STORY}</p>",
                      "date_published": "2024-01-17T01:00:00Z", "authors": [{"name": "A. Writer"}]}]}
    v10 = {"version": "https://jsonfeed.org/version/1", "title": "J",
           "items": [{"id": "x", "url": "https://json.example/two", "content_text": "Plain text item about a missile launch.",
                      "date_modified": "2024-01-17T02:00:00+09:00", "author": {"name": "B"}}]}
    server.routes.update({
        "/v11": Route(json.dumps(v11).encode(), headers={"Content-Type": "application/feed+json"}),
        "/v10": Route(json.dumps(v10).encode(), headers={"Content-Type": "application/json"}),
        "/not-json-feed": Route(b'{"hello": "world"}', headers={"Content-Type": "application/json"}),
    })
    result = run(make_config(tmp_path, server, {"v11": "/v11", "v10": "/v10", "other": "/not-json-feed"}))
    by_source = {a.source: a for a in result.articles}
    one = by_source["v11"]
    assert (one.title, one.url, one.author, one.guid) == ("JSON one", "https://json.example/one", "A. Writer", "1")
    assert one.published.isoformat() == "2024-01-17T01:00:00+00:00" and one.text == STORY
    two = by_source["v10"]
    assert two.text == "Plain text item about a missile launch." and two.published.utcoffset().total_seconds() == 9 * 3600
    assert health_of(result)["other"].reason == "not a feed (JSON, but not a JSON Feed)"


def test_feed_html_becomes_clean_text_and_only_http_links_survive(tmp_path, server):
    hostile = ("<div><p>North Korea fired a <b>ballistic</b> missile &amp; more, officials said.</p>"
               "<script>alert('x')</script><style>p{color:red}</style><!-- hidden -->"
               "<p>Second paragraph with an <a href='javascript:alert(1)'>evil link</a> inside it.</p>"
               "<img src='file:///etc/passwd' onerror='alert(1)'>&lt;script&gt;escaped()&lt;/script&gt;</div>")
    server.routes["/html-items"] = Route(rss([
        {"guid": "h1", "title": "Title with <b>bold</b> &amp; entity", "link": "javascript:alert(1)", "description": hostile},
    ]))
    [article] = run(make_config(tmp_path, server, {"hostile": "/html-items"})).articles
    assert article.title == "Title with bold & entity"
    assert article.url is None
    assert article.text.split("\n\n") == [
        "North Korea fired a ballistic missile & more, officials said.",
        "Second paragraph with an evil link inside it.",
        # Markup escaped in the feed is text the publisher showed; its tags still go.
        "escaped()",
    ]
    assert "<" not in article.text and "alert" not in article.text and "color" not in article.text


def test_a_feed_body_is_never_taken_for_a_file_name(tmp_path, server):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss([{"guid": "s", "title": "Secret local file", "description": "Never read me."}]))
    server.routes["/path"] = Route(str(secret).encode(), headers={"Content-Type": "application/rss+xml"})
    xxe = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">]>'
           b'<rss version="2.0"><channel><title>t</title><item><guid>x</guid><title>Leak &xxe; here</title>'
           b"<description>Entity test item text.</description></item></channel></rss>")
    server.routes["/xxe"] = Route(xxe)
    result = run(make_config(tmp_path, server, {"path": "/path", "xxe": "/xxe"}))
    assert health_of(result)["path"].reason == "not a feed"
    assert all("Secret" not in a.title and "Never read" not in a.text for a in result.articles)


def test_offline_and_fetch_false_make_no_request(tmp_path, server):
    server.routes["/feed"] = Route(rss([ITEM]))
    config = make_config(tmp_path, server, {"feed": "/feed"})
    result = run(config, offline=True)
    assert [(h.status, h.reason) for h in result.health] == [("offline", "--offline: stored items only")]
    data = config.model_dump()
    data["sources"][0]["fetch"] = False
    quiet = parse_config({k: v for k, v in data.items() if k != "base_dir"}, base_dir=tmp_path)
    assert [(h.status, h.reason) for h in run(quiet).health] == [("offline", "fetch: false: stored items only")]
    assert server.hits == []


def test_fulltext_uses_the_page_for_new_items_and_falls_back_to_the_summary(tmp_path, server):
    page = ("<html><head><title>Full story</title></head><body><nav>Home | World</nav><article><h1>Full story</h1>"
            + "".join(f"<p>Paragraph {n} of the full article explains the missile launch in much more detail than the feed.</p>"
                      for n in range(1, 6))
            + "</article><footer>Copyright</footer></body></html>").encode()
    server.routes.update({
        "/page": Route(page, headers={"Content-Type": "text/html; charset=utf-8"}),
        "/stalled-page": Route(page, headers={"Content-Type": "text/html"}, stall=10),
        "/missing-page": Route(b"no", status=404),
    })
    items = [
        {"guid": "p1", "title": "Has a page", "link": server.url("/page"), "description": "Short summary one."},
        {"guid": "p2", "title": "Page stalls", "link": server.url("/stalled-page"), "description": "Short summary two."},
        {"guid": "p3", "title": "Page missing", "link": server.url("/missing-page"), "description": "Short summary three."},
    ]
    server.routes["/feed"] = Route(rss(items))
    data = {"timezone": "Asia/Seoul", "themes": THEMES, "feeds": {**FAST, "fulltext_timeout": 2.5},
            "sources": [{"name": "full", "url": server.url("/feed"), "fulltext": True}]}
    config = parse_config(data, base_dir=tmp_path)
    with open_store(config, tmp_path / "out") as store:
        result = refresh(config, store, now=NOW, progress=False)
        assert result.health[0].status == "ok"
        texts = {a.title: a.text for a in store.load_articles("full", None, NOW, SEOUL)}
        assert texts["Has a page"].startswith("Paragraph 1 of the full article") and "Copyright" not in texts["Has a page"]
        assert texts["Page stalls"] == "Short summary two."
        assert texts["Page missing"] == "Short summary three."
        pages_fetched = len(server.hits_for("/page"))
        # The feed changes (no validators here): known items' pages are not fetched again.
        refresh(config, store, now=NOW, progress=False)
        assert len(server.hits_for("/page")) == pages_fetched == 1


def test_an_item_is_dated_by_its_feed_else_by_its_page_metadata_else_not_at_all(tmp_path, server):
    def page(head: str) -> bytes:
        return (f"<html><head><title>Page</title>{head}</head><body><article><h1>Page</h1>"
                + "".join(f"<p>Paragraph {n} of the page says the launch of 2023-03-05 was a missile test.</p>" for n in range(4))
                + "</article></body></html>").encode()

    published = '<meta property="article:published_time" content="2024-01-16T20:00:00+09:00">'
    server.routes.update({
        "/dated-page": Route(page(published), headers={"Content-Type": "text/html"}),
        "/meta-page": Route(page(published), headers={"Content-Type": "text/html"}),
        "/2023/03/05/bare-page": Route(page('<link rel="canonical" href="https://news.example/2023/03/05/bare">'),
                                        headers={"Content-Type": "text/html"}),
    })
    def items(feed: str) -> list[dict[str, str]]:
        # Links and titles of their own per feed: the store would take one feed's items for the other's.
        return [
            {**ITEM, "guid": "dated", "title": f"{feed}: dated", "link": server.url(f"/dated-page?{feed}")},
            {"guid": "meta", "title": f"{feed}: dated by its page", "link": server.url(f"/meta-page?{feed}"), "description": STORY},
            {"guid": "bare", "title": f"{feed}: undated", "link": server.url(f"/2023/03/05/bare-page?{feed}"), "description": STORY},
        ]

    server.routes.update({"/plain": Route(rss(items("plain"))), "/full": Route(rss(items("full")))})
    config = parse_config({"timezone": "Asia/Seoul", "themes": THEMES, "feeds": FAST, "sources": [
        {"name": "plain", "url": server.url("/plain")}, {"name": "full", "url": server.url("/full"), "fulltext": True}]},
        base_dir=tmp_path)
    with open_store(config, tmp_path / "out") as store:
        refresh(config, store, now=NOW, progress=False)
        dates = {a.title: (a.published, a.date_basis)
                 for name in ("plain", "full") for a in store.load_articles(name, None, NOW, SEOUL)}
    feed_date = (datetime(2024, 1, 17, 1, 0, tzinfo=ZoneInfo("UTC")), "feed")
    assert dates == {
        "plain: dated": feed_date, "plain: dated by its page": (None, None), "plain: undated": (None, None),
        # The feed's own date wins over its page's; a page only dates an item its feed does not.
        "full: dated": feed_date,
        "full: dated by its page": (datetime(2024, 1, 16, 20, 0, tzinfo=SEOUL), "html metadata"),
        # Nor does the date in its text, or in its link, make one.
        "full: undated": (None, None),
    }
    assert len(server.hits_for("/2023/03/05/bare-page?full")) == 1 and not server.hits_for("/2023/03/05/bare-page?plain")


def test_a_public_feed_cannot_point_fulltext_at_the_private_network():
    """Address checks only: literal IPs, so nothing is resolved or contacted."""
    import asyncio

    from briefgen.ingest.fulltext import allowed, internal

    assert internal("http://127.0.0.1:8080/page") and internal("http://10.1.2.3/") and internal("http://[::1]/x")
    assert internal("http://169.254.169.254/latest/meta-data/")
    assert not internal("https://93.184.216.34/story")
    public_feed = "https://93.184.216.34/rss"
    assert not asyncio.run(allowed("http://169.254.169.254/latest/meta-data/", public_feed))
    assert not asyncio.run(allowed("http://127.0.0.1:6379/", public_feed))
    assert asyncio.run(allowed("https://93.184.216.35/story", public_feed))
    # An internal feed (a company's own server, or the tests' loopback one) may link internally.
    assert asyncio.run(allowed("http://10.0.0.7/story", "http://10.0.0.5/feed"))


def test_a_refused_redirect_stops_the_fetch(server):
    """The guard is asked at every hop: fulltext uses it so a public page cannot bounce to an internal one."""
    import asyncio

    from briefgen.config import FeedsConfig
    from briefgen.ingest.fetch import Fetcher, FetchError

    server.routes.update({
        "/public": Route(status=302, headers={"Location": "/internal"}),
        "/internal": Route(b"secret"),
    })
    asked: list[str] = []

    async def guard(target: str) -> bool:
        asked.append(target)
        return not target.endswith("/internal")

    async def fetch(with_guard: bool) -> bytes:
        async with Fetcher(FeedsConfig(**FAST)) as fetcher:
            response = await fetcher.get(server.url("/public"), guard=guard if with_guard else None)
            return response.body

    with pytest.raises(FetchError, match="redirected to a refused address"):
        asyncio.run(fetch(True))
    assert asked == [server.url("/internal")]
    assert server.hits_for("/internal") == []
    assert asyncio.run(fetch(False)) == b"secret"
