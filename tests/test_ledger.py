"""The run ledger and the per-date lock: every run recorded, never two at once for a date."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import yaml

from briefgen import ledger
from briefgen.cli import main
from briefgen.config import load_config
from briefgen.errors import LockedError
from briefgen.pipeline import run_brief
from briefgen.store import Store, open_store

from .conftest import ROOT

DAY = date(2024, 1, 17)

# The ledger's guarantees hold on SQLite and on a shared PostgreSQL store alike.
pytestmark = pytest.mark.usefixtures("either_store")


def _generate(project: Path, *extra: str) -> int:
    return main(["generate", "--config", str(project / "sources.yaml"), "--date", DAY.isoformat(), "--format", "json", *extra])


def _store(project: Path) -> Store:
    return open_store(load_config(project / "sources.yaml"))


def test_a_run_is_recorded_with_its_files(project: Path):
    assert _generate(project) == 0
    with _store(project) as db:
        run = ledger.get(db, DAY)
    assert run is not None and run.status == "done" and run.error is None
    assert run.files == (str(project / "out" / DAY.isoformat() / f"brief-{DAY}.json"),)
    assert run.started is not None and run.finished is not None and run.started <= run.finished
    assert run.owner and run.owner.endswith(f":{__import__('os').getpid()}")


def test_a_date_being_made_is_locked_for_others(project: Path, capsys):
    with _store(project) as db, ledger.date_lock(db, DAY):
        assert _generate(project) == 8
        err = capsys.readouterr().err
        assert f"the brief for 2024-01-17 is being made by {ledger.owner()}" in err and "--wait SECONDS" in err
        assert _generate(project, "--wait", "0.3") == 8
        assert "waited 0.3 s" in capsys.readouterr().err
        # Another date is not held up.
        assert main(["generate", "--config", str(project / "sources.yaml"), "--date", "2024-01-18", "--format", "json"]) == 0
    assert not (project / "out" / DAY.isoformat()).exists()
    assert _generate(project) == 0


def test_a_wait_ends_when_the_lock_is_let_go(project: Path):
    config = load_config(project / "sources.yaml")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from datetime import date
            from briefgen import ledger
            from briefgen.config import load_config
            from briefgen.store import open_store
            with open_store(load_config({str(project / 'sources.yaml')!r})) as db:
                with ledger.date_lock(db, date(2024, 1, 17)):
                    print("held", flush=True)
                    sys.stdin.readline()
            """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError):
            run_brief(config, DAY, formats=["json"])
        holder.stdin.write("\n")
        holder.stdin.flush()
        result = run_brief(config, DAY, formats=["json"], wait=60)
        assert result.build is not None
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_run_does_not_block_the_next_and_is_run_again(project: Path, caplog):
    """A holder killed outright (SIGKILL) leaves a `running` row; the kernel frees its lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from datetime import date
            from briefgen import ledger
            from briefgen.config import load_config
            from briefgen.store import open_store
            with open_store(load_config({str(project / 'sources.yaml')!r})) as db:
                with ledger.date_lock(db, date(2024, 1, 17)), ledger.recording(db, date(2024, 1, 17)):
                    print("running", flush=True)
                    time.sleep(600)
            """)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    assert holder.stdout.readline().strip() == "running"
    holder.kill()
    holder.wait()
    with _store(project) as db:
        assert ledger.get(db, DAY).status == "running"
    assert _generate(project) == 0
    assert "never finished; running it again" in caplog.text
    with _store(project) as db:
        assert ledger.get(db, DAY).status == "done"


def test_a_failed_run_is_recorded_with_its_reason(project: Path):
    config_path = project / "sources.yaml"
    # (Set in place: a second `output:` key would be an error of its own now.)
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    data["output"] = {**(data.get("output") or {}), "templates": "no-such-folder"}
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["generate", "--config", str(config_path), "--date", DAY.isoformat(), "--format", "html"]) == 5
    with _store(project) as db:
        run = ledger.get(db, DAY)
    assert run.status == "failed" and "no-such-folder" in run.error


def test_skip_done_leaves_a_done_brief_alone(project: Path):
    config = load_config(project / "sources.yaml")
    first = run_brief(config, DAY, formats=["json"])
    path = first.files[0]
    stamp = path.stat().st_mtime_ns
    again = run_brief(config, DAY, formats=["json"], skip_done=True)
    assert again.build is None and again.files == [path]
    assert path.stat().st_mtime_ns == stamp
