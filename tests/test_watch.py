"""`briefgen watch` against feeds on 127.0.0.1 that change between polls, a real SMTP server and
a webhook receiver: one alert per story and rule, the one update, quiet hours, the rate limit,
retries with backoff, and no second send after a crash between send and record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefgen.config import load_config
from briefgen.errors import ConfigError
from briefgen.pipeline import build_brief, open_store
from briefgen.watch import poll

from .conftest import DEFAULT_CONFIG
from .feedserver import FeedServer, Route, rss
from .mailserver import Inbox, add_email, smtp_server
from .serveapp import ROOT
from .webhook import Receiver

NOW = datetime.now(UTC).replace(microsecond=0)
MISSILE = ("North Korea fired a ballistic missile into the East Sea on Wednesday, South Korea's Joint Chiefs of Staff "
           "said. The missile flew about 750 kilometres before splashing down, the military said.")
LAVROV = ("Russian Foreign Minister Sergei Lavrov arrived in Pyongyang on Wednesday for talks with North Korean "
          "leader Kim Jong Un. Lavrov said Moscow would deepen its ties with Pyongyang.")
DRILLS = ("South Korea and the United States began joint military drills near the border on Wednesday, "
          "the defence ministry in Seoul said. The exercise involves fighter jets and warships.")


def item(outlet: str, n: int, text: str, title: str, ago: int) -> dict[str, str]:
    return {"guid": f"{outlet}-{n}", "title": title, "link": f"https://{outlet}.example/{n}",
            "description": f"<p>{text}</p><p>Reported by {outlet}.</p>",
            "date": format_datetime(NOW - timedelta(minutes=ago), usegmt=True)}


def missile(outlet: str) -> dict[str, str]:
    return item(outlet, 1, MISSILE.replace("said.", f"said, {outlet} reported.", 1), "North Korea fires ballistic missile", 50)


@dataclass
class World:
    config_path: Path
    feeds: FeedServer
    hook: Receiver
    inbox: Inbox

    def publish(self, outlet: str, items: list[dict[str, str]]) -> None:
        self.feeds.routes[f"/{outlet}.xml"] = Route(rss(items, title=outlet), etag=f'"{outlet}-{len(items)}-{time.monotonic()}"')

    def config(self):  # type: ignore[no-untyped-def]
        return load_config(self.config_path)

    def poll(self, now: datetime = NOW):  # type: ignore[no-untyped-def]
        config = self.config()
        with open_store(config) as store:
            return poll(config, store, now)

    def alerts(self) -> list[Any]:
        with open_store(self.config()) as store:
            return store.alert_records()


def rules(hook: str, **overrides: Any) -> list[dict[str, Any]]:
    launches = {"name": "launches", "theme": "missiles", "terms": ["missile"], "email": ["desk@example.org"],
                "webhook": hook, "update_after": 2}
    return [{**launches, **overrides},
            {"name": "lavrov", "entity": "Lavrov", "webhook": hook},
            {"name": "corroborated", "theme": "missiles", "min_sources": 2, "webhook": hook}]


def make_world(root: Path, feeds: FeedServer, hook: Receiver, inbox: Inbox, port: int,
               alerts: list[dict[str, Any]] | None = None, **watch: Any) -> World:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["timezone"] = "UTC"
    data["sources"] = [{"name": name, "url": feeds.url(f"/{name}.xml")} for name in ("wire", "herald", "courier")]
    data["output"] = {"dir": "out"}
    data["alerts"] = alerts if alerts is not None else rules(hook.url)
    data["watch"] = {"retries": 2, "backoff": 0.05, **watch}
    path = root / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    add_email(path, port)
    world = World(path, feeds, hook, inbox)
    for outlet in ("wire", "herald", "courier"):
        world.publish(outlet, [])
    return world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    inbox = Inbox()
    with FeedServer() as feeds, Receiver() as hook, smtp_server(inbox) as port:
        yield make_world(tmp_path, feeds, hook, inbox, port)


def texts(hook: Receiver) -> list[str]:
    return [p.body["text"] for p in hook.delivered()]


def test_one_alert_per_story_and_rule_and_one_update_as_it_grows(world):
    world.publish("wire", [missile("wire"), item("wire", 2, LAVROV, "Lavrov visits Pyongyang", 40)])
    world.poll()
    sent = texts(world.hook)
    assert sorted(t.split(" · ")[1] for t in sent) == ["launches", "lavrov"]
    assert all(set(p.body) == {"text"} for p in world.hook.posts)  # what Slack and Teams incoming webhooks take
    launch = next(t for t in sent if " · launches · " in t)
    assert launch.startswith("Alert · launches") and "North Korea fires ballistic missile" in launch
    assert "Reported by 1 outlet: wire" in launch
    mails = world.inbox.to("desk@example.org")
    assert len(mails) == 1 and mails[0].message["Subject"] == "[launches] North Korea fires ballistic missile"
    assert "North Korea fires ballistic missile" in mails[0].message.get_content()
    # Nothing new: the feeds answer 304 to conditional requests, and nothing is sent again.
    world.poll()
    assert len(world.hook.delivered()) == 2 and len(world.inbox.messages) == 1
    assert world.feeds.hits_for("/wire.xml")[-1].status == 304
    # A second outlet: the corroborated rule alerts now; the growth is not yet an update.
    world.publish("herald", [missile("herald")])
    world.poll()
    sent = texts(world.hook)[2:]
    assert [t.split(" · ")[1] for t in sent] == ["corroborated"]
    # A third outlet: one update of the launches rule, by webhook and email; none from the others.
    world.publish("courier", [missile("courier")])
    world.poll()
    world.poll()
    sent = texts(world.hook)[3:]
    assert [t.split(" · ")[:2] for t in sent] == [["Update", "launches"]]
    assert "Reported by 3 outlets" in sent[0]
    assert [m.message["Subject"] for m in world.inbox.to("desk@example.org")][1:] == [
        "[launches] Update: North Korea fires ballistic missile"]
    statuses = {(a.rule, a.level, a.channel, a.status) for a in world.alerts()}
    assert statuses == {("launches", 1, "email:desk@example.org", "sent"), ("launches", 1, "webhook", "sent"),
                        ("launches", 2, "email:desk@example.org", "sent"), ("launches", 2, "webhook", "sent"),
                        ("lavrov", 1, "webhook", "sent"), ("corroborated", 1, "webhook", "sent")}
    # The next brief marks the stories that alerted.
    config = world.config()
    result = build_brief(config, NOW.date(), formats=["json", "html"], now=NOW + timedelta(minutes=1))
    data = json.loads(next(p for p in result.files if p.suffix == ".json").read_text(encoding="utf-8"))
    alerted = {s["headline"]: s["alerted"] for s in data["stories"]}
    assert alerted["North Korea fires ballistic missile"] == ["corroborated", "launches"]
    assert alerted["Lavrov visits Pyongyang"] == ["lavrov"]
    page = next(p for p in result.files if p.suffix == ".html").read_text(encoding="utf-8")
    assert "flash alert: corroborated, launches" in page


def test_quiet_hours_hold_alerts_until_they_end(tmp_path):
    quiet = f"{NOW - timedelta(hours=1):%H:%M}-{NOW + timedelta(hours=1):%H:%M}"
    inbox = Inbox()
    with FeedServer() as feeds, Receiver() as hook, smtp_server(inbox) as port:
        world = make_world(tmp_path, feeds, hook, inbox, port, alerts=[
            {"name": "launches", "theme": "missiles", "webhook": hook.url, "quiet_hours": quiet}])
        world.publish("wire", [missile("wire")])
        result = world.poll()
        assert result.held == ["launches"] and hook.posts == [] and world.alerts() == []
        world.poll(NOW + timedelta(hours=2))
        assert [t.split(" · ")[:2] for t in texts(hook)] == [["Alert", "launches"]]


def test_the_rate_limit_holds_the_rest_for_a_later_poll(tmp_path):
    inbox = Inbox()
    with FeedServer() as feeds, Receiver() as hook, smtp_server(inbox) as port:
        world = make_world(tmp_path, feeds, hook, inbox, port, alerts=[
            {"name": "peninsula", "terms": ["North Korea", "Seoul"], "webhook": hook.url, "rate_limit": 1}])
        world.publish("wire", [missile("wire"), item("wire", 3, DRILLS, "Allies begin drills", 30)])
        world.poll()
        assert len(hook.delivered()) == 1
        world.poll(NOW + timedelta(minutes=30))
        assert len(hook.delivered()) == 1  # still within the hour
        world.poll(NOW + timedelta(minutes=61))
        assert len(hook.delivered()) == 2
        assert len({p.body["text"] for p in hook.delivered()}) == 2


def test_a_failed_webhook_is_retried_with_backoff_and_never_sent_twice(tmp_path):
    inbox = Inbox()
    with FeedServer() as feeds, Receiver(fail_first=2) as hook, smtp_server(inbox) as port:
        world = make_world(tmp_path, feeds, hook, inbox, port,
                           alerts=[{"name": "launches", "theme": "missiles", "webhook": hook.url}], retries=3)
        world.publish("wire", [missile("wire")])
        world.poll()
        assert [p.answered for p in hook.posts] == [500, 500, 200]
        assert [(a.status, a.attempts) for a in world.alerts()] == [("sent", 1)]
        # Every attempt is the same alert (one id).
        assert len({p.headers["X-Briefgen-Alert"] for p in hook.posts}) == 1
        world.poll()
        world.poll(NOW + timedelta(minutes=10))
        assert len(hook.posts) == 3


def test_a_webhook_down_for_a_whole_poll_is_sent_by_the_next(tmp_path):
    inbox = Inbox()
    with FeedServer() as feeds, Receiver(fail_first=10) as hook, smtp_server(inbox) as port:
        world = make_world(tmp_path, feeds, hook, inbox, port,
                           alerts=[{"name": "launches", "theme": "missiles", "webhook": hook.url}], retries=1)
        world.publish("wire", [missile("wire")])
        world.poll()
        assert [p.answered for p in hook.posts] == [500, 500]
        assert [(a.status, a.last_error) for a in world.alerts()] == [("failed", "the webhook answered 500")]
        hook.fail_first = 0
        world.poll()
        world.poll()
        assert [p.answered for p in hook.posts] == [500, 500, 200]
        assert [a.status for a in world.alerts()] == ["sent"]


def test_a_webhook_that_took_the_alert_and_never_answered_is_not_sent_again(tmp_path):
    inbox = Inbox()
    with FeedServer() as feeds, Receiver(hang_first=1) as hook, smtp_server(inbox) as port:
        world = make_world(tmp_path, feeds, hook, inbox, port,
                           alerts=[{"name": "launches", "theme": "missiles", "webhook": hook.url}], timeout=0.5)
        world.publish("wire", [missile("wire")])
        world.poll()
        assert [(a.status, a.attempts) for a in world.alerts()] == [("unknown", 1)]
        assert "may have been delivered" in (world.alerts()[0].last_error or "")
        world.poll()
        world.poll(NOW + timedelta(hours=2))
        assert len(hook.posts) == 1


def test_no_second_send_after_a_crash_between_send_and_record(world):
    world.publish("wire", [missile("wire")])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFGEN_TEST_PAUSE_AT": "alerted"}
    command = [sys.executable, "-m", "briefgen", "watch", "--once", "--config", str(world.config_path)]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert run.stderr is not None
        for line in run.stderr:
            if "paused at alerted" in line:
                break
        os.kill(run.pid, signal.SIGKILL)
    finally:
        run.wait(timeout=30)
    assert len(world.hook.delivered()) + len(world.inbox.messages) == 1  # one went out; the run died before recording it
    assert [a.status for a in world.alerts()] == ["sending"]
    again = subprocess.run(command, cwd=ROOT, env={**env, "BRIEFGEN_TEST_PAUSE_AT": ""}, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "may have been sent by a run that stopped: not sent again" in again.stderr
    statuses = sorted((a.channel, a.status) for a in world.alerts())
    assert ("email:desk@example.org" if world.inbox.messages else "webhook", "unknown") in statuses
    # The other channels, and the other rules, were sent once each; the one that may have gone, never again.
    channels = [a.channel for a in world.alerts() if a.rule == "launches"]
    assert len(channels) == len(set(channels)) == 2
    assert len(world.inbox.to("desk@example.org")) == 1
    assert len([p for p in world.hook.delivered() if " · launches · " in p.body["text"]]) == 1


@pytest.mark.parametrize(("rule", "problem"), [
    ({"name": "x", "webhook": "http://127.0.0.1/h"}, "give one or more of theme, entity, terms"),
    ({"name": "x", "terms": ["a"]}, "give email recipients, a webhook, or both"),
    ({"name": "x", "theme": "weather", "webhook": "http://127.0.0.1/h"}, "alerts[0].theme: no theme 'weather'"),
    ({"name": "x", "terms": ["a"], "webhook": "file:///etc/passwd"}, "alerts[0].webhook"),
    ({"name": "x", "terms": ["a"], "webhook": "http://127.0.0.1/h", "quiet_hours": "late"}, "alerts[0].quiet_hours"),
    ({"name": "x", "terms": ["a"], "email": ["not an address"]}, "alerts[0].email"),
])
def test_bad_rules_are_named_by_path(tmp_path, rule, problem):
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["alerts"] = [rule]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert problem in str(caught.value)


@pytest.mark.slow
def test_the_scheduler_polls_for_alerts_between_briefs(world):
    data = yaml.safe_load(world.config_path.read_text(encoding="utf-8"))
    # A brief on the first of another month: none is due now, only the alert polls run.
    data["schedule"] = {"cron": f"0 6 1 {NOW.month % 12 + 1} *"}
    data["watch"]["interval"] = 1
    world.config_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    world.publish("wire", [missile("wire")])
    log = world.config_path.parent / "schedule.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen([sys.executable, "-m", "briefgen", "schedule", "--config", str(world.config_path)],
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        give_up = time.monotonic() + 60
        while not world.hook.delivered() and time.monotonic() < give_up and daemon.poll() is None:
            time.sleep(0.1)
        world.publish("herald", [missile("herald")])  # the next polls see it: the corroborated rule alerts
        while len(world.hook.delivered()) < 2 and time.monotonic() < give_up and daemon.poll() is None:
            time.sleep(0.1)
        time.sleep(2.5)  # more polls: nothing is sent again
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0, log.read_text(encoding="utf-8")
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    assert [t.split(" · ")[:2] for t in texts(world.hook)] == [["Alert", "launches"], ["Alert", "corroborated"]]
    assert len(world.inbox.to("desk@example.org")) == 1
