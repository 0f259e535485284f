"""`briefgen serve` as a real process on 127.0.0.1, asked over HTTP: every route and status
code, the JSON twins, search and its filters, the token, feedback and its CSRF guard."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from briefgen.config import load_config
from briefgen.models import Article, SearchQuery
from briefgen.store import Store, open_store
from briefgen.store.migrations import MIGRATIONS, statements

from .archive_fixture import DAY1, DAY2, ArchiveWorld, make_archive
from .serveapp import ROOT, serving

TOKEN = "t0ken-for-the-archive-tests"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ArchiveWorld:
    """The archive on each store: every test here holds on SQLite and on PostgreSQL alike."""
    if request.param == "sqlite":
        return make_archive(tmp_path_factory.mktemp("archive"))
    from . import pg

    return make_archive(tmp_path_factory.mktemp("archive-pg"), store=pg.server().new_database())


def open_world_store(world: ArchiveWorld, tmp_path: Path) -> Store:
    """The world's store to change: a copy of a SQLite file; on PostgreSQL, the store itself."""
    config = load_config(world.config)
    if config.store_target:
        return open_store(config)
    path = tmp_path / "copy.sqlite3"
    shutil.copy(world.out / ".briefgen" / "briefgen.sqlite3", path)
    return Store(path)


@pytest.fixture(scope="module")
def web(world: ArchiveWorld) -> Iterator[httpx.Client]:
    with serving(world.config, world.out) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


def js(client: httpx.Client, url: str, status: int = 200) -> dict:
    answer = client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("application/json")
    return answer.json()


def test_the_list_of_briefs_is_newest_first_with_bottom_lines(web):
    page = web.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.index(f'href="/briefs/{DAY2}"') < page.text.index(f'href="/briefs/{DAY1}"')
    data = js(web, "/?format=json")
    assert [b["date"] for b in data["briefs"]] == [DAY2.isoformat(), DAY1.isoformat()]
    assert any("hypersonic" in line for line in data["briefs"][0]["bottom_line"])
    # The page shows the same bottom line as its JSON twin.
    assert data["briefs"][0]["bottom_line"][0][:40] in page.text.replace("&#39;", "'")


def test_every_answer_forbids_scripts_and_framing(web):
    for url in ("/", "/search?q=Lavrov", f"/briefs/{DAY1}", f"/briefs/{DAY1}/json", "/nope"):
        headers = web.get(url).headers
        assert "script-src" not in headers["content-security-policy"]
        assert headers["content-security-policy"].startswith("default-src 'none'")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_a_search_for_lavrov_finds_the_passages_and_cites_them(web):
    data = js(web, "/search?q=Lavrov")
    articles = [h for h in data["hits"] if h["kind"] == "article"]
    assert {h["title"] for h in articles} >= {"Lavrov says Moscow will keep working with Pyongyang"}
    assert data["total"] == len(data["hits"]) >= 4
    for hit in articles:
        assert "Lavrov" in hit["excerpt_matches"] or "Lavrov" in hit.get("title_matches", [])
        assert hit["briefs"], hit  # every article here went into a brief: cited by it
        assert web.get(hit["briefs"][0]["href"]).status_code == 200
        assert web.get(hit["href"]).status_code == 200
    wire = [h for h in articles if h["source"] == "Wire"]
    assert all(h["url"].startswith("https://wire.example/") for h in wire)
    briefs = [h for h in data["hits"] if h["kind"] == "brief"]
    assert {h["ref"] for h in briefs} == {DAY1.isoformat(), DAY2.isoformat()}
    page = web.get("/search", params={"q": "Lavrov"}).text
    assert "<mark>Lavrov</mark>" in page


def test_search_filters(web):
    def titles(**params: str) -> set[str]:
        return {h["title"] for h in js(web, "/search?" + httpx.QueryParams({"format": "json", **params}).__str__())["hits"]}

    # The second day's items were published on 16 Jan (and went into the brief of the 17th).
    assert titles(q="Pyongyang", **{"from": "2024-01-16"}) == {
        "Lavrov says Moscow will keep working with Pyongyang", "Korean Peninsula Daily Brief"}
    day1 = titles(q="missile", to="2024-01-15")
    assert "North Korea fires ballistic missile into East Sea" in day1
    assert "North Korea test-fires hypersonic missile" not in day1
    assert titles(q="missile", source="Herald") == {"North Korea launches ballistic missile"}
    missiles = titles(q="North Korea", theme="missiles")
    assert "North Korea test-fires hypersonic missile" in missiles
    assert not any("Lavrov" in t for t in missiles)
    # An entity brings its aliases: "Sergey Lavrov" is "Lavrov" and "Sergei Lavrov" too.
    named = titles(entity="Sergey Lavrov")
    assert "Lavrov says Moscow will keep working with Pyongyang" in named
    assert not any("missile" in t for t in named)
    assert titles(q="Moscow", entity="Lavrov", source="Wire", **{"from": "2024-01-16", "to": "2024-01-16"}) == {
        "Lavrov says Moscow will keep working with Pyongyang"}


def test_search_takes_any_text_and_names_bad_parameters(web):
    assert js(web, '/search?q="unbalanced AND OR (NEAR *')["total"] >= 0
    assert js(web, "/search?q=")["hits"] == []
    for query, problem in (("from=yesterday", "from: 'yesterday' is not a date"), ("theme=weather", "no theme 'weather'"),
                           ("page=0", "page:"), ("from=2024-01-17&to=2024-01-16", "is after")):
        data = js(web, f"/search?q=missile&{query}", status=400)
        assert problem in data["error"] and data["status"] == 400


def test_phrases_prefixes_and_operators_typed_as_words(web):
    def search(q: str) -> dict:
        return js(web, "/search?" + str(httpx.QueryParams({"q": q})))

    phrase = {h["title"] for h in search('"Lavrov visits"')["hits"] if h["kind"] == "article"}
    assert len(phrase) == 1 and phrase.pop().startswith("Lavrov visits Pyongyang")
    assert search('"visits Lavrov"')["hits"] == [] and search("visits Lavrov")["total"] >= 1
    assert "Pyongyang" in search("Pyong*")["hits"][0]["excerpt_matches"] + search("Pyong*")["hits"][0]["title_matches"]
    # FTS5's and PostgreSQL's query operators are only words, or nothing: never an error.
    for q in ("&|!:*()'", "'", "!!", ":*", "<->", "\\", '"', "Lavrov & !Moscow", "Lavrov:*", "(Lavrov | Kim)", "NEAR(a b)"):
        data = search(q)
        assert data["total"] == len(data["hits"]), q
    assert search("&|!:*()'")["hits"] == []
    assert search("Lavrov & !Moscow")["total"] == search("Lavrov Moscow")["total"] >= 1
    assert web.get("/search", params={"q": "&|!:*()'"}).status_code == 200


def test_story_theme_and_entity_pages(web):
    hits = js(web, "/search?q=ballistic&theme=missiles")["hits"]
    story = js(web, next(h["href"] for h in hits if h["kind"] == "article"))
    assert story["headline"] == "North Korea fires ballistic missile into East Sea"
    assert {a["source"] for a in story["articles"]} == {"Wire", "Herald"}
    assert [d["date"] for d in story["days"]] == [DAY1.isoformat()]
    assert story["themes"][0]["key"] == "missiles"
    theme = js(web, "/themes/missiles")
    assert [d["date"] for d in theme["trend"]] == [DAY1.isoformat(), DAY2.isoformat()]
    assert theme["stories"][0]["headline"] == "North Korea test-fires hypersonic missile"
    assert "<svg" in web.get("/themes/missiles").text
    entity = js(web, "/entities/Lavrov")
    assert entity["name"] == "Sergey Lavrov" and "Lavrov" in entity["aliases"]
    assert sum(m["articles"] for m in entity["mentions"]) >= 3
    assert any(t["key"] == "russia" for t in entity["themes"])
    assert js(web, "/themes")["themes"] and js(web, "/entities")["entities"]
    # A gazetteer entity no article names yet has a page, empty; any other name is a 404.
    quiet = js(web, "/entities/Xi Jinping")
    assert quiet["mentions"] == [] and quiet["stories"] == []


def test_pages_and_files_of_a_brief(web):
    page = web.get(f"/briefs/{DAY2}")
    assert page.status_code == 200 and 'class="serve-nav"' in page.text
    assert js(web, f"/briefs/{DAY2}")["date"] == DAY2.isoformat()
    assert web.get(f"/briefs/{DAY2}/json").json()["date"] == DAY2.isoformat()
    assert web.get(f"/briefs/{DAY2}/html").headers["content-type"].startswith("text/html")
    feedback = js(web, f"/briefs/{DAY1}/feedback")
    assert feedback["enabled"] is False and feedback["csrf"] is None
    assert any(t["passages"] for t in feedback["themes"])


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", "/nope", 404),
    ("GET", "/briefs/2099-01-01", 404),
    ("GET", "/briefs/2099-01-01?format=json", 404),
    ("GET", f"/briefs/{DAY1}/pdf", 404),
    ("GET", f"/briefs/{DAY1}/exe", 404),
    ("GET", "/briefs/yesterday", 400),
    ("GET", f"/stories/{DAY1}/s-nope", 404),
    ("GET", "/themes/weather", 404),
    ("GET", "/entities/Nobody%20Anywhere", 404),
    ("POST", "/search?q=x", 405),
    ("POST", "/feedback", 403),  # read-only unless --feedback
])
def test_status_codes(web, method, url, status):
    answer = web.request(method, url, headers={"Accept": "application/json"})
    assert answer.status_code == status
    assert answer.json()["status"] == status


def test_only_loopback_host_names_are_answered_without_a_token(web):
    answer = web.get("/", headers={"Host": "attacker.example"})
    assert answer.status_code == 400
    assert js(web, "/", status=200)["briefs"]
    for host in ("localhost", "127.0.0.1:1", "[::1]:8080"):
        assert web.get("/", headers={"Host": host}).status_code == 200
    refused = web.get("/?format=json", headers={"Host": "attacker.example"})
    assert refused.json() == {"status": 400, "error": "this archive answers only to 127.0.0.1 or localhost"}


def test_a_non_loopback_address_needs_a_token(world):
    run = subprocess.run([sys.executable, "-m", "briefgen", "serve", "--config", str(world.config), "--host", "0.0.0.0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "--token" in run.stderr and run.stderr.count("\n") == 1


def test_the_token(world):
    with serving(world.config, world.out, "--token", TOKEN) as base, httpx.Client(base_url=base, timeout=10) as web:
        assert web.get("/").status_code == 401
        assert web.get("/?format=json").json()["status"] == 401
        assert web.get("/", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
        assert web.get("/search?q=Lavrov", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        # Any host name is answered with the token: it may sit on a network.
        assert web.get("/", headers={"Authorization": f"Bearer {TOKEN}", "Host": "archive.example"}).status_code == 200
        moved = web.get("/search", params={"q": "Lavrov", "token": TOKEN})
        assert moved.status_code == 303 and moved.headers["location"] == "/search?q=Lavrov"
        assert "HttpOnly" in moved.headers["set-cookie"] and "SameSite=strict" in moved.headers["set-cookie"]
        assert web.get("/search?q=Lavrov").status_code == 200  # the cookie now
        assert web.get("/?token=wrong").status_code == 401


def test_feedback_from_the_brief_page_is_kept_and_guarded(world):
    with serving(world.config, world.out, "--feedback") as base, httpx.Client(base_url=base, timeout=10) as web:
        page = js(web, f"/briefs/{DAY1}/feedback")
        assert page["enabled"] is True and page["csrf"]
        missiles = next(t for t in page["themes"] if t["key"] == "missiles")
        passage = missiles["passages"][0]
        form = {"passage": passage["id"], "theme": "missiles", "verdict": "not", "date": DAY1.isoformat()}
        assert web.post("/feedback", data=form).status_code == 403  # no form token
        assert web.post("/feedback", data={**form, "csrf": "forged"}).status_code == 403
        assert web.post("/feedback", data={**form, "csrf": page["csrf"]},
                        headers={"Origin": "https://attacker.example"}).status_code == 403
        assert web.post("/feedback", data={**form, "csrf": page["csrf"], "verdict": "maybe"}).status_code == 400
        assert web.post("/feedback", data={**form, "csrf": page["csrf"], "passage": "nope-1"}).status_code == 400
        done = web.post("/feedback", data={**form, "csrf": page["csrf"]})
        assert done.status_code == 303 and done.headers["location"].startswith(f"/briefs/{DAY1}/feedback")
        story = next(s for s in page["stories"] if "missiles" in s["themes"])
        answer = web.post("/feedback", data={"passages": " ".join(story["lead_passage_ids"]), "theme": "russia",
                                             "verdict": "is", "date": DAY1.isoformat(), "csrf": page["csrf"]},
                          headers={"Accept": "application/json"})
        assert answer.status_code == 201
        assert [r["passage_id"] for r in answer.json()["recorded"]] == story["lead_passage_ids"]
    listed = subprocess.run([sys.executable, "-m", "briefgen", "feedback", "--list", "--config", str(world.config)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert passage["id"] in listed.stdout and " not " in listed.stdout
    assert story["lead_passage_ids"][0] in listed.stdout


def test_an_older_store_is_indexed_when_first_opened(tmp_path):
    """A store made before the search index (the migrations before it) gets its articles and briefs indexed."""
    index = next(n for n, m in enumerate(MIGRATIONS) if "search_fts" in m)
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        for script in MIGRATIONS[:index]:
            for statement in statements(script):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {index}")
        conn.execute("INSERT INTO articles (id, source, title, first_seen, text, content_hash, origin) VALUES"
                     " ('a1', 'Wire', 'Old news', '2023-05-01T00:00:00+00:00', 'Lavrov spoke in Vladivostok.', 'h', 'Wire')")
        conn.execute("INSERT INTO briefs VALUES ('2023-05-02', 'Old brief', 1, 1, '[\"Lavrov went east.\"]')")
        conn.execute("INSERT INTO brief_themes VALUES ('2023-05-02', 'russia', 'Russia ties', 0, 1, 1, 1)")
        conn.execute("INSERT INTO brief_stories VALUES ('2023-05-02', 's-a1', 1, 'Old news', 'Lavrov spoke.', '[\"a1\"]',"
                     " '[\"russia\"]', '2023-05-02')")
    config = load_config(ROOT / "sources.yaml")
    with Store(path) as store:
        page = store.search(SearchQuery("Lavrov"), config.tz)
        assert {(h.kind, h.ref) for h in page.hits} == {("article", "a1"), ("brief", "2023-05-02")}
        assert store.search(SearchQuery("Lavrov", theme="russia"), config.tz).total == 2
        assert store.story_timeline(date(2023, 5, 2), "s-a1").article_ids == ["a1"]


def test_changed_articles_are_found_by_their_new_words(world, tmp_path):
    # On PostgreSQL the module's store itself changes: no other test looks for these words.
    tz = load_config(world.config).tz
    with open_world_store(world, tmp_path) as store:
        row = store.conn.execute("SELECT * FROM articles WHERE origin = 'Herald'").fetchone()
        edited = Article(id=row["id"], source="Herald", origin="Herald", title=row["title"], guid=row["guid"],
                         url=row["url"], text=row["text"] + " Corrected: the missile flew 1,000 kilometres, Zanzibarian officials said.")
        store.save_articles([edited], datetime(2024, 1, 18, tzinfo=UTC))
        hits = store.search(SearchQuery("Zanzibarian"), tz).hits
        assert [h.ref for h in hits] == [row["id"]]
        assert store.search(SearchQuery("Zanzibarian"), tz).total == 1
        # One index entry per article however often it changes.
        assert store.conn.execute("SELECT count(*) FROM search_docs WHERE ref = ?", (row["id"],)).fetchone()[0] == 1
