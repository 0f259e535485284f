"""The window: scheduled briefs tile time (every article in exactly one brief), and an empty
brief says why: a quiet day ships, failed sources do not. Feeds and mail on loopback, a
fake clock passed in; no sleeping, no wall-clock thresholds."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from briefgen.cli import main
from briefgen.config import Config, load_config
from briefgen.errors import ExitStatus
from briefgen.pipeline import open_store, refresh, run_brief
from briefgen.schedule import scheduled_run

from .feedserver import FeedServer, Route, rss
from .mailserver import Inbox, add_email, smtp_server

SEOUL = ZoneInfo("Asia/Seoul")
THEMES = [{"key": "missiles", "label": "Missiles", "terms": {"missile": 2, "launch*|fired": 1}}]


def kst(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 1, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)


@dataclass
class Item:
    """A feed item: when it is published (None: the feed gives no date) and when it shows up in the feed."""

    guid: str
    published: datetime | None
    appears: datetime
    text: str = ""

    def entry(self) -> dict[str, str]:
        text = self.text or f"North Korea fired a missile, report {self.guid} said. Officials in Seoul condemned the launch."
        entry = {"guid": self.guid, "title": f"Report {self.guid}", "link": f"https://wire.example/{self.guid}",
                 "description": f"<p>{text}</p>"}
        if self.published is not None:
            entry["date"] = format_datetime(self.published)
        return entry


class Wire:
    """A feed on loopback whose items appear over (fake) time."""

    def __init__(self, server: FeedServer, items: list[Item]):
        self.server, self.items = server, items
        self.url = server.url("/wire.xml")

    def at(self, moment: datetime) -> None:
        """The feed as it is at `moment`: the items that have appeared by then, newest first."""
        shown = sorted((i for i in self.items if i.appears <= moment), key=lambda i: i.appears, reverse=True)
        self.server.routes["/wire.xml"] = Route(rss([i.entry() for i in shown], title="Wire"))


def project(tmp_path: Path, sources: list[dict], **extra: object) -> Path:
    data = {
        "title": "Test Brief", "timezone": "Asia/Seoul", "sources": sources, "themes": THEMES,
        "schedule": {"cron": "0 6 * * *"}, "output": {"formats": ["json"]},
        "feeds": {"retries": 0, "read_timeout": 5, "deadline": 10}, **extra,
    }
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def brief_json(config: Config, day: date) -> dict:
    path = config.resolve(config.output.dir) / day.isoformat() / f"brief-{day.isoformat()}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def guids(data: dict) -> set[str]:
    return {s["title"].removeprefix("Report ") for s in data["sources"]}


# -- tiling ----------------------------------------------------------------------------------


def test_three_scheduled_days_brief_every_article_exactly_once(tmp_path: Path):
    days = [date(2024, 1, 16), date(2024, 1, 17), date(2024, 1, 18)]
    items = [
        Item("early", kst(15, 20), kst(15, 20, 5)),                    # before the first brief: in it
        Item("late", kst(16, 5, 59), kst(16, 6, 10)),                  # 05:59, but in the feed after the 06:00 run
        Item("noon", kst(16, 12), kst(16, 12, 5)),                     # stored by a fetch between briefs
        Item("dawn", kst(17, 5, 30), kst(17, 5, 31)),                  # fetched by the 17th's own run
        Item("undated-run", None, kst(17, 3)),                         # no date; found by the 17th's run
        Item("undated-fetch", None, kst(17, 10)),                      # no date; stored by the 11:00 fetch
        Item("after-cutoff", kst(17, 6, 0, 2), kst(17, 6, 0, 3)),      # two seconds after the 17th's cut-off
        Item("day3", kst(18, 4), kst(18, 4, 10)),
    ]
    fetches = [kst(16, 14), kst(17, 11)]  # `briefgen fetch` between briefs
    runs = {day: datetime.combine(day, datetime.min.time(), SEOUL).replace(hour=6, second=5) for day in days}
    with FeedServer() as server:
        wire = Wire(server, items)
        config = load_config(project(tmp_path, [{"name": "Wire", "url": wire.url}]))
        for moment in sorted([*fetches, *runs.values()]):
            wire.at(moment)
            if moment in fetches:
                with open_store(config) as store:
                    refresh(config, store, now=moment, progress=False)
            else:
                day = next(d for d, at in runs.items() if at == moment)
                assert scheduled_run(config, day, now=moment) == ExitStatus.OK
        # An edit of an item already briefed is not news again.
        items[0].text = "North Korea fired two missiles, report early now says. Officials condemned the launch."
        wire.at(kst(18, 9))
        with open_store(config) as store:
            refresh(config, store, now=kst(18, 9), progress=False)

    briefs = {day: brief_json(config, day) for day in days}
    assert guids(briefs[days[0]]) == {"early"}
    assert guids(briefs[days[1]]) == {"late", "noon", "dawn", "undated-run"}
    assert guids(briefs[days[2]]) == {"undated-fetch", "after-cutoff", "day3"}
    seen = [g for data in briefs.values() for g in guids(data)]
    assert sorted(seen) == sorted(i.guid for i in items), "every article in exactly one brief"

    first, second, third = (briefs[d]["window"] for d in days)
    assert (first["start"], first["end"], first["basis"]) == ("2024-01-15T06:00:00+09:00", "2024-01-16T06:00:00+09:00", "first brief")
    # Each brief starts where the previous one ended.
    assert second["start"] == first["end"] and third["start"] == second["end"]
    assert second == {
        "label": "24h", "start": "2024-01-16T06:00:00+09:00", "end": "2024-01-17T06:00:00+09:00",
        "description": "since yesterday 06:00 KST", "basis": "previous brief", "cutoff_basis": "schedule",
        "previous": "2024-01-16", "late_from": "2024-01-15T06:00:00+09:00",
    }

    # Made again the next morning, the 17th keeps its window and its articles: the 18th's are not taken.
    rerun = run_brief(config, days[1], formats=["json", "md"], now=kst(18, 9, 30))
    assert rerun.build is not None and rerun.no_articles is None
    again = brief_json(config, days[1])
    assert again["window"] == second and guids(again) == guids(briefs[days[1]])
    markdown = (config.resolve("out") / "2024-01-17/brief-2024-01-17.md").read_text(encoding="utf-8")
    assert "- Window: since yesterday 06:00 KST · 24h · 16 Jan 2024 06:00 – 17 Jan 2024 06:00 KST · 1 late arrival" in markdown


def test_generate_without_a_schedule_cuts_off_now_and_the_next_starts_there(tmp_path: Path, capsys):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "one.md").write_text("---\ndate: 2024-01-16T23:00:00+09:00\n---\nNorth Korea fired a missile.\n", encoding="utf-8")
    config_path = project(tmp_path, [{"name": "News", "path": "news/"}])
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    del data["schedule"]
    config_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    config = load_config(config_path)
    first = run_brief(config, date(2024, 1, 17), formats=["json"], now=kst(17, 9, 37, 12))
    assert first.build is not None
    window = first.build.brief.window
    assert (window.start, window.end, window.cutoff_basis) == (kst(16, 9, 37, 12), kst(17, 9, 37, 12), "current time")
    (folder / "two.md").write_text("---\ndate: 2024-01-17T10:00:00+09:00\n---\nPyongyang fired another missile.\n", encoding="utf-8")
    second = run_brief(config, date(2024, 1, 18), formats=["json"], now=kst(18, 8))
    assert second.build is not None
    window = second.build.brief.window
    assert (window.start, window.end, window.basis) == (kst(17, 9, 37, 12), kst(18, 8), "previous brief")
    assert window.description == "since yesterday 09:37 KST"
    assert [a.path for a in second.build.brief.articles] == ["news/two.md"]
    # An explicit window still wins, and says where it came from.
    assert main(["generate", "-q", "-c", str(config_path), "--date", "2024-01-18", "--window", "7d", "--format", "json"]) == 0
    fixed = brief_json(config, date(2024, 1, 18))["window"]
    assert fixed["basis"] == "--window" and fixed["label"] == "7d"


# -- empty briefs ----------------------------------------------------------------------------


def _ledger(config: Config, day: date) -> str:
    with sqlite3.connect(config.resolve("out/.briefgen/briefgen.sqlite3")) as conn:
        return conn.execute("SELECT status FROM runs WHERE brief_date = ?", (day.isoformat(),)).fetchone()[0]


def test_failed_sources_make_an_empty_brief_that_says_so_and_is_not_emailed(tmp_path: Path, capsys):
    day = date(2024, 1, 17)
    inbox = Inbox()
    with FeedServer() as server, smtp_server(inbox) as port:
        server.routes["/down.xml"] = Route(b"", fail_first=99, fail_status=503)
        path = project(tmp_path, [{"name": "Down wire", "url": server.url("/down.xml")},
                                  {"name": "Desk", "path": "desk/"}], output={"formats": ["json", "md", "html"]})
        add_email(path, port)
        config = load_config(path)
        assert scheduled_run(config, day, now=kst(17, 6, 0, 5)) == ExitStatus.NO_ARTICLES
        assert inbox.messages == []
        assert _ledger(config, day) == "failed"  # so the scheduler tries again

        data = brief_json(config, day)
        assert data["coverage"]["status"] == "failed" and data["coverage"]["failed"] == ["Down wire", "Desk"]
        notice = data["coverage"]["notice"]
        assert notice.startswith("No articles: Down wire (HTTP 503); Desk (desk/: no file matches this path).")
        folder = config.resolve("out") / day.isoformat()
        markdown = (folder / f"brief-{day}.md").read_text(encoding="utf-8")
        assert markdown.startswith("> No articles: Down wire (HTTP 503)")
        html = (folder / f"brief-{day}.html").read_text(encoding="utf-8")
        top = html.split('<main class="page">', 1)[1].lstrip()
        assert top.startswith('<p class="coverage-notice coverage-failed" role="alert">No articles: ')

        # `generate --email` (cron) gives the brief a code of its own, and sends nothing either.
        capsys.readouterr()
        assert main(["generate", "-c", str(path), "--date", day.isoformat(), "--email"]) == ExitStatus.NO_ARTICLES == 9
        err = capsys.readouterr().err
        assert "No articles: Down wire (HTTP 503)" in err
        # One line of whole sentences: the notice, then what became of the brief.
        assert "not because nothing happened. The brief was written and says so at its top." in err
        assert inbox.messages == []

        # email.send_empty: true sends it, and the run still says it failed.
        add_email(path, port, send_empty=True)
        config = load_config(path)
        assert scheduled_run(config, day, now=kst(17, 6, 15)) == ExitStatus.NO_ARTICLES
        assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["alice@example.org", "bob@example.org", "carol@example.org"]
        assert inbox.messages[0].message["Subject"] == f"Test Brief · {day}"


def test_a_quiet_day_from_healthy_sources_ships_and_says_so(tmp_path: Path):
    day = date(2024, 1, 17)
    inbox = Inbox()
    old = [Item(f"old{n}", kst(2, 9, month=3, year=2018) - timedelta(days=n), kst(15, 0)) for n in range(55)]
    with FeedServer() as server, smtp_server(inbox) as port:
        wire = Wire(server, old)
        wire.at(kst(17, 6))
        path = project(tmp_path, [{"name": "Archive", "url": wire.url}], output={"formats": ["json", "md", "html"]})
        add_email(path, port)
        config = load_config(path)
        assert scheduled_run(config, day, now=kst(17, 6, 0, 5)) == ExitStatus.OK
    assert len(inbox.messages) == 3
    assert inbox.messages[0].message["Subject"] == f"Test Brief · {day}"
    assert _ledger(config, day) == "done"
    data = brief_json(config, day)
    assert data["sources"] == []
    assert data["coverage"] == {
        "status": "quiet", "notice": "A quiet day: 1 source read (Archive), none with an article in this window.",
        "read": ["Archive"], "failed": [],
    }
    # The feed answers, so it is not failing; but nothing it has is news.
    (health,) = data["health"]
    assert health["status"] == "ok"
    assert health["reason"] == "55 items, newest 2018-03-02: all older than this window"
    assert health["newest"] == "2018-03-02T09:00:00+09:00"
    markdown = (config.resolve("out") / day.isoformat() / f"brief-{day}.md").read_text(encoding="utf-8")
    assert markdown.startswith("> A quiet day: 1 source read (Archive)")
    assert "| Archive | ok: 55 items, newest 2018-03-02: all older than this window |" in markdown


# -- check -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("brief", "warning"), [
    ({}, None),
    ({"window": "24h"}, None),
    ({"window": "12h"}, "brief.window 12h leaves a gap: what is published from "),
    ({"window": "48h"}, "brief.window 48h overlaps: what is published from "),
    ({"cutoff": "09:00"}, "brief.cutoff 09:00 is after the scheduled time 06:00: the brief is made before its window ends"),
    ({"cutoff": "00:00", "window": "24h"}, "brief.cutoff 00:00 is before the scheduled time 06:00: what is published from 00:00 to 06:00 waits"),
])
def test_check_warns_when_the_window_and_the_schedule_leave_a_gap(tmp_path: Path, capsys, brief: dict, warning: str | None):
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk/a.txt").write_text("North Korea fired a missile.\n", encoding="utf-8")
    path = project(tmp_path, [{"name": "Desk", "path": "desk/"}], **({"brief": brief} if brief else {}))
    capsys.readouterr()
    assert main(["check", "--offline", "-c", str(path)]) == 0  # a warning, not an unusable config
    out = " ".join(capsys.readouterr().out.split())
    if warning is None:
        assert "warning: brief." not in out
        assert "window" in out and ("since the previous brief's cut-off" in out or "brief.window 24h" in out)
    else:
        assert f"warning: {warning}" in out
