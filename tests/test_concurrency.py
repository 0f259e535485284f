"""Concurrency: runs for the same date at once make one brief and send one email per recipient.

Real processes on one store: two `generate` at once, one held mid-run while others arrive,
a `schedule` daemon racing a manual `generate --email`, and runs of other dates and a
`fetch` writing the store together. None of them may fail with "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .mailserver import Inbox, add_email, smtp_server
from .test_schedule import MIDNIGHT, _configure, _today, _wait_for, daemons

pytestmark = pytest.mark.slow

DAY = "2024-01-17"
RECIPIENTS = ["alice@example.org", "bob@example.org", "carol@example.org"]


class Briefgen:
    """briefgen in a process of its own; its output in a pipe, or in `log` to watch as it runs."""

    def __init__(self, project: Path, *argv: str, day: str = DAY, env: dict[str, str] | None = None,
                 log: Path | None = None):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_TEST_")}
        self.log = log
        with log.open("w") if log is not None else nullcontext(subprocess.PIPE) as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "briefgen", argv[0], "--config", str(project / "sources.yaml"),
                 *(["--date", day] if day else []), *argv[1:]],
                stdout=out, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**clean, **(env or {})},
            )

    @property
    def stdout(self):
        return self.proc.stdout

    def poll(self) -> int | None:
        return self.proc.poll()

    def finish(self) -> tuple[int, str]:
        out, _ = self.proc.communicate(timeout=180)
        return self.proc.returncode, self.log.read_text() if self.log is not None else out


def _ledger(project: Path) -> dict[str, str]:
    with sqlite3.connect(project / "out/.briefgen/briefgen.sqlite3", timeout=30) as conn:
        return dict(conn.execute("SELECT brief_date, status FROM runs").fetchall())


def _received(inbox: Inbox) -> Counter[str]:
    return Counter(r for m in inbox.messages for r in m.rcpt_tos)


def _formats(project: Path, formats: list[str]) -> None:
    path = project / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["output"]["formats"] = formats
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_two_generates_at_once_make_one_brief_and_send_it_once(project: Path):
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        pair = [Briefgen(project, "generate", "--email", "--wait", "120") for _ in range(2)]
        results = [p.finish() for p in pair]
    assert [code for code, _ in results] == [0, 0], results
    logs = "".join(out for _, out in results)
    assert "database is locked" not in logs
    # One made it; the other waited for the date's lock and found it made.
    assert logs.count(f"brief for {DAY} written") == 1, logs
    assert f"the brief for {DAY} was made by" in logs
    assert _received(inbox) == Counter(RECIPIENTS)
    assert _ledger(project) == {DAY: "done"}


def test_a_run_arriving_while_one_is_under_way_exits_8_or_waits_for_it(project: Path, tmp_path: Path):
    inbox = Inbox()
    resume = tmp_path / "resume"
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        first = Briefgen(project, "generate", "--email",
                       env={"BRIEFGEN_TEST_PAUSE_AT": "render", "BRIEFGEN_TEST_RESUME": str(resume)})
        assert first.stdout is not None
        seen = ""
        while "paused at render" not in seen:
            line = first.stdout.readline()
            assert line, f"the first run ended early:\n{seen}"
            seen += line
        code, out = Briefgen(project, "generate", "--email").finish()
        assert code == 8 and "is being made by" in out and "--wait SECONDS" in out
        waiting = Briefgen(project, "generate", "--email", "--wait", "120", log=tmp_path / "waiting.log")
        sender = Briefgen(project, "send", "--wait", "120", log=tmp_path / "sender.log")
        give_up = time.monotonic() + 60
        while not all("waiting up to 120 s" in (tmp_path / f"{n}.log").read_text() for n in ("waiting", "sender")):
            assert time.monotonic() < give_up and waiting.poll() is None and sender.poll() is None
            time.sleep(0.1)
        resume.touch()
        results = [first.finish(), waiting.finish(), sender.finish()]
    assert [c for c, _ in results] == [0, 0, 0], results
    logs = seen + "".join(out for _, out in results)
    assert "database is locked" not in logs
    assert logs.count(f"brief for {DAY} written") == 1
    assert _received(inbox) == Counter(RECIPIENTS)
    assert results[2][1].count("already sent") == 3


def test_a_scheduler_and_a_manual_run_make_one_brief_and_one_email_each(project: Path):
    inbox = Inbox()
    day = _today().isoformat()
    # Today's fire time (midnight) has passed: the daemon sets out to make today's brief at once.
    _configure(project, MIDNIGHT, formats=["html", "json"])
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        with daemons(project, "a") as (daemon,):
            manual = Briefgen(project, "generate", "--email", "--wait", "120", day=day)
            code, out = manual.finish()
            _wait_for(lambda: f"run for {day} finished" in daemon.text or f"run for {day} ended" in daemon.text, daemon)
            assert daemon.stop() == 0
    logs = out + daemon.text
    assert code == 0, out
    assert f"run for {day} finished" in daemon.text, daemon.text
    assert "database is locked" not in logs and "Traceback" not in logs
    assert logs.count(f"brief for {day} written") == 1, logs
    assert _received(inbox) == Counter(RECIPIENTS)
    assert _ledger(project) == {day: "done"}


def test_runs_of_other_dates_and_a_fetch_share_the_store(project: Path):
    """Different dates do not wait for each other; the store takes their writes one at a time."""
    _formats(project, ["json"])
    days = ["2024-01-15", "2024-01-16", "2024-01-17"]
    procs = [Briefgen(project, "generate", day=d) for d in days] + [Briefgen(project, "fetch", day="")]
    results = [p.finish() for p in procs]
    assert [c for c, _ in results] == [0, 0, 0, 0], results
    assert not any("database is locked" in out for _, out in results)
    assert _ledger(project) == dict.fromkeys(days, "done")
    with sqlite3.connect(project / "out/.briefgen/briefgen.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
