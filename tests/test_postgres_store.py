"""The store on PostgreSQL: the same schema as SQLite's, SQLite's SQL translated, secrets kept out of sight."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from briefgen.store import MIGRATIONS, Store
from briefgen.store.postgres import redact, translate

from .conftest import ROOT
from .deployment import brief_config, briefgen, write_deployment

SECRET = "s3cret-Pa55word"


def test_both_dialects_reach_the_same_tables_and_columns(tmp_path: Path, pg_url: str):
    with Store(tmp_path / "s.sqlite3") as lite:
        tables = [r[0] for r in lite.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        # An FTS5 table keeps its index in shadow tables of its own; PostgreSQL's is an index.
        virtual = [r[0] for r in lite.conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        tables = [t for t in tables if not any(t.startswith(v + "_") for v in virtual)]
        sqlite_columns = {t: [r[1] for r in lite.conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    with Store(pg_url, namespace="same") as pg:
        assert pg.schema_version() == len(MIGRATIONS)
        rows = pg.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?"
            " ORDER BY table_name, ordinal_position", (pg.schema,)).fetchall()
    pg_columns: dict[str, list[str]] = {}
    for table, column in rows:
        pg_columns.setdefault(table, []).append(column)
    # PostgreSQL's own bookkeeping: the schema version, and SQLite's implicit rowid made a column.
    assert pg_columns.pop("briefgen_schema") == ["version"]
    # And the search's stored word vector (the migration `pgsearch`): FTS5 keeps its own.
    assert pg_columns["search_fts"].pop() == "doc"
    assert {t: [c for c in cols if c != "rowid"] for t, cols in pg_columns.items()} == sqlite_columns
    assert len(tables) == len(sqlite_columns) >= 14


def test_sqlite_sql_is_translated_for_postgresql():
    assert translate("SELECT * FROM runs WHERE brief_date = ? AND status = 'a?b'").text == \
        "SELECT * FROM runs WHERE brief_date = %s AND status = 'a?b'"
    assert translate("INSERT OR IGNORE INTO brief_articles (brief_date, article_id) VALUES (?, ?)").text.endswith(
        "ON CONFLICT DO NOTHING")
    replaced = translate("INSERT OR REPLACE INTO passage_spans (key, spans) VALUES (?, ?)").text
    assert replaced.endswith("ON CONFLICT (key) DO UPDATE SET spans = EXCLUDED.spans")
    numbered = translate("INSERT INTO feedback (verdict, text) VALUES (?, ?)")
    assert numbered.returning == "id" and numbered.text.endswith("RETURNING id")
    assert '"end"' in translate("SELECT start, end FROM brief_windows").text
    assert translate("SELECT count(*) FROM articles WHERE title LIKE '%x'").text.count("%%") == 0


def test_a_brief_and_its_numbers_on_postgresql_as_on_sqlite(project: Path, pg_url: str):
    """The same brief generated against either store says the same thing."""
    outputs = []
    for store in (str(project / "s.sqlite3"), pg_url):
        out = project / f"out-{len(outputs)}"
        done = briefgen("generate", "--config", str(project / "sources.yaml"), "--date", "2024-01-17",
                        "--format", "json", "--out", str(out), "--store", store)
        assert done.returncode == 0
        brief = json.loads((out / "2024-01-17" / "brief-2024-01-17.json").read_text())
        brief.pop("generated_at", None)
        outputs.append(brief)
    assert outputs[0] == outputs[1]
    with Store(pg_url, namespace="sources") as db:
        assert db.has_brief(date(2024, 1, 17))


def test_the_url_password_is_never_shown(project: Path, pg_url: str):
    # The test server trusts local connections, so a password in the URL is accepted and unused.
    with_secret = pg_url.replace("postgres@", f"postgres:{SECRET}@")
    assert SECRET not in redact(with_secret) and "***" in redact(with_secret)
    done = briefgen("generate", "--config", str(project / "sources.yaml"), "--date", "2024-01-17", "--format", "json",
                    "--store", with_secret, "--debug")
    assert SECRET not in done.stdout + done.stderr
    assert "***" in done.stderr  # the store is named, without its password
    # Unreachable: a clear one-line error with exit code 14, still without the password.
    gone = with_secret.split("?host=")[0] + "?host=/nonexistent"
    failed = briefgen("generate", "--config", str(project / "sources.yaml"), "--store", gone, check=False)
    assert failed.returncode == 14
    assert "cannot connect" in failed.stderr and SECRET not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1


def test_a_password_given_as_a_url_parameter_is_never_shown_either(project: Path, pg_url: str):
    """libpq also takes the password as `?password=`: a run names the store without it."""
    with_secret = f"{pg_url}&password={SECRET}"
    assert SECRET not in redact(with_secret) and "password=***" in redact(with_secret)
    done = briefgen("generate", "--config", str(project / "sources.yaml"), "--date", "2024-01-17", "--format", "json",
                    "--store", with_secret, "--debug")
    assert SECRET not in done.stdout + done.stderr
    assert "password=***" in done.stderr
    gone = with_secret.replace(f"?host={pg_url.split('?host=')[1]}", "?host=/nonexistent")
    failed = briefgen("generate", "--config", str(project / "sources.yaml"), "--store", gone, check=False)
    assert failed.returncode == 14 and "cannot connect" in failed.stderr and SECRET not in failed.stderr


def test_check_deployment_names_a_bad_brief_by_file_and_field(tmp_path: Path, pg_url: str):
    deployment = write_deployment(tmp_path, pg_url, {"good": brief_config("good", ["http://127.0.0.1:9/a.xml"]),
                                                     "bad": {**brief_config("bad", ["http://127.0.0.1:9/b.xml"]),
                                                             "timezone": "Mars/Olympus"}})
    done = briefgen("check", "--deployment", str(deployment), check=False)
    assert done.returncode == 3
    assert f"{tmp_path / 'briefs' / 'bad.yaml'}: timezone: 'Mars/Olympus' is not an IANA time zone" in done.stderr


def test_check_deployment_finds_a_briefs_missing_source_folder_before_a_worker_does(tmp_path: Path, pg_url: str):
    """A valid config whose folder source is missing would fail on a worker: check says so,
    by brief, as `briefgen check --config` does for one config (exit code 4)."""
    bad = {**brief_config("bad", ["http://127.0.0.1:9/b.xml"]), "sources": [{"name": "Cables", "path": "cables/"}]}
    deployment = write_deployment(tmp_path, pg_url, {"good": brief_config("good", ["http://127.0.0.1:9/a.xml"]),
                                                     "bad": bad})
    done = briefgen("check", "--deployment", str(deployment), "--migrate", check=False)
    assert done.returncode == 4, done.stderr
    assert f"bad: sources: Cables: failed: files cables/: {tmp_path / 'briefs' / 'cables'} does not exist" in done.stdout
    assert f"{tmp_path / 'briefs' / 'bad.yaml'}: 1 source unusable (Cables)" in done.stderr
    (tmp_path / "briefs" / "cables").mkdir()
    (tmp_path / "briefs" / "cables" / "one.txt").write_text("Seoul said on Tuesday that talks would resume.\n")
    assert briefgen("check", "--deployment", str(deployment)).stdout.strip().endswith("up to date")


def test_check_deployment_says_when_migrations_are_pending_or_the_database_is_away(tmp_path: Path, pg_url: str):
    deployment = write_deployment(tmp_path, pg_url, {"good": brief_config("good", ["http://127.0.0.1:9/a.xml"])})
    pending = briefgen("check", "--deployment", str(deployment), check=False)
    assert pending.returncode == 14
    assert "migration(s) pending" in pending.stdout and "--migrate" in pending.stderr
    assert briefgen("check", "--deployment", str(deployment), "--migrate").stdout.strip().endswith("up to date")
    settings = yaml.safe_load(deployment.read_text())
    settings["store"] = pg_url.split("?host=")[0] + "?host=/nonexistent"
    deployment.write_text(yaml.safe_dump(settings))
    away = briefgen("check", "--deployment", str(deployment), check=False)
    assert away.returncode == 14 and "cannot connect" in away.stderr


def test_the_store_url_comes_from_the_environment(project: Path, pg_url: str):
    done = subprocess.run([sys.executable, "-m", "briefgen", "generate", "--config", str(project / "sources.yaml"),
                           "--date", "2024-01-17", "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                          env={**__import__("os").environ, "BRIEFGEN_STORE": pg_url})
    assert done.returncode == 0, done.stderr
    assert not (project / "out" / ".briefgen" / "briefgen.sqlite3").exists()
    with Store(pg_url, namespace="sources") as db:
        assert db.has_brief(date(2024, 1, 17))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_one_brief_per_date_by_the_ledger_on_both(project: Path, dialect: str, pg_url: str):
    store = str(project / "s.sqlite3") if dialect == "sqlite" else pg_url
    args = ["generate", "--config", str(project / "sources.yaml"), "--date", "2024-01-17", "--format", "json",
            "--store", store]
    briefgen(*args)
    if dialect == "sqlite":
        with sqlite3.connect(store) as conn:
            assert conn.execute("SELECT status FROM runs").fetchall() == [("done",)]
    else:
        with Store(pg_url, namespace="sources") as db:
            assert [tuple(r) for r in db.conn.execute("SELECT status FROM runs").fetchall()] == [("done",)]
