"""The store: migrations, no repeats, edits, the window of a brief, stale feeds."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefgen.cli import main
from briefgen.config import parse_config
from briefgen.models import Article, SearchQuery
from briefgen.pipeline import build_brief, open_store, refresh
from briefgen.store import MIGRATIONS, Store, canonical_url
from briefgen.store.articles import content_hash

from .feedserver import FeedServer, Route, rss

SEOUL = ZoneInfo("Asia/Seoul")
UTC = ZoneInfo("UTC")
NOW = datetime(2024, 1, 17, 7, 0, tzinfo=SEOUL)
THEMES = [{"key": "missiles", "label": "Missiles", "terms": ["missile"]}]


def article(n: int, **changes: object) -> Article:
    base = Article(
        id=f"f{n}", source="Wire", title=f"Story {n}", text=f"North Korea fired missile number {n} on Wednesday.",
        url=f"https://news.example/{n}", published=datetime(2024, 1, 17, 1, 0, tzinfo=UTC), first_seen=NOW,
        guid=f"g{n}", origin="Wire",
    )
    return replace(base, **changes)


@pytest.fixture
def store(store_target):
    """A store on SQLite, then the same tests on PostgreSQL (a real server: tests/pg.py)."""
    with Store(store_target) as s:
        yield s


def test_canonical_url_drops_tracking_but_keeps_identity():
    assert canonical_url("HTTP://News.Example:80/a/b?id=7&utm_source=x&utm_medium=rss&fbclid=1&gclid=2#top") == "https://news.example/a/b?id=7"
    assert canonical_url("https://news.example") == "https://news.example/"
    assert canonical_url("https://news.example:8443/a") == "https://news.example:8443/a"
    assert canonical_url("javascript:alert(1)") is None and canonical_url(None) is None


def test_a_seen_item_is_not_stored_twice(store):
    assert store.save_articles([article(1)], NOW) == {"Wire": 1}
    # Same guid; same canonical URL under a new guid and tracking parameters; same title and text.
    repeats = [
        article(1),
        article(1, guid="other", url="https://news.example/1?utm_source=rss&fbclid=abc"),
        article(1, guid="third", url="https://elsewhere.example/x"),
    ]
    assert store.save_articles(repeats, NOW) == {}
    assert store.count_articles() == 1


def test_the_same_item_in_another_source_is_credited_not_copied(store):
    store.save_articles([article(1)], NOW)
    other = article(1, id="x1", source="Herald", origin="Herald", guid="h-1", url="https://herald.example/1")
    assert store.save_articles([other], NOW) == {}
    [kept] = store.load_articles("Wire", None, NOW, SEOUL)
    assert kept.also_in == ("Herald",)


def test_an_edited_item_updates_its_row_and_keeps_first_seen(store):
    store.save_articles([article(1)], NOW)
    later = NOW + timedelta(hours=5)
    edited = article(1, title="Story 1 (updated)", text="North Korea fired two missiles on Wednesday.", first_seen=later)
    assert store.save_articles([edited], later) == {}
    [row] = store.load_articles("Wire", None, later, SEOUL)
    assert (row.id, row.title, row.text) == ("f1", "Story 1 (updated)", "North Korea fired two missiles on Wednesday.")
    assert row.first_seen == NOW
    raw = store.conn.execute("SELECT updated FROM articles").fetchone()[0]
    assert raw == later.astimezone(UTC).isoformat()


def _stored(s: Store) -> list[tuple[object, ...]]:
    """Every row a save writes, in an order that does not depend on how it was written."""
    rows = [("article", *r) for r in s.conn.execute(
        "SELECT id, source, origin, guid, canonical_url, title, text, content_hash, first_seen, updated FROM articles")]
    rows += [("sighting", *r) for r in s.conn.execute("SELECT origin, guid, article_id, source FROM article_sightings")]
    rows += [("indexed", *r) for r in s.conn.execute(
        "SELECT d.ref, f.title, f.body FROM search_fts f JOIN search_docs d ON d.id = f.rowid WHERE d.kind = 'article'")]
    return sorted(rows, key=repr)


def test_a_run_saved_at_once_stores_what_saving_its_items_one_by_one_stores(store_target, tmp_path: Path):
    # More items than one look-up statement takes, with every kind of repeat inside the run:
    # another source carrying an item, a new guid on a known URL, the same text under a new
    # URL, two different items with one id, an edit of an item stored earlier in the run.
    first = [article(n) for n in range(450)]
    first += [
        article(3, id="h3", source="Herald", origin="Herald", guid="h-3", url="https://herald.example/3"),
        article(4, guid="g4-again", url="https://news.example/4?utm_source=rss"),
        article(5, guid="g5-copy", url="https://copy.example/5"),
        article(900, id="f6"),
        # ... which is stored as f6-<its digest>: an item with that id is yet another.
        article(901, id=f"f6-{content_hash('Story 900', article(900).text)[:6]}"),
        article(7, text="North Korea fired two missiles on Wednesday, not one.", first_seen=NOW + timedelta(hours=1)),
        # Known by its URL alone (new guid, title and text): the same article, edited.
        article(8, id="f8-new", guid="g8-new", url="https://news.example/8?utm_source=rss", title="Story 8, corrected",
                text="South Korea said the missile fell short."),
    ]
    second = [article(n, text=f"Edited: missile {n}.") for n in range(0, 40)] + [article(n) for n in range(440, 520)]
    runs = [(first, NOW), (second, NOW + timedelta(hours=6))]
    with Store(tmp_path / "one-by-one.sqlite3") as single:
        counts_single = [sum(sum(single.save_articles([a], at).values()) for a in run) for run, at in runs]
        expected = _stored(single)
    with Store(store_target) as s:
        counts = [sum(s.save_articles(run, at).values()) for run, at in runs]
        assert counts == counts_single == [452, 70]
        assert _stored(s) == expected
        [herald_copy] = [a for a in s.load_articles("Wire", None, NOW + timedelta(days=1), SEOUL) if a.id == "f3"]
        assert herald_copy.also_in == ("Herald",)
        # The items written together are found by the archive's search like any other.
        hits = s.search(SearchQuery('"missile number 449"'), SEOUL).hits
        assert [(h.kind, h.ref) for h in hits] == [("article", "f449")]


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO runs (brief_date, status) VALUES ('2024-01-16', 'done')")
    conn.commit()
    conn.close()
    with Store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert s.conn.execute("SELECT status FROM runs").fetchone()[0] == "done"
        s.save_articles([article(1)], NOW)
        assert s.count_articles() == 1


def test_how_an_article_was_dated_is_stored_with_it(store):
    touched = datetime(2026, 11, 27, 10, 0, tzinfo=SEOUL)
    dated = article(1, date_basis="feed")
    undated_file = article(2, published=None, date_basis="file modified", modified=touched, path="in/2.txt", url=None)
    store.save_articles([dated, undated_file], NOW)
    one, two = store.load_articles("Wire", None, NOW, SEOUL)
    assert (one.published, one.date_basis, one.modified) == (dated.published, "feed", None)
    assert (two.published, two.date_basis, two.modified) == (None, "file modified", touched)
    # An edit that drops the date keeps the stored one, and how it was had.
    store.save_articles([article(1, published=None, date_basis=None, text="North Korea fired two missiles.")], NOW)
    one, _ = store.load_articles("Wire", None, NOW, SEOUL)
    assert (one.published, one.date_basis, one.text) == (dated.published, "feed", "North Korea fired two missiles.")
    # A file touched since: the same text, a new modification time.
    store.save_articles([replace(undated_file, modified=touched + timedelta(days=1))], NOW)
    _, two = store.load_articles("Wire", None, NOW, SEOUL)
    assert two.modified == touched + timedelta(days=1) and two.date_basis == "file modified"


def test_articles_stored_before_migration_7_are_dated_on_the_next_read(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:6]) + "; PRAGMA user_version = 6;")
    stamp = NOW.astimezone(UTC).isoformat()
    conn.execute(
        "INSERT INTO articles (id, source, guid, url, title, path, published, first_seen, text, content_hash, origin)"
        " VALUES ('f1', 'Wire', 'g1', NULL, 'Story 1', 'in/1.txt', NULL, ?, 'North Korea fired a missile.', ?, 'Wire')",
        (stamp, digest := content_hash("Story 1", "North Korea fired a missile.")),
    )
    conn.execute("INSERT INTO article_sightings VALUES ('Wire', 'g1', 'f1', 'Wire', ?)", (stamp,))
    conn.commit()
    conn.close()
    with Store(path) as s:
        [old] = s.load_articles("Wire", None, NOW, SEOUL)
        assert (old.date_basis, old.modified) == (None, None)
        # The file read again, unchanged: its row learns how it is dated, and nothing else changes.
        again = article(1, title="Story 1", text="North Korea fired a missile.", published=None, url=None, path="in/1.txt",
                        date_basis="file modified", modified=NOW - timedelta(days=3), first_seen=NOW - timedelta(days=3))
        assert s.save_articles([again], NOW + timedelta(days=1)) == {}
        [row] = s.load_articles("Wire", None, NOW, SEOUL)
        assert (row.date_basis, row.modified, row.first_seen) == ("file modified", NOW - timedelta(days=3), NOW)
        assert tuple(s.conn.execute("SELECT updated, content_hash FROM articles").fetchone()) == (None, digest)


def test_the_window_ends_at_the_cutoff_in_the_config_zone(tmp_path: Path):
    """Brief for 17 Jan, cut-off 06:00 Seoul, 24h: from 16 Jan 06:00 to 17 Jan 06:00 KST."""
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text)

    times = {
        "before": at("2024-01-15T20:59:00+00:00"),       # 16 Jan 05:59 KST: too early
        "first": at("2024-01-15T21:00:00+00:00"),        # 16 Jan 06:00 KST: in
        "last": at("2024-01-16T20:59:59+00:00"),         # 17 Jan 05:59:59 KST: in
        "cutoff": at("2024-01-16T21:00:00+00:00"),       # 17 Jan 06:00 KST: the next brief's
    }
    config = parse_config({"timezone": "Asia/Seoul", "themes": THEMES, "brief": {"cutoff": "06:00"},
                           "sources": [{"name": "Wire", "path": "none/"}]}, base_dir=tmp_path)
    with open_store(config, tmp_path / "out") as s:
        s.save_articles([article(n, id=name, title=name, published=t, guid=name, url=None, text=f"{name} text about missile {n}.")
                         for n, (name, t) in enumerate(times.items())], NOW)
        # An undated item counts by when it was first seen.
        s.save_articles([article(9, id="undated", title="undated", published=None, first_seen=at("2024-01-16T00:00:00+00:00"))], NOW)
    result = build_brief(config, date(2024, 1, 17), out_dir=tmp_path / "out", formats=["json"], now=NOW)
    assert sorted(a.title for a in result.brief.articles) == ["first", "last", "undated"]
    with open_store(config, tmp_path / "out") as s:
        assert sorted(s.brief_articles(date(2024, 1, 17))) == sorted(a.id for a in result.brief.articles)


def test_a_past_day_is_rebuilt_from_the_store(tmp_path: Path):
    items = [
        {"guid": "d16", "title": "Launch on the 16th", "description": "North Korea fired a missile on Tuesday, officials said.",
         "date": "Tue, 16 Jan 2024 03:00:00 GMT"},
        {"guid": "d17", "title": "Drills on the 17th", "description": "Allied forces held joint drills on Wednesday near the border.",
         "date": "Wed, 17 Jan 2024 03:00:00 GMT"},
    ]
    with FeedServer() as server:
        server.routes["/feed"] = Route(rss(items))
        config_path = tmp_path / "sources.yaml"
        config_path.write_text(json.dumps({"timezone": "Asia/Seoul", "themes": THEMES,
                                           "sources": [{"name": "Wire", "url": server.url("/feed")}]}), encoding="utf-8")
        assert main(["generate", "-c", str(config_path), "--date", "2024-01-17", "--out", str(tmp_path / "out"), "--format", "json"]) == 0
    # The server is gone: the 16th is rebuilt from what the store holds.
    assert main(["generate", "-c", str(config_path), "--date", "2024-01-16", "--out", str(tmp_path / "out"),
                 "--format", "json", "--offline"]) == 0
    past = json.loads((tmp_path / "out/2024-01-16/brief-2024-01-16.json").read_text(encoding="utf-8"))
    assert [s["title"] for s in past["sources"]] == ["Launch on the 16th"]
    assert [(h["source"], h["status"]) for h in past["health"]] == [("Wire", "offline")]
    today = json.loads((tmp_path / "out/2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert [s["title"] for s in today["sources"]] == ["Drills on the 17th"]


def test_a_feed_failing_three_days_running_is_stale(tmp_path: Path):
    with FeedServer() as server:
        server.routes["/down"] = Route(b"", fail_first=99, fail_status=503)
        server.routes["/up"] = Route(rss([{"guid": "u", "title": "Up", "description": "Still here today."}]))
        config = parse_config({"timezone": "Asia/Seoul", "themes": THEMES, "feeds": {"retries": 0},
                               "sources": [{"name": "down", "url": server.url("/down")},
                                           {"name": "up", "url": server.url("/up")}]}, base_dir=tmp_path)
        flags = []
        with open_store(config, tmp_path / "out") as s:
            for day in range(3):
                now = NOW + timedelta(days=day)
                health = {h.source: h for h in refresh(config, s, now=now, progress=False).health}
                flags.append((health["down"].reason, health["down"].stale, health["up"].stale))
            assert flags == [("HTTP 503", False, False), ("HTTP 503", False, False), ("HTTP 503", True, False)]
            assert health["down"].failing_since == NOW
            row = s.conn.execute("SELECT consecutive_failures, last_status, last_success FROM feeds WHERE source = 'down'").fetchone()
            assert tuple(row) == (3, "failed", None)
            # One success clears the record.
            server.routes["/down"] = Route(rss([{"guid": "d", "title": "Back", "description": "Back again today."}]))
            back = {h.source: h for h in refresh(config, s, now=NOW + timedelta(days=3), progress=False).health}
            assert back["down"].status == "ok" and not back["down"].stale and back["down"].failing_since is None


OPENER = """
import pathlib, sys, time
from briefgen.store import Store
store, ready, go = map(pathlib.Path, sys.argv[1:])
ready.touch()
while not go.exists():
    time.sleep(0.0005)
try:
    with Store(store) as db:
        db.conn.execute("PRAGMA user_version").fetchone()
except Exception as exc:
    print(repr(exc))
    sys.exit(1)
"""


def test_processes_opening_a_new_store_at_once_all_get_it(tmp_path: Path):
    """Two schedulers starting on a new store met "database is locked" while one of them
    turned it to WAL (SQLite does not wait there); every opener must wait and succeed."""
    failures = []
    for round_ in range(8):
        folder = tmp_path / str(round_)
        folder.mkdir()
        procs = [
            subprocess.Popen([sys.executable, "-c", OPENER, str(folder / "store.db"), str(folder / f"ready{n}"),
                              str(folder / "go")], stdout=subprocess.PIPE, text=True)
            for n in range(5)
        ]
        while len(list(folder.glob("ready*"))) < len(procs):
            time.sleep(0.01)
        (folder / "go").touch()
        for proc in procs:
            out, _ = proc.communicate(timeout=120)
            if proc.returncode:
                failures.append(out.strip())
        with Store(folder / "store.db") as db:
            assert db.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not failures, failures


def test_content_hash_is_the_one_stored_hashes_were_made_with():
    """Stores hold hashes of the words as `\\w+` finds them: a faster way to find them must
    give the same words for every character (or an item already stored comes in again)."""
    import hashlib
    import re

    def stored(title: str, text: str) -> str:
        return hashlib.sha256(" ".join(re.findall(r"\w+", f"{title}\n{text}".casefold())).encode("utf-8")).hexdigest()

    assert content_hash("Kim's “drills” — again", "STRASSE straße_x 12\u00a0km; 北朝鮮 ミサイル 미사일!") == \
        stored("Kim's “drills” — again", "STRASSE straße_x 12\u00a0km; 北朝鮮 ミサイル 미사일!")
    # Every code point, a few thousand at a time, between words and alone.
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    for start in range(0, len(points), 4096):
        chunk = points[start:start + 4096]
        assert content_hash("a".join(chunk), " ".join(chunk)) == stored("a".join(chunk), " ".join(chunk)), start
