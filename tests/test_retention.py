"""`store.retention_days`: old articles are pruned after a brief, the briefs' own records
stay, and what reads articles of earlier briefs (story continuity, the archive's story
pages, the search) keeps working with what is left."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from briefgen.config import ConfigError, load_config
from briefgen.models import Article, SearchQuery, Story
from briefgen.pipeline import build_brief
from briefgen.store import Store, open_store

from .conftest import DEFAULT_CONFIG, write
from .test_continuity import LAUNCH, PROTEST, SANCTIONS, VISIT

CONDEMNS = """\
    ---
    title: UN Security Council condemns North Korean ballistic missile launch
    date: 2024-03-21T07:00:00+09:00
    ---
    The UN Security Council condemned on Thursday the ballistic missile North Korea fired toward the East Sea, which Japan said flew about 600 kilometres.
    """


DAY_LAUNCH = DAY_VISIT = date(2024, 3, 18)
DAY_PROTEST, DAY_SANCTIONS, DAY_CONDEMNS = date(2024, 3, 19), date(2024, 3, 20), date(2024, 3, 21)


def _config(tmp_path: Path, store: str = "store: {retention_days: 2}") -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("sources:\n"), text.index("\nthemes:\n")
    text = text[:start] + "sources:\n  - {name: Desk, path: news/}\n" + text[end:]
    text = text.replace("brief:\n", "brief:\n  window: 48h\n", 1)
    text = "\n".join(line for line in text.splitlines() if line.strip() != "window: 24h" or line == "  window: 48h") + "\n"
    (tmp_path / "sources.yaml").write_text(f"{text}{store}\n", encoding="utf-8")
    return tmp_path / "sources.yaml"


def _news(folder: Path, name: str, text: str, day: date) -> None:
    """A file of the news folder, last modified on `day` (its first sight, for a file)."""
    path = write(folder / "news" / name, text)
    moment = datetime(day.year, day.month, day.day, 20, 0, tzinfo=load_config(folder / "sources.yaml").tz).timestamp()
    os.utime(path, (moment, moment))


def _build(config: Path, day: date):
    cfg = load_config(config)
    now = datetime(day.year, day.month, day.day, 23, 0, tzinfo=cfg.tz)
    return build_brief(cfg, day, out_dir=config.parent / "out", formats=["json", "html"], now=now).brief


def _article(brief, title: str) -> str:
    return next(a.id for a in brief.articles if a.title == title)


def test_old_articles_go_the_briefs_records_stay_and_stories_continue(tmp_path: Path):
    config = _config(tmp_path)
    _news(tmp_path, "launch.md", LAUNCH, DAY_LAUNCH)
    _news(tmp_path, "visit.md", VISIT, DAY_VISIT)
    first = _build(config, date(2024, 3, 18))
    launch = _article(first, "North Korea fires ballistic missile toward East Sea")
    visit = _article(first, "Lavrov arrives in Pyongyang")
    launch_story = next(s.id for s in first.stories if launch in s.article_ids)
    _news(tmp_path, "protest.md", PROTEST, DAY_PROTEST)
    second = _build(config, date(2024, 3, 19))
    protest = _article(second, "Japan protests North Korean ballistic missile launch")
    # The feed moved on: the first day's items are no longer carried.
    (tmp_path / "news/launch.md").unlink()
    (tmp_path / "news/visit.md").unlink()
    _news(tmp_path, "sanctions.md", SANCTIONS, DAY_SANCTIONS)
    _build(config, date(2024, 3, 20))
    with open_store(load_config(config), tmp_path / "out") as store:
        # Two days of retention before 20 Mar: everything since 18 Mar is kept.
        assert store.count_articles() == 4

    _news(tmp_path, "condemns.md", CONDEMNS, DAY_CONDEMNS)
    fourth = _build(config, date(2024, 3, 21))
    with open_store(load_config(config), tmp_path / "out") as store:
        kept = {r[0] for r in store.conn.execute("SELECT id FROM articles")}
        assert launch not in kept and visit not in kept and protest in kept and len(kept) == 3
        # The briefs' own records are all there.
        assert store.brief_articles(date(2024, 3, 18)) == sorted([launch, visit])
        assert [r.date for r in store.brief_records(date(2024, 3, 1), date(2024, 3, 22))] == [
            date(2024, 3, 18), date(2024, 3, 19), date(2024, 3, 20), date(2024, 3, 21)]
        assert {r.id for r in store.earlier_stories(date(2024, 3, 19), date(2024, 3, 1))} == {s.id for s in first.stories}
        # Nothing of the pruned articles is left to search: the briefs still are.
        hits = store.search(SearchQuery(text="Lavrov"), load_config(config).tz).hits
        assert hits and {h.kind for h in hits} == {"brief"}
        assert store.conn.execute("SELECT count(*) FROM article_sightings WHERE article_id IN (?, ?)",
                                  (launch, visit)).fetchone()[0] == 0
        # A cited article keeps its title and source.
        cited = {a.id: a for a in store.pruned_citations([launch, visit, protest], load_config(config).tz)}
        assert set(cited) == {launch, visit}
        assert (cited[launch].title, cited[launch].source) == ("North Korea fires ballistic missile toward East Sea", "Desk")
    told = next(s for s in fourth.stories if s.continues is not None)
    assert (told.continues.day, told.continues.first_reported) == (4, date(2024, 3, 18))

    # A brief after pruning still builds, and continues the story whose first articles are gone.
    _news(tmp_path, "more.md", CONDEMNS.replace("2024-03-21T07:00", "2024-03-22T07:00").replace(
        "condemned on Thursday", "met again on Friday over"), date(2024, 3, 22))
    fifth = _build(config, date(2024, 3, 22))
    told = next(s for s in fifth.stories if s.continues is not None)
    assert (told.continues.day, told.continues.first_reported) == (5, date(2024, 3, 18))

    # The archive's page of the first day's story still names the pruned article.
    from briefgen.serve.app import create_app
    from briefgen.serve.pages import story as story_page

    app = create_app(load_config(config), tmp_path / "out")
    page = story_page(app.state.archive, date(2024, 3, 18), launch_story)
    assert [a["title"] for a in page["articles"]][:1] == ["North Korea fires ballistic missile toward East Sea"]


def test_without_retention_nothing_is_pruned(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    config = _config(tmp_path, store="")
    _news(tmp_path, "launch.md", LAUNCH, DAY_LAUNCH)
    _build(config, date(2024, 3, 18))
    (tmp_path / "news/launch.md").unlink()
    _news(tmp_path, "sanctions.md", SANCTIONS, DAY_SANCTIONS)
    _build(config, date(2024, 3, 20))
    with open_store(load_config(config), tmp_path / "out") as store:
        assert store.count_articles() == 2
    # `briefgen prune` does on demand what the setting does after each brief.
    from briefgen.cli import main

    args = ["--config", str(config), "--out", str(tmp_path / "out")]
    assert main(["prune", *args]) == 2  # UsageError: no --days and no store.retention_days
    assert "give --days N, or set store.retention_days" in capsys.readouterr().err
    assert main(["prune", *args, "--days", "1", "--date", "2024-03-20", "--vacuum"]) == 0
    assert re.match(r"pruned 1 articles \(1 kept as citations, 1 passage spans\); store [\d.]+ MB -> [\d.]+ MB",
                    capsys.readouterr().out)
    with open_store(load_config(config), tmp_path / "out") as store:
        assert store.count_articles() == 1


def test_a_retention_shorter_than_the_window_is_refused(tmp_path: Path):
    config = _config(tmp_path, store="store: {path: briefs.sqlite3, retention_days: 1}")
    config.write_text(config.read_text(encoding="utf-8").replace("  window: 48h", "  window: 3d"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert "store.retention_days: 1 days is shorter than brief.window (3d)" in str(caught.value)


def test_store_as_a_mapping_names_the_file(tmp_path: Path):
    config = load_config(_config(tmp_path, store="store: {path: briefs.sqlite3, retention_days: 30}"))
    assert config.store_target == "briefs.sqlite3" and config.retention_days == 30
    with open_store(config) as store:
        assert store.path == tmp_path / "briefs.sqlite3"
    moved = config.with_store("elsewhere.sqlite3")
    assert moved.store_target == "elsewhere.sqlite3" and moved.retention_days == 30


def _stored(n: int, day: datetime) -> Article:
    return Article(id=f"a{n}", source="Wire", origin="Wire", title=f"Report number {n} on Pyongyang",
                   text=f"Pyongyang said on day {n} that the talks would go on.", url=f"https://wire.example/{n}",
                   guid=f"g{n}", published=day, first_seen=day)


def test_prune_on_a_real_store(store_target):
    """The store's own prune, on SQLite and on PostgreSQL."""
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    articles = [_stored(n, start + timedelta(days=n)) for n in range(10)]
    with Store(store_target) as store:
        store.save_articles(articles, start + timedelta(days=10))
        store.save_spans({f"key{n}": [(0, 0, 10)] for n in range(10)})
        store.record_brief(date(2024, 1, 3), ["a1", "a2"])
        store.record_stories(date(2024, 1, 3), [Story(id="s1", article_ids=("a1",), sources=("Wire",), headline="Report",
                                                     lead_text="Pyongyang said.", rank=1)])
        pruned = store.prune_articles(start + timedelta(days=5), lambda text: f"key{text.split()[4]}",
                                      start + timedelta(days=10))
        assert (pruned.articles, pruned.cited, pruned.spans) == (5, 1, 5)
        left = {r[0] for r in store.conn.execute("SELECT id FROM articles")}
        assert left == {f"a{n}" for n in range(5, 10)}
        assert store.brief_articles(date(2024, 1, 3)) == ["a1", "a2"]
        assert [a.title for a in store.pruned_citations(["a1", "a2", "a7"], UTC)] == ["Report number 1 on Pyongyang"]
        assert store.conn.execute("SELECT count(*) FROM search_docs WHERE kind = 'article'").fetchone()[0] == 5
        assert set(store.load_spans([f"key{n}" for n in range(10)])) == {f"key{n}" for n in range(5, 10)}
        # A pruned item a feed carries again is stored again, as new.
        assert not store.knows(articles[0])
        # Nothing older is left: a second prune removes nothing.
        assert store.prune_articles(start + timedelta(days=5), str, start).articles == 0
