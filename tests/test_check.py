"""`briefgen check`: what a config would do, and an exit code that says whether it is usable."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from briefgen.checkup import next_runs
from briefgen.cli import main
from briefgen.config import load_config

from .conftest import DEFAULT_CONFIG, ROOT, write
from .feedserver import FeedServer, Route, rss
from .mailserver import free_port

PASSWORD = "s3cret-never-printed"


def _project(tmp_path: Path, **changes: object) -> Path:
    """A project as `init` makes it, with one article, and `changes` to its top-level keys."""
    assert main(["init", "-q", str(tmp_path), "--timezone", "Asia/Seoul"]) == 0
    write(tmp_path / "articles/a.txt", "Brent crude rose above 90 dollars a barrel after OPEC cut output.\n")
    config = tmp_path / "sources.yaml"
    if changes:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data.update(changes)
        config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return config


def _check(config: Path, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", "--config", str(config), *args])
    out, err = capsys.readouterr()
    # Columns are padded to the longest name: compare with single spaces.
    return code, re.sub(r" {2,}", "  ", out), err


def test_the_default_config_checks_ok_offline_and_its_first_line_is_unchanged(capsys):
    code, out, err = _check(DEFAULT_CONFIG, capsys)
    assert code == 0, err
    assert out.splitlines()[0] == f"{DEFAULT_CONFIG}: ok (1 source enabled, 3 themes)"
    for name in ("Seed articles", "Yonhap News Agency", "missiles", "drills", "russia"):
        assert name in out
    assert "files seeds/: 2 articles" in out
    assert "(enabled: false)" in out


def test_the_report_shows_sources_themes_schedule_and_email(tmp_path: Path, capsys, monkeypatch):
    config = _project(tmp_path, email={
        "host": "127.0.0.1", "port": 2525, "security": "none", "from": "Brief <b@example.org>",
        "to": ["a@example.org"], "username": "bot", "password_env": "BRIEFGEN_TEST_PASSWORD",
    })
    monkeypatch.delenv("BRIEFGEN_TEST_PASSWORD", raising=False)
    code, out, err = _check(config, capsys)
    assert code == 0, err
    assert "My articles  ok: files articles/: 1 article" in out
    assert "climate-policy  Climate policy: terms " in out
    assert "3 examples; threshold 2" in out
    assert "'0 6 * * *' in Asia/Seoul" in out
    assert sum(" 06:00:00 KST" in line for line in out.splitlines()) == 5
    assert "127.0.0.1:2525 (none)" in out
    assert "password  warning: unset: $BRIEFGEN_TEST_PASSWORD" in out

    monkeypatch.setenv("BRIEFGEN_TEST_PASSWORD", PASSWORD)
    code, out, err = _check(config, capsys)
    assert code == 0
    assert "password  ok: set (in $BRIEFGEN_TEST_PASSWORD)" in out
    assert PASSWORD not in out + err


def test_a_password_over_a_connection_without_tls_is_a_warning(tmp_path: Path, capsys):
    email = {"host": "127.0.0.1", "port": 2525, "from": "b@example.org", "to": ["a@example.org"],
             "username": "bot", "password_env": "BRIEFGEN_TEST_PASSWORD"}
    code, out, err = _check(_project(tmp_path, email={**email, "security": "none"}), capsys)
    assert code == 0, err
    assert "security  warning: email.security is none: the password for bot goes to 127.0.0.1:2525 in clear" in out
    # With TLS, or without a login, there is nothing to warn about.
    for changed in ({**email, "security": "starttls"}, {k: v for k, v in email.items() if "pass" not in k and k != "username"}
                    | {"security": "none"}):
        code, out, err = _check(_project(tmp_path / str(len(changed)), email=changed), capsys)
        assert code == 0, err
        assert "in clear" not in out


def test_next_runs_are_in_the_config_time_zone(tmp_path: Path):
    config = load_config(_project(tmp_path, schedule={"cron": "30 6 * * mon-fri"}))
    friday = datetime(2024, 1, 19, 7, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    runs = next_runs(config, friday)
    assert [r.strftime("%a %d %H:%M %Z") for r in runs] == [
        "Mon 22 06:30 KST", "Tue 23 06:30 KST", "Wed 24 06:30 KST", "Thu 25 06:30 KST", "Fri 26 06:30 KST",
    ]


def test_an_empty_folder_is_a_warning_and_a_missing_one_unusable(tmp_path: Path, capsys):
    config = _project(tmp_path)
    (tmp_path / "articles/a.txt").unlink()
    code, out, _ = _check(config, capsys)
    assert code == 0
    assert "warning: files articles/: no articles yet: put .txt, .md or .html files in" in out

    (tmp_path / "articles").rmdir()
    code, out, err = _check(config, capsys)
    assert code == 4
    assert err.count("\n") == 1
    assert err.startswith("briefgen: error: 1 source unusable (My articles): files articles/: ")
    assert "does not exist" in err


def test_feeds_are_probed_unless_offline(tmp_path: Path, capsys):
    with FeedServer() as server:
        server.routes["/feed.xml"] = Route(body=rss([
            {"guid": "1", "title": "Gas prices fall", "description": "European gas prices fell.",
             "date": "Wed, 17 Jan 2024 06:00:00 GMT"},
        ]))
        config = _project(tmp_path, sources=[
            {"name": "My articles", "path": "articles/"},
            {"name": "Loopback", "url": server.url("/feed.xml")},
        ])
        code, out, err = _check(config, capsys)
        assert code == 0, err
        assert f"Loopback  ok: feed {server.url('/feed.xml')}: reachable, 1 item in " in out
        hits = len(server.hits)
        code, out, _ = _check(config, capsys, "--offline")
        assert code == 0
        assert "not probed (--offline)" in out
        assert len(server.hits) == hits


def test_an_unreachable_feed_makes_check_fail_with_one_line(tmp_path: Path, capsys):
    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    config = _project(tmp_path, sources=[{"name": "Gone", "url": url}], feeds={"retries": 0})
    code, out, err = _check(config, capsys)
    assert code == 4
    assert f"Gone  failed: feed {url}: could not connect" in out
    assert err.count("\n") == 1 and "set `enabled: false`" in err


def test_quiet_keeps_only_the_first_line(tmp_path: Path, capsys):
    code, out, _ = _check(_project(tmp_path), capsys, "-q")
    assert code == 0
    assert out.splitlines() == [f"{tmp_path / 'sources.yaml'}: ok (1 source enabled, 2 themes)"]


def test_a_theme_unlikely_to_match_gets_a_hint():
    from briefgen.checkup import theme_row
    from briefgen.config import ThemeConfig

    weak = theme_row(ThemeConfig(key="tariffs", label="Tariffs", terms={"tariff*": 1.5, "trade|import*": 0.5}))
    assert weak.detail == ("Tariffs: terms tariff*, trade; 0 examples; threshold 2 (hint: no term reaches the "
                           "threshold alone: a passage needs several terms)")
    strong = theme_row(ThemeConfig(key="oil", label="Oil", terms={"crude": 2}, examples=["Brent crude rose."]))
    assert "hint" not in strong.detail
    # A term that decides alone is named, not a fault.
    assert strong.detail.endswith("; decide alone, one mention is enough: 'crude (2)'") and strong.status == "info"


def test_a_longer_term_that_weighs_less_is_named():
    # A new user's "special envoy" at 1 beside "envoy*" at 1.5 gave "the special envoy
    # arrived" 1, not 1.5, and nothing said why.
    from briefgen.analyse.themes import score_all
    from briefgen.config import ThemeConfig
    from briefgen.lint import lint
    from briefgen.models import Passage

    peace = ThemeConfig(key="peace", label="Peace", terms={"envoy*|mediator*": 1.5, "special envoy|talks": 1,
                                                           "envoy's office": 2, "ceasefire": 2})
    (row,) = score_all([Passage("p", "a", "The special envoy arrived.", 0, 0)], [peace])
    assert row[0].score == 1.0
    (note,) = [n for n in lint(peace).notes if "weighs less" in n]
    assert "'special envoy' (1) holds 'envoy*' (1.5)" in note
    # A heavier longer term, or terms that share no words, are not named.
    assert "envoy's office" not in note and "talks" not in note
    assert not [n for n in lint(peace.model_copy(update={"terms": {"envoy*": 1.5, "special envoy": 1.5}})).notes
                if "weighs less" in n]


def test_check_shows_the_scope_and_what_is_wrong_in_it():
    from briefgen.checkup import scope_row
    from briefgen.config import ScopeConfig

    config = load_config(ROOT / "docs" / "examples" / "red-sea.yaml")
    row = scope_row(config)
    assert row.status == "info" and row.detail.startswith("the Red Sea and the Gulf of Aden: 15 names, red sea, ")
    assert "4 excluded: pirate*, piracy, counter-piracy, anti-piracy" in row.detail
    # A name also excluded (the article is in whenever its title names it) and a common word.
    wrong = config.model_copy(update={"scope": ScopeConfig(label="Guinea", terms=["guinea*|us|conakry"],
                                                          exclude=["guinea-bissau|Conakry"])})
    row = scope_row(wrong)
    assert row.status == "warning"
    assert "'conakry' both name the scope and are excluded" in row.detail and "'us' match a common word" in row.detail
    assert scope_row(config.model_copy(update={"scope": None})).detail.startswith("none: every article counts")
