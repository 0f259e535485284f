"""The archive on SQLite and on PostgreSQL side by side: the same archive built on each store,
`briefgen serve` on each, every page asked of both, the same answers (search ranks and excerpts aside), and what
PostgreSQL's flavour of the search does with its own syntax and its index."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from briefgen.config import load_config
from briefgen.store import open_store, pgsearch

from .archive_fixture import DAY1, DAY2, ArchiveWorld, make_archive
from .serveapp import ROOT, serving


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ArchiveWorld]:
    from . import pg

    return {"sqlite": make_archive(tmp_path_factory.mktemp("lite")),
            "postgresql": make_archive(tmp_path_factory.mktemp("pg"), store=pg.server().new_database())}


@pytest.fixture(scope="module")
def clients(worlds: dict[str, ArchiveWorld]) -> Iterator[dict[str, httpx.Client]]:
    with serving(worlds["sqlite"].config, worlds["sqlite"].out, "--feedback") as lite_url, \
            serving(worlds["postgresql"].config, worlds["postgresql"].out, "--feedback") as pg_url, \
            httpx.Client(base_url=lite_url, timeout=10) as lite, httpx.Client(base_url=pg_url, timeout=10) as pg:
        yield {"sqlite": lite, "postgresql": pg}


@pytest.fixture(scope="module")
def names(worlds: dict[str, ArchiveWorld]) -> dict[str, dict[str, str]]:
    """Each world's article ids as names both worlds share: a feed item's id hashes its link,
    which names the port of the world's own feed server."""
    found = {}
    for name, world in worlds.items():
        with open_store(load_config(world.config)) as store:
            found[name] = {r[0]: "id-" + re.sub(r"\W", "-", PORT_RE.sub("", r[1]))
                           for r in store.conn.execute("SELECT id, guid FROM articles")}
    return found


PORT_RE = re.compile(r"127\.0\.0\.1:\d+")


def both(clients: dict[str, httpx.Client], names: dict[str, dict[str, str]], url: str) -> tuple[Any, Any]:
    """The JSON twin of `url` (in common terms) from each store, its ids and ports put in common terms."""
    answers = []
    for store, client in clients.items():
        own = url
        for article_id, common in names[store].items():
            own = own.replace(common, article_id)
        answer = client.get(own, headers={"Accept": "application/json"})
        assert answer.status_code == 200, (url, answer.text[:300])
        text = PORT_RE.sub("127.0.0.1:PORT", answer.text)
        for article_id, common in names[store].items():
            text = text.replace(article_id, common)
        answers.append(json.loads(text))
    return answers[0], answers[1]


def keys(value: Any) -> Any:
    """The shape of a JSON answer: its field names, all the way down."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys(v) for v in value[:1]]
    return None


def unmatched(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: unmatched(v) for k, v in value.items() if not k.endswith("_matches")}
    if isinstance(value, list):
        return [unmatched(v) for v in value]
    return value


def test_the_postgresql_store_is_the_one_served(worlds):
    config = load_config(worlds["postgresql"].config)
    assert config.store_target and config.store_target.startswith("postgresql://")
    assert not (worlds["postgresql"].out / ".briefgen" / "briefgen.sqlite3").exists()
    with open_store(config) as store:
        assert store.dialect == "postgresql"
        # The pipeline kept the index up to date there: every article and both briefs.
        kinds = dict(store.conn.execute("SELECT kind, count(*) FROM search_docs GROUP BY kind").fetchall())
        assert kinds["brief"] == 2 and kinds["article"] == store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert store.conn.execute("SELECT count(*) FROM search_fts").fetchone()[0] == sum(kinds.values())


@pytest.mark.parametrize("url", ["/", "/themes", "/themes/missiles", "/themes/russia", "/entities", "/entities/Lavrov",
                                 "/entities/Sergey Lavrov", "/entities/Xi Jinping", f"/briefs/{DAY2}",
                                 f"/briefs/{DAY1}/feedback"])
def test_every_page_says_the_same_on_both_stores(clients, names, url):
    lite, pg = both(clients, names, url)
    if url.endswith("/feedback"):
        # A per-process form token; the rest is the same.
        assert lite.pop("csrf") and pg.pop("csrf")
    if url == f"/briefs/{DAY2}":
        # The brief's own file: its feeds' health says how long each fetch took.
        lite.pop("health"), pg.pop("health")
    assert lite == pg


def test_story_pages_say_the_same_on_both_stores(clients, names):
    lite, pg = both(clients, names, "/search?q=missile")
    hrefs = {h["href"] for h in lite["hits"] if h["kind"] == "article"}
    assert hrefs and hrefs == {h["href"] for h in pg["hits"] if h["kind"] == "article"}
    for href in hrefs:
        story_lite, story_pg = both(clients, names, href)
        assert story_lite == story_pg and story_lite["articles"]


@pytest.mark.parametrize("params", [
    {"q": "Lavrov"}, {"q": "Pyongyang", "from": "2024-01-16"}, {"q": "missile", "to": "2024-01-15"},
    {"q": "missile", "source": "Herald"}, {"q": "North Korea", "theme": "missiles"}, {"entity": "Sergey Lavrov"},
    {"q": "Moscow", "entity": "Lavrov", "source": "Wire", "from": "2024-01-16", "to": "2024-01-16"},
    {"q": '"Lavrov visits"'}, {"q": "Pyong*"}, {"q": "test-fires"}, {"q": "&|!:*()'"}, {"q": "Lavrov", "page": "2"},
])
def test_search_finds_the_same_on_both_stores(clients, names, params):
    """The same hits, total and fields; the order (BM25 against ts_rank_cd) and the excerpts may differ."""
    lite, pg = both(clients, names, "/search?" + str(httpx.QueryParams(params)))
    assert lite["total"] == pg["total"]

    def found(data: dict) -> set[tuple[str, str, str]]:
        return {(h["kind"], h["ref"], h["href"]) for h in data["hits"]}

    assert found(lite) == found(pg)
    for name in ("title", "source", "url", "date", "briefs", "stories"):
        assert sorted(map(str, (h[name] for h in lite["hits"]))) == sorted(map(str, (h[name] for h in pg["hits"])))
    # The same fields; `*_matches` come with marks in a title or excerpt, which either store may choose.
    assert keys(unmatched(lite)) == keys(unmatched(pg))
    for hit in lite["hits"] + pg["hits"]:
        assert hit.get("title_matches") or hit.get("excerpt_matches"), hit
    if params.get("q") == "Lavrov":
        assert lite["total"] >= 4
        for hit in pg["hits"]:
            assert "Lavrov" in hit["excerpt_matches"] + hit.get("title_matches", []), hit
            assert hit["excerpt"]


def test_search_marks_matches_in_the_page_on_postgresql(clients):
    page = clients["postgresql"].get("/search", params={"q": "Lavrov", "source": "Wire"})
    assert page.status_code == 200 and "<mark>Lavrov</mark>" in page.text
    assert 'href="https://wire.example/w4"' in page.text
    # Feed text is data on this store too: the hostile title is escaped, never markup.
    assert "<script" not in page.text.lower()


def test_typed_operators_are_words_to_postgresql(worlds):
    """The user's words go to PostgreSQL's parser as parameters: its operators are only words."""
    with open_store(load_config(worlds["postgresql"].config)) as store:
        def tsquery(text: str, names: tuple[str, ...] = ()) -> str:
            return str(store.conn.run(*pgsearch.query(text, names)).fetchone()[0])

        assert tsquery('Lavrov "Kim Jong Un" Pyong*') == "'lavrov' & 'kim' <-> 'jong' <-> 'un' & 'pyong':*"
        # Split as the documents are: a number after a hyphen is signed, in both.
        assert tsquery("Hwasong-18") == "'hwasong' <-> '-18'"
        for text in ("&|!:*()'", "<->", "\\", "'", ":*", '"', "''''", "!(*)"):
            assert tsquery(text) == "", text
        assert tsquery("Lavrov & !Moscow") == "'lavrov' & 'moscow'"
        assert tsquery("", ("Sergey Lavrov", "!!", "Lavrov")) == "'sergey' <-> 'lavrov' | 'lavrov'"
        assert tsquery("Moscow", ("Lavrov",)) == "'moscow' & 'lavrov'"
    assert pgsearch.query("", ()) == ("SELECT ''", [])
    assert pgsearch.framed("b \x02c\x03 d", "a b c d e") == "… b \x02c\x03 d …"
    assert pgsearch.framed("\x02a\x03 b", "a b") == "\x02a\x03 b"
    assert pgsearch.framed("\x02a\x03 b", "\u201ca b.\u201d") == "\u201c\x02a\x03 b.\u201d"
    assert pgsearch.named("SELECT ':x' || :x, '%' FROM t WHERE a LIKE :p") == \
        "SELECT ':x' || %(x)s, '%%' FROM t WHERE a LIKE %(p)s"


def test_the_search_uses_the_full_text_index_on_postgresql(worlds):
    """The query's match is on the indexed column: PostgreSQL can answer it from the GIN index."""
    with open_store(load_config(worlds["postgresql"].config)) as store:
        conn = store.conn
        conn.run("SET enable_seqscan = off")  # a table this small would otherwise be read whole
        plan = " ".join(r[0] for r in conn.run(
            f"EXPLAIN SELECT rowid FROM search_fts WHERE {pgsearch.match('%s')}", ("'lavrov'",)).fetchall())
        conn.run("RESET enable_seqscan")
    assert "search_fts_doc" in plan


def test_serve_reads_the_store_given_by_its_flag(worlds):
    """`--store URL` wins over the config's store: a deployment's brief configs name none."""
    url = load_config(worlds["postgresql"].config).store_target
    assert url is not None
    # The SQLite world's config, whose brief has the same name (its namespace there).
    with serving(worlds["sqlite"].config, worlds["postgresql"].out, "--store", url) as base, \
            httpx.Client(base_url=base, timeout=10) as web:
        data = web.get("/search", params={"q": "Lavrov", "format": "json"}).json()
        assert data["total"] >= 4
        ids = {h["ref"] for h in data["hits"] if h["kind"] == "article"}
    with open_store(load_config(worlds["postgresql"].config)) as store:
        assert ids <= {r[0] for r in store.conn.execute("SELECT id FROM articles")}


def test_a_postgresql_store_made_before_the_stored_vector_is_searchable_once_migrated(pg_url):
    """The stored vector is computed for the rows an older PostgreSQL store already indexed."""
    from briefgen.models import SearchQuery
    from briefgen.store import MIGRATIONS, Store, postgres

    mine = next(n for n, m in enumerate(MIGRATIONS) if "ADD COLUMN doc tsvector" in m)
    schema = postgres.schema_name("older")
    conn = postgres.Connection(pg_url, schema, "test")
    try:
        conn.run(f"CREATE SCHEMA {schema}")
        conn.run(f"SET search_path TO {schema}")
        conn.run("CREATE TABLE briefgen_schema (version INTEGER NOT NULL)")
        conn.run("INSERT INTO briefgen_schema (version) VALUES (%s)", (mine,))
        for number, script in enumerate(MIGRATIONS[:mine], start=1):
            for statement in postgres.ddl(script, number):
                conn.run(statement)
        conn.execute("INSERT INTO articles (id, source, title, first_seen, text, content_hash, origin) VALUES"
                     " ('a1', 'Wire', 'Old news', '2023-05-01T00:00:00+00:00', 'Lavrov spoke in Vladivostok.', 'h', 'Wire')")
        conn.execute("INSERT INTO search_docs (kind, ref) VALUES ('article', 'a1')")
        conn.execute("INSERT INTO search_fts (rowid, title, body) SELECT id, 'Old news', 'Lavrov spoke in Vladivostok.'"
                     " FROM search_docs")
    finally:
        conn.close()
    with Store(pg_url, namespace="older") as store:
        assert store.schema_version() == len(MIGRATIONS)
        hits = store.search(SearchQuery("Vladivostok"), load_config(ROOT / "sources.yaml").tz).hits
        assert [(h.ref, h.excerpt) for h in hits] == [("a1", "Lavrov spoke in \x02Vladivostok\x03.")]
        assert store.stories_naming(["Lavrov"]) == [] and store.bare_search("old")[0][0] >= 1
