"""The command line as a user meets it: every mistake they can make is one line that says
what is wrong and what to do, with its exit code; logging options, colour, completion."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from briefgen import __version__
from briefgen.cli import main
from briefgen.errors import ExitStatus

from .conftest import ROOT, write
from .mailserver import free_port


def _project(root: Path, **changes: object) -> Path:
    """A project as `init` makes it, with one article; `changes` replace top-level keys."""
    assert main(["init", "-q", str(root), "--timezone", "UTC"]) == 0
    write(root / "articles/a.txt", "Brent crude rose above 90 dollars a barrel after OPEC cut output.\n")
    config = root / "sources.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return config


def _briefgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, check=False, **kwargs)


# Each user mistake: how to make it (args, given the project's config path and folder),
# the exit code, and what its one line must say. Every line also says what to do.
def _missing_config(tmp: Path) -> list[str]:
    return ["check", "--config", str(tmp / "nowhere.yaml")]


def _invalid_config(tmp: Path) -> list[str]:
    return ["check", "--config", str(_project(tmp, timezone="Europe/Nowhere"))]


def _missing_templates(tmp: Path) -> list[str]:
    return ["generate", "-q", "--format", "html", "--config", str(_project(tmp, output={"templates": "mine/"}))]


def _unknown_template(tmp: Path) -> list[str]:
    config = _project(tmp, output={"templates": "templates/"})
    write(tmp / "templates/brief.html", '{% extends "nope.html" %}\n')
    return ["generate", "-q", "--format", "html", "--config", str(config)]


def _broken_template(tmp: Path) -> list[str]:
    config = _project(tmp, output={"templates": "templates/"})
    write(tmp / "templates/brief.html", "{% block content %\n")
    return ["generate", "-q", "--format", "html", "--config", str(config)]


def _bad_date(tmp: Path) -> list[str]:
    return ["generate", "--config", str(_project(tmp)), "--date", "2024-13-01"]


def _bad_command(tmp: Path) -> list[str]:
    return ["genrate"]


def _no_network_check(tmp: Path) -> list[str]:
    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    return ["check", "--config", str(_project(tmp, sources=[{"name": "Gone", "url": url}], feeds={"retries": 0}))]


def _no_network_strict(tmp: Path) -> list[str]:
    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    config = _project(tmp, sources=[{"name": "Mine", "path": "articles/"}, {"name": "Gone", "url": url}],
                      feeds={"retries": 0})
    return ["fetch", "-q", "--strict", "--config", str(config)]


def _smtp_refused(tmp: Path) -> list[str]:
    email = {"host": "127.0.0.1", "port": free_port(), "security": "none", "from": "b@example.org",
             "to": ["a@example.org"], "retries": 0}
    return ["generate", "-q", "--email", "--config", str(_project(tmp, email=email))]


def _init_over_a_project(tmp: Path) -> list[str]:
    _project(tmp)
    return ["init", str(tmp)]


MISTAKES = [
    (_missing_config, ExitStatus.CONFIG_ERROR,
     r"nowhere\.yaml: file not found; run `briefgen init` to make a project here, or pass --config PATH"),
    (_invalid_config, ExitStatus.CONFIG_ERROR,
     r"sources\.yaml: timezone: 'Europe/Nowhere' is not an IANA time zone \(e\.g\. 'Asia/Seoul'\); fix it, then `briefgen check`"),
    (_missing_templates, ExitStatus.RENDER_ERROR,
     r"templates folder \S+/mine does not exist: create it, or fix output\.templates"),
    (_unknown_template, ExitStatus.RENDER_ERROR,
     r"template not found: nope\.html; fix the name in the template that uses it, or remove that override"),
    (_broken_template, ExitStatus.RENDER_ERROR,
     r"template \S+/brief\.html, line \d+: .+; fix it, or remove your override to use the shipped template"),
    (_bad_date, ExitStatus.USAGE,
     r"argument --date: '2024-13-01' is not a date like 2024-01-17; see `briefgen generate --help`"),
    (_bad_command, ExitStatus.USAGE, r"argument COMMAND: invalid choice: 'genrate' .*; see `briefgen --help`"),
    (_no_network_check, ExitStatus.SOURCE_ERROR,
     r"1 source unusable \(Gone\): feed http://127\.0\.0\.1:\d+/feed\.xml: could not connect: connection refused; "
     r"fix the path or URL \(or check the network\), or set `enabled: false`"),
    (_no_network_strict, ExitStatus.SOURCE_ERROR,
     r"--strict: 1 source\(s\) failed \(Gone\); the table says why, `briefgen check` probes them again"),
    (_smtp_refused, ExitStatus.DELIVERY_ERROR,
     r"not delivered to 1 of 1 recipients: cannot connect to 127\.0\.0\.1:\d+: .*refused; the brief is written: "
     r"check the email settings and the server, then `briefgen send --config \S+ --date \d{4}-\d\d-\d\d`"),
    (_init_over_a_project, ExitStatus.CONFIG_ERROR,
     r"\S+: sources\.yaml, sources\.schema\.json, templates/README\.md already exist: "
     r"briefgen init never overwrites a file; choose a new folder"),
]


@pytest.mark.parametrize("make, status, line", MISTAKES, ids=[m[0].__name__.strip("_") for m in MISTAKES])
def test_each_user_mistake_is_one_line_with_a_named_exit_code(make, status: ExitStatus, line: str, tmp_path: Path, capsys):
    args = make(tmp_path)
    capsys.readouterr()
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == status, err
    assert err.count("\n") == 1, err
    # A path (the config file, the project folder) may come first.
    assert re.fullmatch(rf"briefgen( \w+)?: error: (\S+/)?{line}.*\n", err), err


def test_several_config_problems_say_what_to_do_first_then_list_each(tmp_path: Path, capsys):
    config = _project(tmp_path, timezone="Europe/Nowhere", title="")
    assert main(["check", "--config", str(config)]) == ExitStatus.CONFIG_ERROR
    first, *rest = capsys.readouterr().err.splitlines()
    assert first == f"briefgen: error: {config}: 2 problems; fix them, then `briefgen check`"
    assert sorted(rest) == ["  timezone: 'Europe/Nowhere' is not an IANA time zone (e.g. 'Asia/Seoul')",
                            "  title: String should have at least 1 character"]


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"briefgen {__version__}\n"


@pytest.mark.parametrize("where", ["before", "after"])
def test_logging_options_work_before_and_after_the_command(where: str, tmp_path: Path, capsys):
    config = str(_project(tmp_path))
    command = ["generate", "--config", config, "--format", "md"]

    def run(*options: str) -> str:
        capsys.readouterr()
        args = [*options, *command] if where == "before" else [*command, *options]
        assert main(args) == 0
        return capsys.readouterr().err

    assert run("-q") == ""
    verbose = run("-v")
    assert re.search(r"^DEBUG briefgen\.\S+: ", verbose, re.M) and "Traceback" not in verbose
    lines = run("--log-format", "json").splitlines()
    assert lines
    for line in lines:
        entry = json.loads(line)
        assert set(entry) == {"time", "level", "logger", "message"}
        assert entry["level"] in ("debug", "info", "warning", "error")


def test_json_logs_end_with_the_error_as_json(tmp_path: Path, capsys):
    assert main(["--log-format", "json", "check", "--config", str(tmp_path / "none.yaml")]) == ExitStatus.CONFIG_ERROR
    entry = json.loads(capsys.readouterr().err)
    assert entry["level"] == "error" and entry["message"].endswith("or pass --config PATH")


def test_verbose_keeps_errors_to_one_line_and_debug_shows_the_traceback(tmp_path: Path):
    missing = str(tmp_path / "none.yaml")
    verbose = _briefgen("-v", "check", "--config", missing)
    assert verbose.returncode == 3 and "Traceback" not in verbose.stderr
    debug = _briefgen("check", "--debug", "--config", missing)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_a_reader_that_closes_the_output_early_ends_the_command_quietly():
    # `briefgen themes test ... | head -2`: the report is longer than a pipe holds, and the
    # reader stops after two lines. No "unexpected error", no traceback: exit 141.
    files = [str(p) for p in sorted((ROOT / "tests" / "data" / "realtext").glob("redsea-*.yaml"))]
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "themes", "test", "--config",
                             str(ROOT / "docs" / "examples" / "red-sea.yaml"), *files],
                            cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == ExitStatus.BROKEN_PIPE
    assert b"redsea-dev.yaml: " in first
    assert errors == ""


def _on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run briefgen with its stderr on a pseudo-terminal; what it wrote there."""
    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=follower, env={**environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", **env}, check=False)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.returncode == 3
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path):
    missing = str(tmp_path / "none.yaml")
    coloured = _on_a_terminal("check", "--config", missing, env={})
    assert "briefgen: \x1b[1;31merror\x1b[0m: " in coloured
    plain = _on_a_terminal("check", "--config", missing, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "briefgen: error: " in plain
    piped = _briefgen("check", "--config", missing, env={"TERM": "xterm"})
    assert "\x1b[" not in piped.stderr and piped.stderr.startswith("briefgen: error: ")


COMMANDS = ["generate", "fetch", "sources", "send", "schedule", "init", "check", "config", "schema", "list", "completion"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_is_valid_and_completes_commands_and_flags(tmp_path: Path, capsys):
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "briefgen.bash"
    script.write_text(capsys.readouterr().out, encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0

    def complete(*words: str) -> list[str]:
        line = " ".join(f'"{w}"' for w in ("briefgen", *words))
        probe = (f'source "{script}"; COMP_WORDS=({line}); COMP_CWORD={len(words)}; '
                 '_briefgen_complete; printf "%s\\n" "${COMPREPLY[@]}"')
        return subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout.split()

    assert set(COMMANDS) <= set(complete(""))
    assert complete("gen") == ["generate"]
    assert "--strict" in complete("generate", "--")
    assert complete("sources", "") == ["import", "check", "-h", "--help"]
    assert complete("generate", "--log-format", "") == ["text", "json"]
    assert complete("completion", "f") == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_completion_name_every_command(shell: str, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for command in COMMANDS:
        assert re.search(rf"\b{command}\b", script), command
    assert "log-format" in script and "offline" in script
    if shutil.which(shell):
        # When the shell is installed, it must at least parse the script.
        check = ["zsh", "-n"] if shell == "zsh" else ["fish", "--no-execute"]
        assert subprocess.run([*check], input=script, text=True, check=False).returncode == 0



def test_fish_offers_each_command_its_own_flags(tmp_path: Path, capsys):
    if not shutil.which("fish"):
        pytest.skip("fish is not installed (make test installs it)")
    assert main(["completion", "fish"]) == 0
    script = tmp_path / "briefgen.fish"
    script.write_text(capsys.readouterr().out, encoding="utf-8")

    def complete(line: str) -> list[str]:
        probe = f"source {script}; complete -C '{line}'"
        out = subprocess.run(["fish", "--no-config", "-c", probe], capture_output=True, text=True, check=True).stdout
        return [row.split("\t")[0] for row in out.splitlines()]

    assert "--offline" in complete("briefgen check --")
    assert "--strict" in complete("briefgen generate --")
    # `sources check` has no --offline: fish must not take it for the top-level `check`.
    assert "--offline" not in complete("briefgen sources check --")
    assert "--config" in complete("briefgen sources check --")
    assert {"import", "check"} <= set(complete("briefgen sources "))

def test_the_scheduler_and_its_runs_log_json_lines(tmp_path: Path):
    config = _project(tmp_path, schedule={"cron": "*/2 * * * * *"}, output={"formats": ["md"]})
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    daemon = subprocess.Popen([sys.executable, "-m", "briefgen", "--log-format", "json", "schedule", "--config", str(config)],
                              cwd=tmp_path, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    # Read as it comes: the brief's file can appear before its child has logged "written",
    # and a daemon stopped in between (a loaded machine) would lose that line.
    reader = threading.Thread(target=lambda: lines.extend(iter(daemon.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        # The catch-up on start makes today's brief in a child process at once.
        for _ in range(1200):
            if any('"briefgen.pipeline"' in line and "written" in line for line in list(lines)):
                break
            time.sleep(0.1)
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        reader.join(timeout=30)
    err = "".join(lines)
    entries = [json.loads(line) for line in err.splitlines()]
    assert daemon.returncode == 0, err
    assert list((tmp_path / "out").glob("*/brief-*.md"))
    loggers = {e["logger"] for e in entries}
    assert "briefgen.schedule" in loggers  # the daemon
    assert any(e["logger"] == "briefgen.pipeline" and "written" in e["message"] for e in entries)  # its child


HUGE = "9" * 5000
# Every date or number option, with values that parse (as a float, a date) but cannot be used.
UNUSABLE = [
    (["generate"], "--date", ["9999-12-31", "0001-01-01", "9000-12-32"]),
    (["send"], "--date", ["9999-12-31", "0001-01-01"]),
    (["feedback", "--list"], "--date", ["9999-12-31"]),
    (["generate"], "--wait", ["inf", "nan", "1e400", "-1", HUGE]),
    (["send"], "--wait", ["inf", "nan"]),
    (["generate"], "--window", ["99999999999d", HUGE + "h", "876001h"]),
    (["schedule"], "--backfill", [HUGE, "99999999999", "36501"]),
    (["themes", "test", "x.yaml"], "--min-f1", ["nan", "inf", "2", "-0.5"]),
    (["feedback"], "--remove", [HUGE, "10000000000000000000000000000", "-1"]),
]


@pytest.mark.parametrize("command, option, values", UNUSABLE, ids=[f"{c[0]}{o}" for c, o, _ in UNUSABLE])
def test_an_unusable_date_or_number_option_is_a_usage_error_naming_it(command: list[str], option: str,
                                                                      values: list[str], tmp_path: Path, capsys):
    config = str(_project(tmp_path))
    for value in values:
        capsys.readouterr()
        with pytest.raises(SystemExit) as info:
            main([*command, "--config", config, f"{option}={value}"])
        err = capsys.readouterr().err
        assert info.value.code == ExitStatus.USAGE, err
        assert f"argument {option}" in err and "Error" not in err and err.count("\n") == 1, err
        assert len(err) < 300, err


def test_the_first_and_last_dates_a_brief_can_have_work(tmp_path: Path, capsys):
    from briefgen.cliargs import FIRST_DATE, LAST_DATE

    config = str(_project(tmp_path))
    for day in (FIRST_DATE, LAST_DATE):
        assert main(["generate", "-q", "--config", config, "--date", day.isoformat(), "--format", "json,md",
                     "--window", "36500d"]) == 0, capsys.readouterr().err
        assert (tmp_path / "out" / day.isoformat() / f"brief-{day}.json").is_file()
