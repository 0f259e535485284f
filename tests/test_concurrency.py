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
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .mailserver import Inbox, add_email, smtp_server
from .test_schedule import MIDNIGHT, _configure, _today, _wait_for, daemons

pytestmark = pytest.mark.slow

DAY = "2024-01-17"
RECIPIENTS = ["alice@example.org", "bob@example.org", "carol@example.org"]


def _start(project: Path, *argv: str, day: str = DAY, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_TEST_")}
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", argv[0], "--config", str(project / "sources.yaml"),
         *(["--date", day] if day else []), *argv[1:]],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**clean, **(env or {})},
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=180)
    return proc.returncode, out


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
        pair = [_start(project, "generate", "--email", "--wait", "120") for _ in range(2)]
        results = [_finish(p) for p in pair]
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
        first = _start(project, "generate", "--email",
                       env={"BRIEFGEN_TEST_PAUSE_AT": "render", "BRIEFGEN_TEST_RESUME": str(resume)})
        assert first.stdout is not None
        seen = ""
        while "paused at render" not in seen:
            line = first.stdout.readline()
            assert line, f"the first run ended early:\n{seen}"
            seen += line
        code, out = _finish(_start(project, "generate", "--email"))
        assert code == 8 and "is being made by" in out and "--wait SECONDS" in out
        waiting = _start(project, "generate", "--email", "--wait", "120")
        sender = _start(project, "send", "--wait", "120")
        time.sleep(2)  # both are at the date's lock by now (or soon: they wait all the same)
        resume.touch()
        results = [_finish(first), _finish(waiting), _finish(sender)]
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
            manual = _start(project, "generate", "--email", "--wait", "120", day=day)
            code, out = _finish(manual)
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
    procs = [_start(project, "generate", day=d) for d in days] + [_start(project, "fetch", day="")]
    results = [_finish(p) for p in procs]
    assert [c for c, _ in results] == [0, 0, 0, 0], results
    assert not any("database is locked" in out for _, out in results)
    assert _ledger(project) == dict.fromkeys(days, "done")
    with sqlite3.connect(project / "out/.briefgen/briefgen.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
