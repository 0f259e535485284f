"""Crash safety: `generate --email` killed outright (SIGKILL) at each stage, and at random moments.

A real `python -m briefgen` process is stopped where the test hook (briefgen/pause.py) holds
it, or mid-DATA where the SMTP server holds the reply, or after a seeded random delay, and
killed. After every kill: no partial file at a final path, the store passes SQLite's
integrity check, and no recipient has had the brief twice. Then a plain rerun completes the
day, and a message that may have gone out when the process died is not sent again (it is
`ambiguous`; only `send --force` resends it).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .feedserver import FeedServer, Route, rss
from .mailserver import Inbox, add_email, smtp_server

pytestmark = pytest.mark.slow

DAY = "2024-01-17"
RECIPIENTS = ["alice@example.org", "bob@example.org", "carol@example.org"]
WIRE = {"guid": "wire-1", "title": "Missile launch reported", "link": "https://wire.example/1",
        "description": "<p>North Korea fired a ballistic missile into the East Sea on Wednesday, the South's military said.</p>",
        "date": "Wed, 17 Jan 2024 01:00:00 GMT"}


@dataclass
class World:
    project: Path
    config: Path
    inbox: Inbox

    @property
    def folder(self) -> Path:
        return self.project / "out" / DAY

    @property
    def store(self) -> Path:
        return self.project / "out/.briefgen/briefgen.sqlite3"

    def start(self, *argv: str, pause: str | None = None) -> Run:
        return Run(self, argv, pause)

    def briefgen(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._argv(argv), capture_output=True, text=True, cwd=ROOT, timeout=120)

    def _argv(self, argv: tuple[str, ...]) -> list[str]:
        return [sys.executable, "-m", "briefgen", argv[0], "--config", str(self.config), "--date", DAY, *argv[1:]]

    def outbox(self) -> dict[str, str]:
        if not self.store.exists():
            return {}
        with sqlite3.connect(self.store, timeout=30) as conn:
            try:
                return dict(conn.execute("SELECT recipient, status FROM outbox WHERE brief_date = ?", (DAY,)).fetchall())
            except sqlite3.OperationalError:  # killed before the store was made
                return {}

    def received(self) -> Counter[str]:
        return Counter(r for m in self.inbox.messages for r in m.rcpt_tos)


class Run:
    """A briefgen process, its stderr in a file the test can watch."""

    def __init__(self, world: World, argv: tuple[str, ...], pause: str | None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_TEST_")}
        if pause:
            env["BRIEFGEN_TEST_PAUSE_AT"] = pause
        self.log = world.project / f"run-{time.monotonic_ns()}.log"
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(world._argv(argv), stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, env=env)

    @property
    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, timeout: float = 60) -> None:
        give_up = time.monotonic() + timeout
        while what not in self.text:
            if self.proc.poll() is not None:
                raise AssertionError(f"briefgen exited ({self.proc.returncode}) before {what!r}:\n{self.text}")
            if time.monotonic() > give_up:
                raise AssertionError(f"timed out waiting for {what!r}:\n{self.text}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture
def world(project: Path) -> Iterator[World]:
    inbox = Inbox()
    with FeedServer() as feeds, smtp_server(inbox) as port:
        feeds.routes["/wire.xml"] = Route(rss([WIRE]), etag='"wire-v1"')
        config = project / "sources.yaml"
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["sources"] = [data["sources"][0], {"name": "Wire", "url": feeds.url("/wire.xml")}]
        data["output"]["formats"] = ["html", "json"]
        config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        add_email(config, port, retries=0)
        yield World(project, config, inbox)


def complete(path: Path) -> bool:
    """Whether a brief file is whole, judged by how each format ends."""
    data = path.read_bytes()
    if path.suffix == ".json":
        try:
            json.loads(data)
        except ValueError:
            return False
        return True
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    return len(data) > 0


def assert_nothing_torn(world: World) -> None:
    """No partial file at a final path, a whole store, nobody sent the brief twice."""
    out = world.project / "out"
    finals = [*world.folder.glob(f"brief-{DAY}.*"), *out.glob("index.html")]
    for path in finals:
        assert complete(path), f"{path.name} is partial"
    latest = out / "latest"
    assert not latest.is_symlink() or latest.resolve().is_dir()
    if world.store.exists():
        with sqlite3.connect(world.store, timeout=30) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert all(n == 1 for n in world.received().values()), world.received()


def assert_day_completed(world: World, may_be_out: set[str]) -> None:
    """After a rerun: every brief file whole, the ledger done, every recipient sent the brief
    exactly once except those whose message may have gone out as the process died."""
    assert_nothing_torn(world)
    names = sorted(p.name for p in world.folder.iterdir())
    assert names == sorted(f"brief-{DAY}.{x}" for x in ("html", "json", "md", "pdf")), names
    with sqlite3.connect(world.store, timeout=30) as conn:
        assert conn.execute("SELECT status FROM runs WHERE brief_date = ?", (DAY,)).fetchall() == [("done",)]
    outbox = world.outbox()
    ambiguous = {r for r, status in outbox.items() if status == "ambiguous"}
    assert ambiguous <= may_be_out
    for recipient in RECIPIENTS:
        if recipient in ambiguous:
            assert world.received()[recipient] <= 1
        else:
            assert outbox[recipient] == "sent" and world.received()[recipient] == 1, (recipient, outbox)


def rerun(world: World, may_be_out: set[str]) -> set[str]:
    """`generate --email` after the kill; returns the recipients left ambiguous."""
    again = world.briefgen("generate", "--email")
    ambiguous = {r for r, s in world.outbox().items() if s == "ambiguous"}
    assert again.returncode == (7 if ambiguous else 0), again.stderr
    if ambiguous:
        assert "may have been delivered" in again.stderr and "--force" in again.stderr
    assert "database is locked" not in again.stderr
    assert_day_completed(world, may_be_out)
    return ambiguous


# Where a run is killed, and who may have been sent the brief as it died.
STAGES = {
    "fetch": set(),      # a feed's response in hand, nothing stored
    "analyse": set(),    # sources stored, nothing analysed
    "render": set(),
    "write": set(),      # the first brief file on disk under its temporary name
    "archive": set(),    # the brief written and recorded, the archive page not yet
    "send": set(),       # the outbox rows made, no connection yet
    "data": {"alice@example.org"},   # marked `sending`, the data not yet sent: delivery unknown
    "sent": {"alice@example.org"},   # the server took alice's message, the outbox not told
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_killed_at_a_stage_leaves_nothing_torn_and_the_rerun_completes_the_day(world: World, stage: str):
    run = world.start("generate", "--email", pause=stage)
    run.wait_for(f"paused at {stage}")
    run.kill()
    assert_nothing_torn(world)
    if stage == "write":
        # Killed between writing the bytes and renaming them: no final file, only the temporary one.
        assert not list(world.folder.glob(f"brief-{DAY}.*"))
        assert list(world.folder.glob(f".brief-{DAY}.json.*.tmp"))
    ambiguous = rerun(world, STAGES[stage])
    assert ambiguous == STAGES[stage]
    assert not list(world.folder.glob(".*.tmp")), "the rerun clears what the killed run left"
    if stage == "sent":
        assert world.received()["alice@example.org"] == 1
    if ambiguous:
        # A later `send` (the scheduler's retry is one) does not resend it either.
        later = world.briefgen("send")
        assert later.returncode == 7, later.stderr
        assert all(n == 1 for n in world.received().values())


def test_killed_while_the_server_holds_the_reply_to_the_data_is_not_sent_again(world: World):
    """The message is at the server, the process dies waiting for the 250: ambiguous, never resent."""
    world.inbox.hold = threading.Event()
    run = world.start("generate", "--email")
    give_up = time.monotonic() + 60
    while not world.inbox.messages:
        assert run.proc.poll() is None and time.monotonic() < give_up, run.text
        time.sleep(0.05)
    run.kill()
    world.inbox.hold.set()
    assert world.outbox()["alice@example.org"] == "sending"
    assert_nothing_torn(world)
    assert rerun(world, {"alice@example.org"}) == {"alice@example.org"}
    assert world.received() == Counter(RECIPIENTS)
    # Once checked with the recipient, --force sends it again, under the same Message-ID.
    forced = world.briefgen("send", "--force")
    assert forced.returncode == 0, forced.stderr
    ids = {m.message["Message-ID"] for m in world.inbox.messages if m.rcpt_tos == ["alice@example.org"]}
    assert len(ids) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_a_random_moment_leaves_nothing_torn(world: World, seed: int):
    """Anywhere in a run (a whole one takes 2-4 s here): the same promises as at the stages."""
    delay = random.Random(seed).uniform(0.3, 4.0)
    run = world.start("generate", "--email")
    time.sleep(delay)
    run.kill()
    assert_nothing_torn(world)
    # Whoever was being sent the brief as the process died may have had it; nobody else.
    sending = {r for r, s in world.outbox().items() if s == "sending"}
    assert len(sending) <= 1
    rerun(world, sending)


@pytest.mark.parametrize("stage, may_be_out", [("render", set()), ("sent", {"alice@example.org"})])
def test_a_scheduled_run_killed_mid_way_is_retried_and_sends_nobody_twice(
    world: World, tmp_path: Path, stage: str, may_be_out: set[str]
):
    """The unattended case: the scheduler's child dies by SIGKILL; the retry completes the day."""
    data = yaml.safe_load(world.config.read_text(encoding="utf-8"))
    data["schedule"] = {"cron": "0 0 0 * * *", "deadline": 120, "retries": 1, "retry_delay": 1}
    world.config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    resume = tmp_path / "resume"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_TEST_")},
           "BRIEFGEN_TEST_PAUSE_AT": stage, "BRIEFGEN_TEST_RESUME": str(resume)}
    log = world.project / "schedule.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen([sys.executable, "-m", "briefgen", "schedule", "--config", str(world.config)],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)

    def wait_for(pattern: str) -> re.Match[str]:
        give_up = time.monotonic() + 120
        while not (found := re.search(pattern, log.read_text(encoding="utf-8", errors="replace"))):
            assert daemon.poll() is None and time.monotonic() < give_up, log.read_text(encoding="utf-8")
            time.sleep(0.1)
        return found

    try:
        child = int(wait_for(rf"paused at {stage} \(process (\d+)\)").group(1))
        os.kill(child, signal.SIGKILL)
        resume.touch()
        ending = "finished" if not may_be_out else "giving up"
        wait_for(r"run for \S+ ended with exit code -9[\s\S]*(run for \S+ finished|giving up)")
        assert ending in log.read_text(encoding="utf-8")
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0
    text = log.read_text(encoding="utf-8")
    assert "database is locked" not in text and "Traceback" not in text
    day = re.search(r"run for (\S+) ended", text).group(1)
    folder = world.project / "out" / day
    for path in folder.glob(f"brief-{day}.*"):
        assert complete(path)
    with sqlite3.connect(world.store, timeout=30) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT status FROM runs WHERE brief_date = ?", (day,)).fetchall() == [("done",)]
        outbox = dict(conn.execute("SELECT recipient, status FROM outbox WHERE brief_date = ?", (day,)).fetchall())
    assert {r for r, s in outbox.items() if s == "ambiguous"} == may_be_out
    assert world.received() == Counter(RECIPIENTS)


def test_the_archive_clears_what_a_killed_update_left_and_spares_a_live_one(world: World):
    """Another date's run may be updating the archive now: only old leftovers go."""
    assert world.briefgen("generate").returncode == 0
    out = world.project / "out"
    dead = [out / ".index.html.x1y2.tmp", out / ".latest.4242.tmp"]
    live = out / ".index.html.a3b4.tmp"
    dead[0].write_text("<html><body>half", encoding="utf-8")
    os.symlink(DAY, dead[1])
    live.write_text("<html><body>half", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(dead[0], (hour_ago, hour_ago))
    os.utime(dead[1], (hour_ago, hour_ago), follow_symlinks=False)
    assert world.briefgen("generate").returncode == 0
    assert not any(p.is_symlink() or p.exists() for p in dead)
    assert live.exists()
