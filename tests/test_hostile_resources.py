"""Nothing small may become something huge: compressed bombs of every encoding the fetcher
takes, stacked encodings, YAML alias bombs, many items, entity declarations in any charset."""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from pathlib import Path

import pytest

from briefgen.config import FeedsConfig
from briefgen.ingest.fetch import Fetcher, FetchError
from briefgen.ingest.inflate import PIECE, Unpacker, accepted

from .feedserver import FeedServer, Route, pack, rss
from .hostile import DAY, generate, write_config

CAP = 1024 * 1024
# 16 MB of zeros: each bomb is a few KB on the wire and sixteen times the cap unpacked.
ZEROS = bytes(16 * CAP)
BOMBS = ["gzip", "deflate", "br", "gzip, gzip", "deflate, br", "br, gzip, gzip"]
WIRE = {"guid": "wire-1", "title": "Missile launch reported", "link": "https://wire.example/1",
        "description": "<p>North Korea fired a ballistic missile on Wednesday, the military said.</p>",
        "date": "Wed, 17 Jan 2024 01:00:00 GMT"}


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {encoding: pack(ZEROS, encoding) for encoding in BOMBS}


@pytest.mark.parametrize("encoding", BOMBS)
def test_every_layer_is_unpacked_a_bounded_piece_at_a_time(encoding: str, bombs: dict[str, bytes]):
    packed = bombs[encoding]
    assert len(packed) < 100 * 1024
    unpack = Unpacker(encoding, CAP)
    biggest = 0
    with pytest.raises(Exception, match=r"too large: over 1 MB"):
        for start in range(0, len(packed), 16 * 1024):
            for piece in unpack.feed(packed[start:start + 16 * 1024]):
                biggest = max(biggest, len(piece))
        list(unpack.flush())
    # Brotli's limit is on its output buffer, which it fills a block past the limit at most.
    assert 0 < biggest <= 2 * PIECE


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "gzip, gzip", "deflate, br"])
def test_every_encoding_still_reads_a_real_feed(encoding: str):
    feed = rss([WIRE]) * 20
    packed = pack(feed, encoding)
    unpack = Unpacker(encoding, CAP)
    out = b"".join(p for i in range(0, len(packed), 7) for p in unpack.feed(packed[i:i + 7]))
    assert out + b"".join(unpack.flush()) == feed


def test_only_encodings_undone_under_the_cap_are_asked_for():
    assert accepted() == "gzip, deflate, br"


def _fetch(server: FeedServer, path: str) -> tuple[BaseException | None, int]:
    """Fetch one URL; the error it ends with and the peak of Python memory meanwhile."""
    settings = FeedsConfig(max_size=CAP, retries=0, deadline=20)

    async def go() -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.get(server.url(path))

    tracemalloc.start()
    try:
        asyncio.run(go())
        error = None
    except FetchError as exc:
        error = exc
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return error, peak


@pytest.mark.parametrize("encoding", BOMBS)
def test_a_bomb_on_the_wire_stays_small_in_memory(encoding: str, bombs: dict[str, bytes]):
    with FeedServer() as server:
        server.routes["/bomb"] = Route(bombs[encoding], encoding=encoding, raw_encoding=True)
        error, peak = _fetch(server, "/bomb")
    assert str(error) == "too large: over 1 MB"
    # The cap and a few pieces in flight, never the 16 MB the bomb holds.
    assert peak < 4 * CAP


def test_bombs_are_named_in_source_health_and_the_brief_is_made(tmp_path: Path, bombs: dict[str, bytes]):
    with FeedServer() as server:
        server.routes["/wire"] = Route(rss([WIRE]))
        sources = [{"name": "Wire", "url": server.url("/wire")}]
        for n, encoding in enumerate(BOMBS):
            server.routes[f"/bomb{n}"] = Route(bombs[encoding], encoding=encoding, raw_encoding=True)
            sources.append({"name": f"Bomb {encoding}", "url": server.url(f"/bomb{n}")})
        server.routes["/zstd"] = Route(b"\x28\xb5\x2f\xfd" + bytes(64), encoding="zstd", raw_encoding=True)
        sources.append({"name": "Zstd", "url": server.url("/zstd")})
        config = write_config(tmp_path, sources, feeds={"retries": 0, "deadline": 20, "max_size": "1 MB"},
                              output={"dir": str(tmp_path / "out"), "formats": ["json"]})
        assert generate(config) == 0
    brief = json.loads((tmp_path / "out" / DAY / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    health = {h["source"]: h for h in brief["health"]}
    assert health["Wire"]["status"] == "ok"
    for encoding in BOMBS:
        assert (health[f"Bomb {encoding}"]["status"], health[f"Bomb {encoding}"]["reason"]) == (
            "failed", "too large: over 1 MB")
    assert (health["Zstd"]["status"], health["Zstd"]["reason"]) == ("failed", "unsupported Content-Encoding: zstd")


def _laughs(levels: int = 9) -> str:
    """A "billion laughs": nine lines of YAML whose aliases stand for 9**9 strings."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_config_is_refused_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from briefgen.cli import main

    config = write_config(tmp_path, [{"name": "Files", "path": "articles"}])
    config.write_text(config.read_text(encoding="utf-8") + _laughs(), encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 3
    err = capsys.readouterr().err
    assert str(config) in err and "billion laughs" in err and "line " in err


def test_a_billion_laughs_in_front_matter_skips_that_file_only(tmp_path: Path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "bomb.md").write_text("---\ntitle: Boom\n" + _laughs() + "---\nA missile launch was reported.\n",
                                      encoding="utf-8")
    (articles / "self.md").write_text("---\ntitle: &t [*t]\n---\nA missile launch was reported.\n", encoding="utf-8")
    (articles / "fine.md").write_text("---\ntitle: Launch report\n---\nNorth Korea fired a missile on Wednesday.\n",
                                      encoding="utf-8")
    config = write_config(tmp_path, [{"name": "Files", "path": "articles"}],
                          output={"dir": str(tmp_path / "out"), "formats": ["json"]})
    assert generate(config) == 0
    brief = json.loads((tmp_path / "out" / DAY / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    notes = {Path(n["target"]).name: n["reason"] for n in brief["notes"]}
    assert "billion laughs" in notes["bomb.md"] and "front matter line" in notes["bomb.md"]
    assert "alias refers to the node that holds it" in notes["self.md"]
    assert "Launch report" in [s["title"] for s in brief["sources"]]


def test_a_feed_of_ten_thousand_items_makes_a_whole_brief(tmp_path: Path):
    """At the defaults: the newest `feeds.max_items` are taken, the drop is said, and every
    stage after ingest sees only those, so the PDF is made too."""
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    start = datetime(2024, 1, 17, 0, 0, tzinfo=UTC)
    items = [{"guid": f"g{n}", "title": f"Launch note {n}", "link": f"https://x.example/{n}",
              "description": f"<p>Short item {n} on a missile launch.</p>",
              "date": format_datetime(start + timedelta(seconds=n), usegmt=True)} for n in range(10_000)]
    with FeedServer() as server:
        server.routes["/many"] = Route(rss(items))
        config = write_config(tmp_path, [{"name": "Firehose", "url": server.url("/many")}],
                              feeds={"retries": 0, "deadline": 30, "max_size": "10 MB"},
                              output={"dir": str(tmp_path / "out"), "formats": ["json", "pdf"]})
        assert generate(config) == 0
    folder = tmp_path / "out" / DAY
    brief = json.loads((folder / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    (row,) = brief["health"]
    assert (row["status"], row["items"]) == ("ok", 500)
    assert row["reason"] == "9,500 of 10,000 items dropped: only the newest 500 are taken (feeds.max_items)"
    titles = {s["title"] for s in brief["sources"]}
    assert "Launch note 9999" in titles and "Launch note 9499" not in titles
    assert (folder / f"brief-{DAY}.pdf").read_bytes().startswith(b"%PDF")


def test_a_folder_of_thousands_of_files_makes_a_whole_brief(tmp_path: Path):
    """The same bound for a `path` source: the newest `feeds.max_items` files are read, the
    rest are named as left out, and the PDF is made."""
    import os

    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3_000):
        file = folder / f"note-{n:04d}.md"
        file.write_text(f"---\ntitle: Launch note {n}\n---\nShort note {n} on a missile launch.\n", encoding="utf-8")
        # Modification times in file order: the last files are the newest.
        os.utime(file, (1_700_000_000 + n, 1_700_000_000 + n))
    config = write_config(tmp_path, [{"name": "Desk", "path": "articles/"}], feeds={"max_items": 200},
                          output={"dir": str(tmp_path / "out"), "formats": ["json", "pdf"]})
    assert generate(config) == 0
    out = tmp_path / "out" / DAY
    brief = json.loads((out / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    reasons = [n["reason"] for n in brief["notes"] if n["source"] == "Desk"]
    assert "2,800 of 3,000 files left out: only the newest 200 are read (feeds.max_items)" in reasons
    titles = {s["title"] for s in brief["sources"]}
    assert "Launch note 2999" in titles and "Launch note 2799" not in titles and len(titles) == 200
    assert (out / f"brief-{DAY}.pdf").read_bytes().startswith(b"%PDF")


def test_front_matter_past_its_cap_skips_that_file_only(tmp_path: Path):
    """Six short keys make front matter; PyYAML (pure Python) takes tens of seconds over a
    couple of megabytes of it, which no cap on the article's text bounded (it is cut after)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    keys = "".join(f"k{n}: [a, b, c]\n" for n in range(20_000))
    (folder / "fat.md").write_text(f"---\ntitle: Fat\n{keys}---\nA missile launch.\n", encoding="utf-8")
    (folder / "fine.md").write_text("---\ntitle: Launch report\nk: [a]\n---\nA missile launch.\n", encoding="utf-8")
    config = write_config(tmp_path, [{"name": "Desk", "path": "articles/"}],
                          output={"dir": str(tmp_path / "out"), "formats": ["json"]})
    assert generate(config) == 0
    brief = json.loads((tmp_path / "out" / DAY / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    notes = {Path(n["target"]).name: n["reason"] for n in brief["notes"]}
    assert notes["fat.md"].startswith("front matter over 65,536 characters"), notes
    assert "Launch report" in [s["title"] for s in brief["sources"]]


def test_a_file_of_hundreds_of_megabytes_is_read_only_as_far_as_the_caps_keep(tmp_path: Path):
    """A local file is read up to what the text caps could keep, not whole: 300 MB (sparse, so
    the disk does not fill) cost the memory of a few megabytes, and the cut is said."""
    from briefgen.config import load_config
    from briefgen.ingest.files import read_file

    folder = tmp_path / "articles"
    folder.mkdir()
    huge = folder / "huge.txt"
    with huge.open("wb") as handle:
        handle.write(b"Launch report\n\nNorth Korea fired a ballistic missile into the sea on Tuesday.\n\n")
        handle.write("한반도 ".encode() * 1000)
        handle.truncate(300 * 1024**2)
    config = load_config(write_config(tmp_path, [{"name": "Desk", "path": "articles/"}]))
    tracemalloc.start()
    try:
        article, cuts = read_file(huge, config.sources[0], config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024**2, f"{peak / 1024**2:.0f} MB"
    assert article.title == "Launch report" and "fired a ballistic missile" in article.text
    assert "한반도 한반도" in article.text
    assert any(c.startswith("file over ") and c.endswith("bytes: the rest not read") for c in cuts), cuts
