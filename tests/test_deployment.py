"""A deployment on a real PostgreSQL: many briefs, shared feeds, several worker processes."""

from __future__ import annotations

import json
import logging
import re
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefgen.deploy.settings import load_deployment
from briefgen.deploy.shared import connect, fetch_counts
from briefgen.store import Store

from .deployment import Workers, brief_config, briefgen, serve_feeds, wait_until, write_deployment
from .feedserver import FeedServer, Route
from .mailserver import Inbox, smtp_server

TODAY = datetime.now(UTC).date().isoformat()


def _done(deployment: Path) -> dict[str, str]:
    """Each brief's ledger status for today."""
    loaded = load_deployment(deployment)
    found = {}
    for brief in loaded.briefs:
        with Store(loaded.store, namespace=brief.name) as db:
            row = db.conn.execute("SELECT status FROM runs WHERE brief_date = ?", (TODAY,)).fetchone()
        found[brief.name] = row[0] if row else None
    return found


@pytest.mark.slow
def test_two_briefs_sharing_a_feed_one_worker(tmp_path: Path, pg_url: str):
    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 3)
        deployment = write_deployment(tmp_path, pg_url, {
            "alpha": brief_config("alpha", urls[:2]),
            "beta": brief_config("beta", urls[1:]),
        })
        briefgen("check", "--deployment", str(deployment), "--migrate")
        with Workers(deployment, tmp_path) as workers:
            workers.start(1)
            briefgen("run", "--deployment", str(deployment))
            wait_until(lambda: set(_done(deployment).values()) == {"done"}, 120, "both briefs", workers.logs)
        for name in ("alpha", "beta"):
            made = json.loads((tmp_path / "out" / name / TODAY / f"brief-{TODAY}.json").read_text())
            assert made["title"] == f"Brief {name}"
        assert sorted(h.path for h in feeds.hits) == ["/feed0.xml", "/feed1.xml", "/feed2.xml"]
        status = json.loads(briefgen("status", "--deployment", str(deployment), "--format", "json").stdout)
        assert [b["last_status"] for b in status["briefs"]] == ["done", "done"]


def _feeds_of(n: int) -> list[int]:
    """Brief n's feeds: five of its own and two shared with other briefs."""
    return sorted({5 * n + k for k in range(5)} | {(7 * n) % 100, (7 * n + 13) % 100})


def _built(logs: str, name: str) -> int:
    return logs.count(f": {name} {TODAY}: built in")


@pytest.mark.slow
def test_three_workers_twenty_briefs_a_hundred_feeds_everything_once(tmp_path: Path, pg_url: str):
    inbox = Inbox()
    with FeedServer() as feeds, smtp_server(inbox) as port:
        urls = serve_feeds(feeds, 100)
        mailed = {f"b{n:02d}" for n in range(0, 20, 5)}
        briefs = {}
        for n in range(20):
            name = f"b{n:02d}"
            chosen = [urls[i] for i in _feeds_of(n)]
            briefs[name] = brief_config(name, chosen, email_port=port if name in mailed else None,
                                        recipients=[f"{name}-1@example.org", f"{name}-2@example.org"])
        deployment = write_deployment(tmp_path, pg_url, briefs)
        with Workers(deployment, tmp_path) as workers:
            workers.start(3)
            briefgen("run", "--deployment", str(deployment))
            wait_until(lambda: set(_done(deployment).values()) == {"done"}, 240, "twenty briefs", workers.logs)
            wait_until(lambda: len(inbox.messages) >= 2 * len(mailed), 120, "the emails", workers.logs)
            status = json.loads(briefgen("status", "--deployment", str(deployment), "--format", "json").stdout)
            # Nothing left behind in the queue once the deliveries are done.
            wait_until(lambda: not any(
                q.get("todo") or q.get("doing") for q in json.loads(
                    briefgen("status", "--deployment", str(deployment), "--format", "json").stdout)["queue"].values()),
                60, "an empty queue", workers.logs)
        logs = workers.logs()
    # Each brief made once, by one of the three workers, with its own feeds' items.
    for name in briefs:
        assert _built(logs, name) == 1, name
        made = json.loads((tmp_path / "out" / name / TODAY / f"brief-{TODAY}.json").read_text())
        assert made["title"] == f"Brief {name}"
    # Each feed URL fetched once for the cycle, however many briefs use it.
    used = {i for n in range(20) for i in _feeds_of(n)}
    paths = [h.path for h in feeds.hits]
    assert sorted(paths) == sorted(f"/feed{i}.xml" for i in used)
    with connect(pg_url, "deployment") as conn:
        assert set(fetch_counts(conn).values()) == {1}
    # Each recipient mailed once.
    received = sorted(r for m in inbox.messages for r in m.rcpt_tos)
    assert received == sorted(f"{name}-{k}@example.org" for name in mailed for k in (1, 2))
    # The work was shared: more than one worker built briefs.
    assert sum(1 for p in tmp_path.glob("worker-*.log") if "built in" in p.read_text()) >= 2
    assert status["failed_jobs"] == 0 and len(status["workers"]) == 3
    assert [b["name"] for b in status["briefs"]] == sorted(briefs)


def _kill_when_paused(workers: Workers, stage: str, timeout: float = 120) -> None:
    """Wait until the first worker is paused at `stage`, start a second one, and kill -9 the first."""
    first = workers.procs[0]
    log = workers.folder / "worker-0.log"
    wait_until(lambda: f"paused at {stage}" in log.read_text(errors="replace"), timeout, f"a pause at {stage}",
               workers.logs)
    workers.env.pop("BRIEFGEN_TEST_PAUSE_AT", None)
    workers.start(1)
    first.send_signal(signal.SIGKILL)
    first.wait(10)


@pytest.mark.slow
def test_a_worker_killed_mid_build_leaves_the_brief_to_another_made_once(tmp_path: Path, pg_url: str):
    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 3)
        deployment = write_deployment(tmp_path, pg_url, {"solo": brief_config("solo", urls)})
        with Workers(deployment, tmp_path, env={"BRIEFGEN_TEST_PAUSE_AT": "render"}) as workers:
            workers.start(1)
            briefgen("run", "--deployment", str(deployment))
            _kill_when_paused(workers, "render")
            wait_until(lambda: _done(deployment) == {"solo": "done"}, 120, "the brief, on the second worker",
                       workers.logs)
        logs = workers.logs()
    assert _built(logs, "solo") == 1
    assert "built in" not in (tmp_path / "worker-0.log").read_text()
    folder = tmp_path / "out" / "solo" / TODAY
    assert sorted(p.name for p in folder.iterdir()) == [f"brief-{TODAY}.json"]
    # The feeds were fetched once for the cycle: the second worker's build read them from the store.
    assert sorted(h.path for h in feeds.hits) == ["/feed0.xml", "/feed1.xml", "/feed2.xml"]


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["send", "sent"])
def test_a_worker_killed_mid_delivery_never_mails_anyone_twice(tmp_path: Path, pg_url: str, stage: str):
    """Killed before the message went out (`send`): another worker sends it, once. Killed after
    the server took it but before the outbox knew (`sent`): it is ambiguous, not sent again."""
    inbox = Inbox()
    recipients = ["one@example.org", "two@example.org"]
    with FeedServer() as feeds, smtp_server(inbox) as port:
        urls = serve_feeds(feeds, 2)
        deployment = write_deployment(tmp_path, pg_url, {
            "mailed": brief_config("mailed", urls, email_port=port, recipients=recipients)})
        with Workers(deployment, tmp_path, env={"BRIEFGEN_TEST_PAUSE_AT": stage}) as workers:
            workers.start(1)
            briefgen("run", "--deployment", str(deployment))
            _kill_when_paused(workers, stage)

            def settled() -> bool:
                with Store(pg_url, namespace="mailed") as db:
                    rows = db.conn.execute("SELECT status FROM outbox").fetchall()
                return len(rows) == 2 and all(r[0] in ("sent", "ambiguous") for r in rows)

            wait_until(settled, 120, "both deliveries settled", workers.logs)
    with Store(pg_url, namespace="mailed") as db:
        statuses = {r["recipient"]: r["status"] for r in db.conn.execute("SELECT recipient, status FROM outbox")}
    got = sorted(r for m in inbox.messages for r in m.rcpt_tos)
    if stage == "send":
        assert statuses == dict.fromkeys(recipients, "sent")
        assert got == recipients
    else:
        # The first worker handed a message to the server and died before recording it.
        assert "ambiguous" in statuses.values()
        assert len(got) == len(set(got))
        assert set(got) >= {r for r, s in statuses.items() if s == "ambiguous"}


@pytest.mark.slow
def test_the_database_restarted_during_a_run_workers_reconnect_and_finish(tmp_path: Path, pg_url: str):
    from . import pg

    with FeedServer() as feeds:
        # Slow feeds: the restart comes while fetches and builds are under way.
        urls = serve_feeds(feeds, 12, delay=1.0)
        briefs = {f"r{n}": brief_config(f"r{n}", urls[3 * n: 3 * n + 6]) for n in range(3)}
        deployment = write_deployment(tmp_path, pg_url, briefs)
        with Workers(deployment, tmp_path) as workers:
            workers.start(2)
            briefgen("run", "--deployment", str(deployment))
            wait_until(lambda: len(feeds.hits) >= 1, 60, "the first fetch", workers.logs)
            pg.server().stop("fast")
            time.sleep(2)
            pg.server().start()
            wait_until(lambda: set(_done(deployment).values()) == {"done"}, 180, "the briefs after the restart",
                       workers.logs)
            assert all(p.poll() is None for p in workers.procs), "a worker died with the database"
        logs = workers.logs()
    # The restart reached the workers (their pools lost their connections), and they went on.
    assert "error connecting" in logs or "lost the database" in logs
    # A worker that reconnected fetched with clients of its own loop, not the old loop's.
    assert "different event loop" not in logs
    # The jobs the lost connection cut short are reported as such, not as asyncio's tracebacks.
    assert "Task exception was never retrieved" not in logs
    for name in briefs:
        assert _built(logs, name) == 1, name


@pytest.mark.slow
def test_two_deployments_on_one_database_never_take_each_others_jobs(tmp_path: Path, pg_url: str):
    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 2)
        first = write_deployment(tmp_path / "first", pg_url, {"east": brief_config("east", urls[:1])})
        second = write_deployment(tmp_path / "second", pg_url, {"west": brief_config("west", urls[1:])})
        # Each deployment file is named deployment.yaml: its name comes from `name:`.
        for path, name in ((first, "first"), (second, "second")):
            path.write_text(path.read_text() + f"name: {name}\n")
        with Workers(first, tmp_path / "first") as workers:
            workers.start(1)
            briefgen("run", "--deployment", str(first))
            briefgen("run", "--deployment", str(second))
            wait_until(lambda: _done(first) == {"east": "done"}, 120, "the first deployment's brief", workers.logs)
            time.sleep(2)
            # The second deployment's jobs wait for a worker of their own.
            status = json.loads(briefgen("status", "--deployment", str(second), "--format", "json").stdout)
            assert status["queue"]["build"].get("todo") == 1 and status["workers"] == []
            assert _done(second) == {"west": None}
            with Workers(second, tmp_path / "second") as others:
                others.start(1)
                wait_until(lambda: _done(second) == {"west": "done"}, 120, "the second deployment's brief",
                           others.logs)
        assert "west" not in workers.logs()


def test_every_status_json_field_is_documented():
    import dataclasses
    import re

    from briefgen.deploy.status import BriefStatus, Status

    text = (Path(__file__).resolve().parents[1] / "docs" / "json.md").read_text(encoding="utf-8")
    fields = [f.name for cls in (Status, BriefStatus) for f in dataclasses.fields(cls)]
    missing = [f for f in fields if not re.search(rf"`{f}(\[\])?`", text)]
    assert len(fields) > 15 and not missing, missing


def test_a_tick_starts_a_cycle_only_in_the_minute_the_brief_is_due():
    from briefgen.config import parse_config
    from briefgen.deploy.tasks import fired_in

    config = parse_config({**brief_config("due", ["http://127.0.0.1:9/a.xml"]), "timezone": "Asia/Seoul",
                           "schedule": {"cron": "0 6 * * *"}})
    six = datetime(2026, 11, 27, 6, 0, tzinfo=config.tz).timestamp()
    assert fired_in(config, six - 60, six) == datetime(2026, 11, 27, 6, 0, tzinfo=config.tz)
    assert fired_in(config, six, six + 60) is None
    assert fired_in(config, six - 120, six - 60) is None


def test_a_tick_offers_todays_firing_again_once_it_has_passed():
    from briefgen.config import parse_config
    from briefgen.deploy.tasks import missed_today

    config = parse_config({**brief_config("due", ["http://127.0.0.1:9/a.xml"]), "timezone": "Asia/Seoul",
                           "schedule": {"cron": "0 6 * * 1-5"}})
    six = datetime(2026, 11, 27, 6, 0, tzinfo=config.tz)  # a Friday in Seoul
    assert missed_today(config, six.timestamp() - 1) is None
    assert missed_today(config, six.timestamp()) == six
    assert missed_today(config, six.timestamp() + 10 * 3600) == six
    # The next day is Saturday in Seoul: nothing is due, nothing is missed.
    assert missed_today(config, six.timestamp() + 20 * 3600) is None


@pytest.mark.slow
def test_a_firing_no_worker_saw_is_made_when_workers_come_back(tmp_path: Path, pg_url: str):
    """Due at midnight UTC, long before the deployment had a worker: the first tick of the
    workers that start later makes the day's brief, once however many workers tick."""
    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 2)
        deployment = write_deployment(tmp_path, pg_url, {
            "overnight": {**brief_config("overnight", urls), "schedule": {"cron": "0 0 * * *"}}}, catch_up=True)
        with Workers(deployment, tmp_path) as workers:
            workers.start(2)
            wait_until(lambda: _done(deployment) == {"overnight": "done"}, 150, "the missed brief", workers.logs)
            time.sleep(65)  # a later minute's tick must not start it again
        logs = workers.logs()
    assert _built(logs, "overnight") == 1
    assert "overnight: catching up the brief due at" in logs
    assert sorted(h.path for h in feeds.hits) == ["/feed0.xml", "/feed1.xml"]



@pytest.mark.slow
def test_a_catch_up_and_a_cycle_asked_for_by_hand_make_the_brief_once_and_mail_it_once(tmp_path: Path, pg_url: str):
    """Workers started after the brief's time catch it up; while that build runs, someone asks
    for a cycle by hand (`briefgen run`), which always starts one. Two builds of the date are
    queued: the second waits for the date, finds the brief made and makes nothing, and each
    recipient is mailed once."""
    inbox = Inbox()
    recipients = ["one@example.org", "two@example.org"]
    resume = tmp_path / "resume"
    with FeedServer() as feeds, smtp_server(inbox) as port:
        urls = serve_feeds(feeds, 2)
        deployment = write_deployment(tmp_path, pg_url, {
            "late": {**brief_config("late", urls, email_port=port, recipients=recipients),
                     "schedule": {"cron": "0 0 * * *"}}}, catch_up=True)
        env = {"BRIEFGEN_TEST_PAUSE_AT": "render", "BRIEFGEN_TEST_RESUME": str(resume)}
        with Workers(deployment, tmp_path, env=env) as workers:
            workers.start(2)
            wait_until(lambda: "paused at render" in workers.logs(), 150, "the catch-up's build", workers.logs)
            briefgen("run", "--deployment", str(deployment))
            # The hand-made cycle fetches its feeds again (a new cycle), and its build is taken.
            wait_until(lambda: len(feeds.hits) == 4, 60, "the second cycle's fetches", workers.logs)
            time.sleep(3)
            resume.touch()
            wait_until(lambda: _done(deployment) == {"late": "done"}, 120, "the brief", workers.logs)
            wait_until(lambda: f"late {TODAY}: already made, not made again" in workers.logs(), 120,
                       "the second build", workers.logs)
            wait_until(lambda: not any(
                q.get("todo") or q.get("doing") for q in json.loads(
                    briefgen("status", "--deployment", str(deployment), "--format", "json").stdout)["queue"].values()),
                120, "an empty queue", workers.logs)
        logs = workers.logs()
    assert "late: catching up the brief due at" in logs
    assert _built(logs, "late") == 1
    assert logs.count("paused at render") == 1
    assert sorted(r for m in inbox.messages for r in m.rcpt_tos) == recipients
    with Store(pg_url, namespace="late") as db:
        assert {r[0] for r in db.conn.execute("SELECT status FROM outbox")} == {"sent"}

@pytest.mark.slow
def test_a_scheduled_brief_is_built_once_by_two_workers(tmp_path: Path, pg_url: str):
    """A brief due every minute: each worker's periodic deferrer offers the same tick, which is
    queued once; its cycle makes the brief once."""
    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 2)
        deployment = write_deployment(tmp_path, pg_url, {
            "minutely": {**brief_config("minutely", urls), "schedule": {"cron": "* * * * *"}}})
        with Workers(deployment, tmp_path) as workers:
            workers.start(2)
            wait_until(lambda: _done(deployment) == {"minutely": "done"}, 150, "the scheduled brief", workers.logs)
            time.sleep(2)
        logs = workers.logs()
    assert _built(logs, "minutely") == 1
    assert sorted(h.path for h in feeds.hits) == ["/feed0.xml", "/feed1.xml"]


def test_a_schedule_firing_again_starts_no_cycle_while_the_dates_brief_is_queued(tmp_path: Path, pg_url: str):
    """Every minute's tick of a `* * * * *` schedule: once the date's build is queued (or
    running, or done) a later tick must not fetch the brief's feeds again."""
    from briefgen.deploy.tasks import make_app, start
    from briefgen.deploy.worker import prepare

    deployment = load_deployment(write_deployment(
        tmp_path, pg_url, {"often": {**brief_config("often", ["http://127.0.0.1:9/a.xml"]),
                                     "schedule": {"cron": "* * * * *"}}}))
    prepare(deployment)
    app = make_app(deployment, pool_size=1)
    first = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    with app.open():
        assert start(app, deployment, ["often"], first, scheduled=True) == ["often"]
        assert start(app, deployment, ["often"], first.replace(minute=1), scheduled=True) == []
        # The next day's first tick is a new date: its cycle starts.
        assert start(app, deployment, ["often"], first.replace(day=28), scheduled=True) == ["often"]
        # Asked for by hand, a cycle starts whatever is queued (the build then skips a brief made already).
        assert start(app, deployment, ["often"], first.replace(minute=2)) == ["often"]
    with connect(pg_url, deployment.name) as conn:
        fetches = conn.execute("SELECT count(*) FROM cycles").fetchone()[0]
    assert fetches == 3


@pytest.mark.slow
def test_a_schedule_firing_after_a_worker_made_the_dates_brief_fetches_nothing_again(tmp_path: Path, pg_url: str):
    """Workers delete a build's job once it succeeds, so "made already" must come from the
    brief's run ledger: a later firing the same date starts no cycle and asks no feed again."""
    from briefgen.deploy.tasks import make_app, start

    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 2)
        path = write_deployment(tmp_path, pg_url, {
            "often": {**brief_config("often", urls), "schedule": {"cron": "0 0 1 1 *"}}})
        with Workers(path, tmp_path) as workers:
            workers.start(1)
            briefgen("run", "--deployment", str(path))
            wait_until(lambda: _done(path) == {"often": "done"}, 120, "the brief", workers.logs)
            deployment = load_deployment(path)
            app = make_app(deployment, pool_size=1)
            with app.open():
                assert start(app, deployment, ["often"], datetime.now(UTC), scheduled=True) == []
            time.sleep(3)
        assert len(feeds.hits) == 2
    with connect(pg_url, deployment.name) as conn:
        assert conn.execute("SELECT count(*) FROM cycles").fetchone()[0] == 1


@pytest.mark.slow
def test_two_workers_poll_a_briefs_flash_alerts_and_send_each_once(tmp_path: Path, pg_url: str):
    """A brief with `alerts:` in a deployment: the workers poll its feeds between briefs
    (none is due) and the webhook gets the story's alert once, whichever worker polled."""
    from .webhook import Receiver

    with FeedServer() as feeds, Receiver() as hook:
        urls = serve_feeds(feeds, 2)
        config = {**brief_config("alerting", urls), "schedule": {"cron": "0 6 1 1 *"},
                  "alerts": [{"name": "launches", "terms": ["missile"], "webhook": hook.url}],
                  "watch": {"interval": 60, "retries": 1, "backoff": 0.05}}
        deployment = write_deployment(tmp_path, pg_url, {"alerting": config})
        with Workers(deployment, tmp_path) as workers:
            workers.start(2)
            wait_until(lambda: hook.delivered(), 150, "the flash alert", workers.logs)
            # The next minute's poll finds the story alerted already: nothing is sent again.
            wait_until(lambda: workers.logs().count("flash alerts polled") >= 2, 90, "a second poll", workers.logs)
            time.sleep(1)
    # Two feeds report one launch story: one alert, and nothing else.
    texts = [p.body["text"] for p in hook.posts]
    assert len(texts) == 1 and "launches" in texts[0] and "missile report" in texts[0], texts
    loaded = load_deployment(deployment)
    with Store(loaded.store, namespace="alerting") as db:
        assert [(a.rule, a.status, a.reported_by) for a in db.alert_records()] == [("launches", "sent", 2)]
        # No brief was due: the polls made none.
        assert db.conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_status_lists_the_briefs_in_name_order_whatever_their_files_are_called(tmp_path: Path, pg_url: str):
    """docs/json.md: `briefs[]` in name order; a brief's name is its `name:`, not its file's."""
    path = write_deployment(tmp_path, pg_url, {
        "a": {**brief_config("a", ["http://127.0.0.1:9/a.xml"]), "name": "zulu"},
        "b": {**brief_config("b", ["http://127.0.0.1:9/b.xml"]), "name": "alpha"},
    })
    status = json.loads(briefgen("status", "--deployment", str(path), "--format", "json").stdout)
    assert [(b["name"], Path(b["config"]).name) for b in status["briefs"]] == [("alpha", "b.yaml"), ("zulu", "a.yaml")]


def test_every_deployment_file_key_is_documented():
    """Each key of the deployment file (docs/deployment.md, "The deployment file") is shown
    there, nested as it is read: a key added without its line fails here."""
    import re

    from briefgen.deploy.settings import DeploymentFile

    text = (Path(__file__).resolve().parents[1] / "docs" / "deployment.md").read_text(encoding="utf-8")
    example = text.split("### The deployment file", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]

    def keys(model: type, indent: str = "") -> list[str]:
        found = []
        for name, info in model.model_fields.items():
            found.append(f"{indent}{name}")
            nested = info.annotation if isinstance(info.annotation, type) else None
            if nested is not None and hasattr(nested, "model_fields"):
                found.extend(keys(nested, indent + "  "))
        return found

    wanted = keys(DeploymentFile)
    missing = [k for k in wanted if not re.search(rf"^{re.escape(k)}:", example, re.M)]
    assert len(wanted) >= 10 and not missing, missing


# The deployment file is YAML an operator writes, read like sources.yaml: a billion laughs,
# a key given twice or a number no timer can use is a config error naming where, not a hang,
# a silently dropped key or an OverflowError in a worker (issue 15, "Operator mistakes").
@pytest.mark.parametrize(("worker", "expected"), [
    ("  heartbeat: .inf\n", "worker.heartbeat: not a number that can be used"),
    ("  stalled_after: 1e999\n", "worker.stalled_after: not a number that can be used"),
    ("  fetch_wait: 100000000000\n", "worker.fetch_wait: 1e+11 is too large to be used"),
    ("  retries: 2\n  retries: 3\n", "key 'retries' given twice, on line 4 and line 5"),
], ids=["inf", "1e999", "1e11", "twice"])
def test_a_deployment_file_with_an_unusable_number_or_a_key_twice_is_a_config_error(
        tmp_path: Path, worker: str, expected: str):
    from briefgen.errors import ConfigError

    write_deployment(tmp_path, "postgresql://u@127.0.0.1:9/db", {"one": brief_config("one", ["http://127.0.0.1:9/a"])})
    path = tmp_path / "deployment.yaml"
    path.write_text("store: postgresql://u@127.0.0.1:9/db\nbriefs: briefs\nworker:\n" + worker, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_deployment(path)
    assert expected in str(caught.value), str(caught.value)
    assert "Error" not in str(caught.value).replace("ConfigError", "")


def test_a_billion_laughs_deployment_file_is_refused_at_once(tmp_path: Path):
    from briefgen.errors import ConfigError

    laughs = "a: &a [" + ",".join(["lol"] * 10) + "]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 10) + "]\n" for n in range(8))
    path = tmp_path / "deployment.yaml"
    path.write_text("store: postgresql://u@127.0.0.1:9/db\nbriefs: []\nx:\n" + "".join(
        "  " + line + "\n" for line in laughs.splitlines()), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_deployment(path)
    assert "billion laughs" in str(caught.value) and "line " in str(caught.value), str(caught.value)


def test_the_line_after_an_ambiguous_deployment_delivery_gives_the_command_that_resolves_it(
        tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch):
    # A bare `briefgen send --force` (what the worker said) reads the wrong config and store,
    # and would mail every recipient again: the line must name this brief's config, store,
    # folder, date and the one recipient in doubt (issue 15, "Delivery").
    import shlex

    from briefgen.cli import main
    from briefgen.deploy.tasks import brief_config as deployed
    from briefgen.deploy.tasks import deliver_once
    from briefgen.pipeline import run_brief

    day = datetime.now(UTC).date()
    inbox = Inbox(drop_after_data=1)
    with FeedServer() as feeds, smtp_server(inbox) as port:
        urls = serve_feeds(feeds, 1)
        path = write_deployment(tmp_path, pg_url, {"mailed": brief_config(
            "mailed", urls, email_port=port, recipients=["one@example.org", "two@example.org"],
            formats=["json", "md", "html"])})
        deployment = load_deployment(path)
        brief = deployment.brief("mailed")
        run_brief(deployed(deployment, brief), day, out_dir=deployment.out_dir(brief), formats=["json", "md", "html"])
        caplog.clear()
        # An earlier test's `main(["...", "-q"])` may have left the root logger at ERROR.
        caplog.set_level(logging.WARNING)
        deliver_once(deployment, "mailed", day, "one@example.org")
        deliver_once(deployment, "mailed", day, "two@example.org")
        assert [m.rcpt_tos for m in inbox.messages] == [["one@example.org"], ["two@example.org"]]
        commands = re.findall(r"`([^`]*briefgen send [^`]*)`", caplog.text)
        assert commands, caplog.text
        (command,) = set(commands)
        assert pg_url not in caplog.text and "BRIEFGEN_STORE" in caplog.text  # named, never shown (a password)
        argv = shlex.split(command)
        argv = argv[argv.index("send"):]
        assert "--recipient" in argv and argv[argv.index("--recipient") + 1] == "one@example.org"
        # Run as the operator would, with the deployment's store as the line says.
        monkeypatch.setenv("BRIEFGEN_STORE", pg_url)
        assert main(argv) == 0
    assert [m.rcpt_tos for m in inbox.messages[2:]] == [["one@example.org"]]
    assert inbox.messages[2].message["Message-ID"] == inbox.messages[0].message["Message-ID"]
    with Store(pg_url, namespace="mailed") as db:
        assert {r["recipient"]: r["status"] for r in db.conn.execute("SELECT recipient, status FROM outbox")} == {
            "one@example.org": "sent", "two@example.org": "sent"}


def test_check_deployment_warns_of_a_password_sent_in_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # Workers warn when they send; the operator's check must say it before (issue 15).
    from briefgen.cli import main

    config = brief_config("clear", ["http://127.0.0.1:9/a.xml"], email_port=2525)
    config["email"] |= {"username": "bot", "password_env": "BRIEFGEN_TEST_PASSWORD"}
    path = write_deployment(tmp_path, "postgresql://u@127.0.0.1:9/db",
                            {"clear": config, "tls": {**config, "email": {**config["email"], "security": "ssl"}}})
    main(["check", "--deployment", str(path)])  # the database is not there: its own error
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if "in clear" in line]
    # Named by its brief, as every row `check --deployment` prints of a brief.
    assert len(lines) == 1 and lines[0].startswith("  clear: email: ") and \
        "the password for bot goes to 127.0.0.1:2525 in clear" in lines[0], out


def test_a_deployments_shared_fetch_holds_a_public_feeds_redirects_to_the_internal_address_rule(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    # A brief alone refuses them (tests/test_hostile_network.py); the shared fetch a deployment's
    # briefs read from followed them unchecked, and the internal answer became the brief's feed.
    # "Public" is a literal global address reached through a proxy on loopback: nothing leaves.
    from briefgen.deploy.tasks import build_once
    from briefgen.deploy.worker import prepare

    public = "http://93.184.216.34"
    day = datetime.now(UTC).date()
    with FeedServer() as proxy:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.base)
        inside = proxy.url("/admin/secret")
        serve_feeds(proxy, 1)
        proxy.routes["/admin/secret"] = proxy.routes.pop("/feed0.xml")
        proxy.routes[f"{public}/moved"] = Route(status=302, headers={"Location": inside})
        path = write_deployment(tmp_path, pg_url, {"shared": brief_config("shared", [f"{public}/moved"])})
        deployment = load_deployment(path)
        prepare(deployment)
        with pytest.raises(Exception, match="no articles|No articles"):
            build_once(deployment, "shared", day, 1, scheduled=False)
        assert not [h for h in proxy.hits if h.path.endswith("/admin/secret")]
    brief = json.loads((deployment.out_dir(deployment.brief("shared")) / day.isoformat()
                        / f"brief-{day}.json").read_text(encoding="utf-8"))
    ((status, reason),) = {(h["status"], h["reason"]) for h in brief["health"]}
    assert (status, reason) == ("failed", f"redirected to a refused address: {inside}")


def test_a_worker_loop_after_a_lost_database_fetches_with_a_client_of_its_own():
    """A worker that lost the database runs its jobs on a new event loop: the fetch tasks there
    must not reuse the client (and its limits) of the loop that ended, or every feed fails."""
    import asyncio

    from briefgen.config.sources import FeedsConfig
    from briefgen.deploy import shared

    settings = FeedsConfig(concurrency=1, per_host=1, retries=0)

    async def one_loop(urls: list[str]) -> list[object]:
        try:
            # One slot for three fetches: they queue, which binds the limits to this loop.
            fetcher = await shared._fetcher(settings)
            return list(await asyncio.gather(*(shared._get(fetcher, u, None, None) for u in urls)))
        finally:
            await shared.close_fetchers()

    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 3, delay=0.1)
        for _loop in range(2):
            outcomes = asyncio.run(one_loop(urls))
            assert [(o.status, o.reason) for o in outcomes] == [(200, None)] * 3
    assert len(feeds.hits) == 6


def test_clients_of_a_loop_that_ended_without_closing_them_are_not_reused():
    import asyncio

    from briefgen.config.sources import FeedsConfig
    from briefgen.deploy import shared

    settings = FeedsConfig(concurrency=1, per_host=1, retries=0)

    async def one_loop(urls: list[str]) -> list[object]:
        fetcher = await shared._fetcher(settings)
        return list(await asyncio.gather(*(shared._get(fetcher, u, None, None) for u in urls)))

    with FeedServer() as feeds:
        urls = serve_feeds(feeds, 3, delay=0.1)
        first = asyncio.run(one_loop(urls))
        # The loop died with the database: nothing closed its client.
        second = asyncio.run(one_loop(urls))
    assert [o.reason for o in first + second] == [None] * 6
