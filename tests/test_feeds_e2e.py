"""Done when: 20 locally served feeds, some broken, make a themed brief that names the broken
ones in source health; exit 0, or 4 with --strict; the same day again stores no duplicate
and gets 304s. Through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from briefgen.cli import main
from briefgen.config import load_config
from briefgen.pipeline import open_store

from .conftest import DEFAULT_CONFIG
from .feedserver import FeedServer, Route, rss

WIRE = ("North Korea fired a ballistic missile into the East Sea on Wednesday morning, South Korea's Joint Chiefs of Staff said, "
        "in the first launch of the year. The missile flew about 1,000 kilometres before falling into the sea, officials said.")
STORIES = {
    "missiles": [
        "Pyongyang said it had tested a new solid-fuel missile with a hypersonic warhead on Wednesday.",
        "Japan said the ballistic missile landed outside its exclusive economic zone after a flight of 30 minutes.",
    ],
    "drills": [
        "South Korea and the United States began joint military drills near the border on Wednesday.",
        "US Marine Corps fighters joined Japanese fighters in a bilateral exercise over the Sea of Japan.",
    ],
    "russia": [
        "Russian Foreign Minister Lavrov said Moscow and Pyongyang would continue cooperating closely.",
        "North Korea continues to sell weapons to Russia for its war in Ukraine, officials in Seoul said.",
    ],
    "other": [
        "Rice prices in Pyongyang markets rose sharply this week as winter supplies ran short, traders said.",
    ],
}
BROKEN = {
    "Gone": (Route(b"not here", status=404), "HTTP 404"),
    "Overloaded": (Route(b"", fail_first=99, fail_status=500), "HTTP 500"),
    "Homepage": (Route(b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>", headers={"Content-Type": "text/html"}),
                 "not a feed (an HTML page)"),
    "Sleepy": (Route(rss([]), stall=10), "timed out after 0.5 s"),
    "Huge": (Route(b"<rss>" + b" " * (2 * 1024 * 1024)), "too large: 2 MB > 1 MB"),
    "Circular": (Route(status=302, headers={"Location": "/Circular.xml"}), "redirect loop"),
}


def item(source: str, n: int, text: str, minute: int) -> dict[str, str]:
    # Each outlet adds a line of its own, as outlets do: the same news, not the same item.
    body = f"<p>{text}</p><p>Our correspondent {source} filed this report from Seoul.</p>"
    return {"guid": f"{source}-{n}", "title": text.split(",")[0][:60], "link": f"https://{source.lower()}.example/{n}?utm_source=rss",
            "description": body, "date": f"Wed, 17 Jan 2024 0{minute % 10}:{minute:02d}:00 GMT"}


@pytest.fixture
def world(tmp_path: Path):
    """A config of 20 feeds served on loopback: 14 that work (three carry the same wire story), 6 broken."""
    with FeedServer() as server:
        sources = []
        topics = [t for t in STORIES for _ in range(len(STORIES[t]))]
        texts = [s for t in STORIES for s in STORIES[t]]
        for n in range(14):
            name = f"Outlet {n:02d}"
            items = [item(f"o{n}", 1, texts[n % len(texts)], n), item(f"o{n}", 2, texts[(n + 3) % len(texts)], n + 10)]
            if n < 3:  # the same wire story, lightly edited by each outlet
                items.append(item(f"o{n}", 3, WIRE.replace("Wednesday morning", "Wednesday") if n else WIRE, 30 + n))
            route = Route(rss(items, title=name), etag=f'"{name}-v1"')
            if n % 2:
                route = Route(rss(items, title=name), last_modified="Wed, 17 Jan 2024 00:00:00 GMT")
            server.routes[f"/{n}.xml"] = route
            sources.append({"name": name, "url": server.url(f"/{n}.xml")})
        for name, (route, _) in BROKEN.items():
            server.routes[f"/{name}.xml"] = route
            sources.append({"name": name, "url": server.url(f"/{name}.xml")})
        assert len(sources) == 20 and len(topics) == 7
        config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        config["sources"] = sources
        config["feeds"] = {"read_timeout": 0.5, "deadline": 3, "retries": 1, "backoff": 0.01, "max_size": "1 MB"}
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        yield path, server


def generate(path: Path, *extra: str) -> int:
    return main(["generate", "-c", str(path), "--date", "2024-01-17", "--out", str(path.parent / "out"), *extra])


def test_twenty_feeds_make_a_themed_brief_that_names_the_broken_ones(world, caplog):
    path, server = world
    assert generate(path) == 0
    folder = path.parent / "out/2024-01-17"
    data = json.loads((folder / "brief-2024-01-17.json").read_text(encoding="utf-8"))
    names = {s["name"] for s in data["sources"]}
    assert names == {f"Outlet {n:02d}" for n in range(14)}
    for theme in data["themes"]:
        assert theme["stories"] and theme["passages"], theme["key"]
    health = {h["source"]: h for h in data["health"]}
    assert len(health) == 20
    for name, (_, reason) in BROKEN.items():
        assert (health[name]["status"], health[name]["reason"]) == ("failed", reason)
    assert all(health[f"Outlet {n:02d}"]["status"] == "ok" and health[f"Outlet {n:02d}"]["new_items"] >= 2 for n in range(14))
    # The wire story carried by three outlets is one story, reported by three sources.
    wire = [s for s in data["stories"] if s["reported_by"] == 3]
    assert wire and set(wire[0]["sources"]) == {"Outlet 00", "Outlet 01", "Outlet 02"}
    points = data["bottom_line"] + [p for t in data["themes"] for p in t["summary"]]
    assert any(p["reported_by"] == 3 for p in points)
    html = (folder / "brief-2024-01-17.html").read_text(encoding="utf-8")
    assert "<h2>Source health</h2>" in html and "reported by 3 sources" in html
    for name in BROKEN:
        assert f"<strong>{name}</strong>" in html
    md = (folder / "brief-2024-01-17.md").read_text(encoding="utf-8")
    assert "## Source health" in md and "| Gone | failed: HTTP 404 |" in md
    from pypdf import PdfReader

    pdf = " ".join(page.extract_text() for page in PdfReader(folder / "brief-2024-01-17.pdf").pages)
    assert "Source health" in pdf and "redirect loop" in pdf

    with open_store(load_config(path), path.parent / "out") as store:
        count = store.count_articles()
    hits_before = len(server.hits)
    # The same day again, strictly: no duplicate stored, 304s for the good feeds, exit 4.
    assert generate(path, "--strict", "--format", "json") == 4
    with open_store(load_config(path), path.parent / "out") as store:
        assert store.count_articles() == count
    again = server.hits[hits_before:]
    good = [h for h in again if h.path.split("/")[-1].split(".")[0].isdigit()]
    assert len(good) == 14 and {h.status for h in good} == {304}
    second = json.loads((folder / "brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in second["sources"]} == {s["id"] for s in data["sources"]}
    assert {h["source"]: h["status"] for h in second["health"] if h["source"] not in BROKEN} == {
        f"Outlet {n:02d}": "not modified" for n in range(14)}
    assert "--strict: 6 source problem(s) (Circular, Gone, Homepage, Huge, Overloaded, Sleepy)" in caplog.text


def test_fetch_and_sources_check(world, capsys):
    path, server = world
    assert main(["fetch", "-c", str(path), "--out", str(path.parent / "out")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["source", "status", "items", "new", "time", "detail"]
    assert "Gone" in out and "HTTP 404" in out and "20 feeds, " in out
    assert not (path.parent / "out/2024-01-17").exists()  # nothing rendered
    assert main(["fetch", "-c", str(path), "--out", str(path.parent / "out"), "--strict"]) == 4
    hits = len(server.hits)
    assert main(["sources", "check", "-c", str(path)]) == 4
    out = capsys.readouterr().out
    assert "Outlet 00" in out and "timed out after 0.5 s" in out
    # A probe asks unconditionally and parses everything, even where the store has validators.
    probe = server.hits[hits:]
    assert not any("If-None-Match" in h.headers or "If-Modified-Since" in h.headers for h in probe)
