"""The fault matrix: every way a feed can fail, each driven through the whole pipeline.

One row per fault, each a real feed on 127.0.0.1 (or a port nobody listens on, or a name
that never resolves) beside a healthy feed and the seeds. For each: the brief is written,
the failing source is named with its reason in the brief, the healthy feed is in it, and
the store is whole (`PRAGMA integrity_check`) and says what happened (feed state, run
health, ledger) the same way on a second run.
"""

from __future__ import annotations

import gzip
import html
import json
import socket
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from briefgen.cli import main
from briefgen.ingest.inflate import Inflater

from .feedserver import FeedServer, Route, rss
from .mailserver import free_port

DAY = "2024-01-17"
FAULTY = "Faulty feed"
HEALTHY = "Healthy wire"
WIRE = {"guid": "wire-1", "title": "Missile launch reported", "link": "https://wire.example/1",
        "description": "<p>North Korea fired a ballistic missile into the East Sea on Wednesday, the South's military said.</p>",
        "date": "Wed, 17 Jan 2024 01:00:00 GMT"}
# Small limits: a failing row costs a second or so, never a wall-clock assertion.
FEEDS = {"connect_timeout": 1, "read_timeout": 0.3, "deadline": 2, "retries": 1, "backoff": 0.01,
         "retry_after_max": 2, "max_size": "1 MB", "max_redirects": 3}
# Korean, accents and typographic quotes: text that a wrong charset would turn to mojibake.
KOREAN_TITLE = "북한, 동해상으로 탄도미사일 발사"
KOREAN_TEXT = "합동참모본부는 북한이 수요일 오전 탄도미사일을 발사했다고 밝혔다. Le café « Séoul » a fermé."


@dataclass
class Fault:
    routes: dict[str, Route] = field(default_factory=dict)
    url: str = "/feed"          # a path on the feed server, or a whole URL
    status: str = "failed"
    reason: str | None = None   # the exact reason in the source's health row
    items: int = 0


def _bomb() -> bytes:
    """64 MB of zeros, gzip-compressed to about 64 KB: tiny on the wire, huge unpacked."""
    return gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)


MATRIX = {
    "connection refused": Fault(url=f"http://127.0.0.1:{free_port()}/feed",
                                reason="could not connect: connection refused"),
    # RFC 6761: a .invalid name never resolves, and must fail without asking the network.
    "DNS failure": Fault(url="http://feeds.briefgen.invalid/rss.xml", reason="could not connect: host not found (DNS)"),
    "timeout before headers": Fault({"/feed": Route(rss([WIRE]), delay=10)}, reason="timed out after 0.3 s"),
    "body stalls mid-way": Fault({"/feed": Route(rss([WIRE]) * 4, stall_after=300, stall=10)},
                                 reason="timed out after 0.3 s"),
    "HTTP 404": Fault({"/feed": Route(b"not here", status=404)}, reason="HTTP 404"),
    "HTTP 500": Fault({"/feed": Route(rss([WIRE]), fail_first=99, fail_status=500)}, reason="HTTP 500"),
    "HTTP 429, Retry-After too long": Fault(
        {"/feed": Route(rss([WIRE]), fail_first=99, fail_status=429, retry_after="120")},
        reason="HTTP 429 (asked to retry after 120 s)"),
    "HTTP 429, Retry-After honoured": Fault(
        {"/feed": Route(rss([{**WIRE, "guid": "later-1", "link": "https://later.example/1", "title": "Launch confirmed",
                              "description": "<p>Japan said the missile fell outside its economic zone.</p>"}]), fail_first=1,
                        fail_status=429, retry_after="1")},
        status="ok", items=1),
    "redirect loop": Fault({"/feed": Route(status=302, headers={"Location": "/feed-b"}),
                            "/feed-b": Route(status=301, headers={"Location": "/feed"})}, reason="redirect loop"),
    "gzip bomb": Fault({"/feed": Route(_bomb(), encoding="gzip", raw_encoding=True)}, reason="too large: over 1 MB"),
    # The header says Latin-1, the bytes are UTF-8 (and the XML declaration says so): the
    # body's own evidence wins, and the brief reads right.
    "wrong charset header": Fault(
        {"/feed": Route(rss([{"guid": "ko-1", "title": KOREAN_TITLE, "link": "https://ko.example/1",
                              "description": f"<p>{KOREAN_TEXT}</p>", "date": "Wed, 17 Jan 2024 02:00:00 GMT"}]),
                        headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"})},
        status="ok", items=1),
    "HTML instead of a feed": Fault(
        {"/feed": Route(b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>Our news</p></body></html>",
                        headers={"Content-Type": "text/html; charset=utf-8"})},
        reason="not a feed (an HTML page)"),
    "empty 200": Fault({"/feed": Route(b"", headers={"Content-Type": "application/rss+xml"})},
                       reason="not a feed (empty response)"),
}


@pytest.fixture(scope="module")
def server():
    with FeedServer() as srv:
        yield srv


def _configure(project: Path, server: FeedServer, name: str, fault: Fault) -> Path:
    prefix = "/" + name.replace(" ", "-").replace(",", "")
    for path, route in fault.routes.items():
        if "Location" in route.headers:
            route.headers["Location"] = prefix + route.headers["Location"]
        server.routes[prefix + path] = route
    url = fault.url if "://" in fault.url else server.url(prefix + fault.url)
    server.routes[prefix + "/wire"] = Route(rss([WIRE]), etag='"wire-v1"')
    config = project / "sources.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["sources"] = [data["sources"][0], {"name": HEALTHY, "url": server.url(prefix + "/wire")},
                       {"name": FAULTY, "url": url}]
    data["feeds"] = FEEDS
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def _generate(config: Path) -> int:
    return main(["generate", "--config", str(config), "--date", DAY, "--format", "html,json", "--quiet"])


def _query(project: Path, sql: str, *args: object) -> list[sqlite3.Row]:
    with sqlite3.connect(project / "out/.briefgen/briefgen.sqlite3") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, args).fetchall()


def assert_store_is_whole(project: Path) -> None:
    """SQLite's own checks, then what the store promises of itself."""
    assert [r[0] for r in _query(project, "PRAGMA integrity_check")] == ["ok"]
    assert _query(project, "PRAGMA foreign_key_check") == []
    # Every sighting names a stored article, every brief's article is stored.
    assert _query(project, "SELECT * FROM article_sightings WHERE article_id NOT IN (SELECT id FROM articles)") == []
    assert _query(project, "SELECT * FROM brief_articles WHERE article_id NOT IN (SELECT id FROM articles)") == []
    # No run is left half-recorded, no message half-sent.
    assert _query(project, "SELECT * FROM runs WHERE status NOT IN ('done', 'failed', 'interrupted')") == []
    assert _query(project, "SELECT * FROM outbox WHERE status = 'sending'") == []


@pytest.mark.parametrize("name", list(MATRIX))
def test_a_faulty_feed_is_named_and_the_brief_is_made(name: str, project: Path, server: FeedServer):
    fault = MATRIX[name]
    config = _configure(project, server, name, fault)
    assert _generate(config) == 0

    folder = project / "out" / DAY
    assert sorted(p.name for p in folder.iterdir()) == [f"brief-{DAY}.html", f"brief-{DAY}.json"]
    brief = json.loads((folder / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    page = (folder / f"brief-{DAY}.html").read_text(encoding="utf-8")
    health = {h["source"]: h for h in brief["health"]}
    assert health[HEALTHY]["status"] == "ok" and health[HEALTHY]["items"] == 1
    row = health[FAULTY]
    assert (row["status"], row["reason"], row["items"]) == (fault.status, fault.reason, fault.items)
    titles = [s["title"] for s in brief["sources"]]
    assert WIRE["title"] in titles
    if fault.status == "failed":
        # Named in the brief a reader sees, with the reason in words.
        assert FAULTY in page and html.escape(fault.reason, quote=False) in page

    assert_store_is_whole(project)
    (feed,) = _query(project, "SELECT * FROM feeds WHERE source = ?", FAULTY)
    (run,) = _query(project, "SELECT * FROM source_runs WHERE source = ?", FAULTY)
    assert (run["brief_date"], run["status"], run["reason"]) == (DAY, fault.status, fault.reason)
    ledger = _query(project, "SELECT * FROM runs WHERE brief_date = ?", DAY)[0]
    assert ledger["status"] == "done" and len(json.loads(ledger["files"])) == 2
    stored = _query(project, "SELECT count(*) FROM articles WHERE origin = ?", FAULTY)[0][0]
    if fault.status == "failed":
        assert (feed["last_status"], feed["last_reason"], feed["consecutive_failures"]) == ("failed", fault.reason, 1)
        assert feed["failing_since"] is not None and feed["last_success"] is None
        # Nothing half-read is kept: no article, no validator from a response that failed.
        assert stored == 0 and feed["etag"] is None and feed["last_modified"] is None
    else:
        assert (feed["last_status"], feed["consecutive_failures"], feed["failing_since"]) == ("ok", 0, None)
        assert stored == fault.items

    # The same day again: the brief is made again, the failure counted once more, nothing doubled.
    articles = _query(project, "SELECT count(*) FROM articles")[0][0]
    assert _generate(config) == 0
    assert_store_is_whole(project)
    (again,) = _query(project, "SELECT * FROM feeds WHERE source = ?", FAULTY)
    assert len(_query(project, "SELECT * FROM source_runs WHERE source = ?", FAULTY)) == 2
    assert _query(project, "SELECT count(*) FROM articles")[0][0] == articles
    if fault.status == "failed":
        assert again["consecutive_failures"] == 2 and again["failing_since"] == feed["failing_since"]


@pytest.mark.parametrize("declared", [True, False], ids=["xml-declaration", "no-declaration"])
def test_the_wrong_charset_header_does_not_garble_the_brief(project: Path, server: FeedServer, declared: bool):
    """UTF-8 bytes labelled iso-8859-1: the Korean and the accents reach the brief as written,
    whether or not the XML declaration says utf-8."""
    fault = MATRIX["wrong charset header"]
    route = fault.routes["/feed"]
    body = route.body if declared else route.body.split(b"\n", 1)[1]
    assert body.startswith(b"<?xml") == declared
    fault = Fault({"/feed": Route(body, headers=route.headers)}, status="ok", items=1)
    config = _configure(project, server, f"charset check {declared}", fault)
    assert _generate(config) == 0
    folder = project / "out" / DAY
    brief = json.loads((folder / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    assert KOREAN_TITLE in [s["title"] for s in brief["sources"]]
    texts = json.dumps(brief, ensure_ascii=False)
    assert "탄도미사일을 발사했다고" in texts and "Le café « Séoul » a fermé." in texts
    page = (folder / f"brief-{DAY}.html").read_text(encoding="utf-8")
    assert KOREAN_TITLE in page
    # Mojibake of UTF-8 read as Latin-1 starts with these.
    for garbled in ("Ã", "ë¶", "í•"):
        assert garbled not in texts and garbled not in page
    (text,) = _query(project, "SELECT text FROM articles WHERE origin = ?", FAULTY)
    assert "탄도미사일을" in text[0]


def test_a_dns_failure_asks_no_resolver(project: Path, server: FeedServer, monkeypatch):
    """The .invalid row fails without a lookup that could leave the machine or hang."""
    asked: list[str] = []
    lookup = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        asked.append(host.decode() if isinstance(host, bytes) else str(host))
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    config = _configure(project, server, "dns check", MATRIX["DNS failure"])
    # A name that does need a lookup (in /etc/hosts), to show the lookups are seen.
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["sources"].append({"name": "By name", "url": server.url("/dns-check/wire").replace("127.0.0.1", "localhost")})
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["fetch", "--config", str(config), "--quiet"]) == 0
    (feed,) = _query(project, "SELECT * FROM feeds WHERE source = ?", FAULTY)
    assert feed["last_reason"] == "could not connect: host not found (DNS)"
    assert "localhost" in asked and not [h for h in asked if h.endswith(".invalid")]


def test_a_gzip_bomb_is_never_unpacked_past_the_cap():
    """Decompressed a cap's worth at a time: 64 KB of bomb never becomes 64 MB in memory."""
    cap = 1024 * 1024
    bomb = _bomb()
    inflate = Inflater("gzip")
    pieces, total = [], 0
    for piece in inflate.feed(bomb, cap + 1):
        pieces.append(len(piece))
        total += len(piece)
        if total > cap:
            break
    assert total > cap and max(pieces) <= cap + 1


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_is_read_in_either_form(wbits: int):
    text = rss([WIRE]) * 50
    packer = zlib.compressobj(wbits=wbits)
    packed = packer.compress(text) + packer.flush()
    inflate = Inflater("deflate")
    out = b"".join(inflate.feed(packed[:100], 64)) + b"".join(inflate.feed(packed[100:], 64))
    assert out + b"".join(inflate.flush(64)) == text
