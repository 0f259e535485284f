"""`briefgen schedule` in real time: triggers seconds away, catch-up, two at once, deadlines, signals."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from briefgen.config import parse_config
from briefgen.errors import ConfigError
from briefgen.schedule import cron_trigger, plan

from .conftest import ROOT
from .mailserver import Inbox, add_email, smtp_server

SEOUL = ZoneInfo("Asia/Seoul")  # the default config's time zone
MIDNIGHT = "0 0 0 * * *"  # seconds first: today's fire time has always passed


def _configure(project: Path, cron: str, deadline: int = 120, formats: list[str] | None = None, hang: bool = False) -> None:
    path = project / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["schedule"] = {"cron": cron, "deadline": deadline}
    if formats:
        data["output"] = {"formats": formats}
    if hang:
        # A source that never answers: opening a FIFO with no writer blocks.
        os.mkfifo(project / "hang.txt")
        data["sources"].append({"name": "Hung source", "path": "hang.txt"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _soon(seconds: int) -> tuple[str, datetime]:
    """A cron line (with seconds) firing once a day, `seconds` from now, and that moment."""
    at = datetime.now(SEOUL).replace(microsecond=0) + timedelta(seconds=seconds)
    return f"{at.second} {at.minute} {at.hour} * * *", at


def _today() -> date:
    return datetime.now(SEOUL).date()


def _runs(project: Path) -> dict[str, dict]:
    path = project / "out/.briefgen/briefgen.sqlite3"
    if not path.exists():
        return {}
    with sqlite3.connect(path, timeout=30) as conn:
        conn.row_factory = sqlite3.Row
        try:
            return {r["brief_date"]: dict(r) for r in conn.execute("SELECT * FROM runs")}
        except sqlite3.OperationalError:  # not migrated yet
            return {}


def _wait_for(what: Callable[[], object], *watched: Daemon, timeout: float = 120) -> None:
    """Poll `what` until true; fail early, with its log, when a watched scheduler has exited."""
    give_up = time.monotonic() + timeout
    while not what():
        for daemon in watched:
            if daemon.proc.poll() is not None:
                raise AssertionError(f"the scheduler exited ({daemon.proc.returncode}):\n{daemon.text}")
        if time.monotonic() > give_up:
            logs = "\n".join(d.text for d in watched)
            raise AssertionError(f"timed out waiting for {what.__doc__ or what}\n{logs}")
        time.sleep(0.2)


class Daemon:
    """`briefgen schedule` in its own process, its log in a file."""

    def __init__(self, project: Path, name: str, *args: str):
        self.log = project / f"schedule-{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "briefgen", "schedule", "--config", str(project / "sources.yaml"), *args],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            )

    @property
    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def started(self) -> bool:
        return "scheduler started" in self.text

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


@contextmanager
def daemons(project: Path, *names: str, args: tuple[str, ...] = ()) -> Iterator[list[Daemon]]:
    started = [Daemon(project, name, *args) for name in names]
    try:
        yield started
    finally:
        for d in started:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()


def test_a_trigger_seconds_ahead_makes_the_brief_and_sends_it_once(project: Path):
    inbox = Inbox()
    cron, at = _soon(4)
    _configure(project, cron)
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        with daemons(project, "a") as (daemon,):
            day = at.date().isoformat()
            _wait_for(lambda: f"run for {day} finished" in daemon.text, daemon)
            assert daemon.stop() == 0
    assert _runs(project)[day]["status"] == "done"
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["alice@example.org", "bob@example.org", "carol@example.org"]
    assert (project / "out" / day / f"brief-{day}.pdf").is_file()
    assert "stopped" in daemon.text


def test_a_failed_delivery_is_retried_the_same_day_and_sent_once(project: Path):
    """SMTP is down when the brief is made; it comes up before the retry, which delivers."""
    from .mailserver import free_port

    inbox = Inbox()
    _configure(project, MIDNIGHT)
    path = project / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["schedule"].update({"retries": 3, "retry_delay": 2})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    port = free_port()
    add_email(path, port, retries=0)
    day = _today().isoformat()
    with daemons(project, "a") as (daemon,):
        _wait_for(lambda: "attempt 2 of 4" in daemon.text, daemon)
        assert inbox.messages == []
        assert (project / "out" / day / f"brief-{day}.pdf").is_file()
        with smtp_server(inbox, port=port):
            _wait_for(lambda: f"run for {day} finished" in daemon.text, daemon)
            assert daemon.stop() == 0
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["alice@example.org", "bob@example.org", "carol@example.org"]
    assert _runs(project)[day]["status"] == "done"
    assert "giving up" not in daemon.text


def test_killed_before_the_trigger_and_restarted_after_it_catches_up_once(project: Path):
    inbox = Inbox()
    cron, at = _soon(6)
    day = at.date().isoformat()
    _configure(project, cron)
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        with daemons(project, "first") as (first,):
            _wait_for(first.started, first)
            first.proc.kill()
            first.proc.wait()
        assert day not in _runs(project), "the first scheduler was killed too late for this test"
        _wait_for(lambda: datetime.now(SEOUL) > at + timedelta(seconds=1))
        with daemons(project, "second") as (second,):
            _wait_for(lambda: f"run for {day} finished" in second.text, second)
            assert second.stop() == 0
        assert f"catching up: {day}" in second.text
        assert len(inbox.messages) == 3
        with daemons(project, "third") as (third,):
            _wait_for(third.started, third)
            assert third.stop() == 0
        assert "catching up" not in third.text
    assert len(inbox.messages) == 3
    assert _runs(project)[day]["status"] == "done"


def test_two_schedulers_at_once_make_one_brief_and_one_email_per_recipient(project: Path):
    inbox = Inbox()
    day = _today().isoformat()
    _configure(project, MIDNIGHT)
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        with daemons(project, "a", "b") as pair:

            def settled() -> bool:
                """both started, and each one that set out to catch up has finished its run"""
                return all(
                    d.started() and ("catching up" not in d.text or f"run for {day} finished" in d.text)
                    for d in pair
                )

            _wait_for(settled, *pair)
            assert [d.stop() for d in pair] == [0, 0]
    logs = "".join(d.text for d in pair)
    assert logs.count(f"brief for {day} written") == 1
    # When both set out to make it, the second waited for the date's lock and found it made.
    assert logs.count(f"the brief for {day} was already made") <= 1
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["alice@example.org", "bob@example.org", "carol@example.org"]


def test_a_hung_run_is_stopped_at_its_deadline_and_the_scheduler_carries_on(project: Path):
    day = _today().isoformat()
    _configure(project, MIDNIGHT, deadline=2, formats=["json"], hang=True)
    with daemons(project, "a") as (daemon,):
        _wait_for(lambda: _runs(project).get(day, {}).get("status") == "failed", daemon)
        _wait_for(lambda: f"run for {day} ended" in daemon.text, daemon)
        assert daemon.proc.poll() is None
        assert daemon.stop() == 0
    assert "deadline of 2 s" in _runs(project)[day]["error"]


def test_sigterm_during_a_run_stops_it_and_the_scheduler(project: Path):
    day = _today().isoformat()
    _configure(project, MIDNIGHT, deadline=600, formats=["json"], hang=True)
    with daemons(project, "a") as (daemon,):
        _wait_for(lambda: _runs(project).get(day, {}).get("status") == "running", daemon)
        assert daemon.stop() == 0
    assert _runs(project)[day]["status"] == "interrupted"


def test_a_run_whose_process_dies_is_recorded_as_failed_and_the_scheduler_carries_on(project: Path):
    # A run killed from outside (the OOM killer, an operator's kill -9) cannot say how it
    # ended: the scheduler says it, instead of leaving the date `running`.
    day = _today().isoformat()
    _configure(project, MIDNIGHT, deadline=600, formats=["json"], hang=True)
    with daemons(project, "a") as (daemon,):
        _wait_for(lambda: _runs(project).get(day, {}).get("status") == "running", daemon)
        child = int(_runs(project)[day]["owner"].rsplit(":", 1)[1])
        os.kill(child, signal.SIGKILL)
        _wait_for(lambda: _runs(project)[day]["status"] == "failed", daemon)
        assert daemon.proc.poll() is None
        assert daemon.stop() == 0
    assert _runs(project)[day]["error"] == f"its process ended with exit code {-signal.SIGKILL}"


def test_backfill_makes_the_missed_days_before_today(project: Path):
    today = _today()
    _configure(project, MIDNIGHT, formats=["json"])
    with daemons(project, "a", args=("--backfill", "2")) as (daemon,):
        _wait_for(lambda: f"run for {today} finished" in daemon.text, daemon)
        assert daemon.stop() == 0
    days = [(today - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    assert f"catching up: {', '.join(days)}" in daemon.text
    assert {d: r["status"] for d, r in _runs(project).items()} == dict.fromkeys(days, "done")


# -- without the clock ----------------------------------------------------------------


def _fires(cron: str, after: datetime, count: int = 3) -> list[datetime]:
    trigger = cron_trigger(cron, SEOUL)
    out, previous = [], None
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, previous or after)
        out.append(previous)
    return out


def test_crontab_weekdays_count_sunday_as_0_and_7():
    saturday = datetime(2024, 1, 13, 12, 0, tzinfo=SEOUL)
    assert [f.strftime("%a %H:%M") for f in _fires("0 6 * * 1-5", saturday)] == ["Mon 06:00", "Tue 06:00", "Wed 06:00"]
    assert [f.strftime("%a") for f in _fires("0 6 * * 0", saturday, 2)] == ["Sun", "Sun"]
    assert [f.strftime("%a") for f in _fires("0 6 * * 7", saturday, 1)] == ["Sun"]
    assert [f.strftime("%a") for f in _fires("0 6 * * sat,sun", saturday, 2)] == ["Sun", "Sat"]
    assert [f.strftime("%H:%M:%S") for f in _fires("30 0 6 * * *", saturday, 1)] == ["06:00:30"]


@pytest.mark.parametrize("cron", ["0 6 * *", "61 6 * * *", "0 6 * * 8", "* * * * * * *"])
def test_bad_cron_lines_are_config_errors(cron: str):
    data = {"sources": [{"name": "s", "path": "x"}], "themes": [{"key": "t", "label": "T", "terms": ["x"]}],
            "schedule": {"cron": cron}}
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert info.value.problems[0].startswith(f"schedule.cron: {cron!r} is not a cron line")


def test_deadline_takes_seconds_minutes_or_hours():
    base = {"sources": [{"name": "s", "path": "x"}], "themes": [{"key": "t", "label": "T", "terms": ["x"]}]}
    assert parse_config({**base, "schedule": {"deadline": "30m"}}).schedule.deadline == 1800
    assert parse_config({**base, "schedule": {"deadline": 90}}).schedule.deadline == 90
    with pytest.raises(ConfigError, match="schedule.deadline: 'soon' is not a duration"):
        parse_config({**base, "schedule": {"deadline": "soon"}})
    assert parse_config({**base, "schedule": {"retry_delay": "15m"}}).schedule.retry_delay == 900


def test_catch_up_plan():
    trigger = cron_trigger("0 6 * * *", SEOUL)
    now = datetime(2024, 1, 17, 9, 0, tzinfo=SEOUL)
    tomorrow = datetime(2024, 1, 18, 6, 0, tzinfo=SEOUL)
    d = [date(2024, 1, n) for n in range(1, 18)]
    # Today's time has passed without a brief: make it now.
    assert plan(trigger, SEOUL, now, set(), None, tomorrow).run == [date(2024, 1, 17)]
    # Made already, or not due yet, or about to be fired anyway: nothing.
    assert plan(trigger, SEOUL, now, {date(2024, 1, 17)}, None, tomorrow).run == []
    early = now.replace(hour=5)
    assert plan(trigger, SEOUL, early, set(), None, early.replace(hour=6)).run == []
    assert plan(trigger, SEOUL, now, set(), None, now.replace(hour=6)).run == []
    # Missed days count from the first run in the ledger; --backfill makes the latest ones.
    done = {d[9], d[12]}  # the 10th and the 13th
    result = plan(trigger, SEOUL, now, done, d[9], tomorrow)
    assert result.missed == [d[10], d[11], d[13], d[14], d[15]]
    result = plan(trigger, SEOUL, now, done, d[9], tomorrow, backfill=3)
    assert result.run == [d[13], d[14], d[15], d[16]]
    assert result.missed == [d[10], d[11]]
    # A weekday schedule has no missed weekend.
    weekdays = cron_trigger("0 6 * * 1-5", SEOUL)
    assert plan(weekdays, SEOUL, now, {d[11]}, d[11], tomorrow).missed == [d[14], d[15]]
