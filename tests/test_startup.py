"""Start-up stays light: `briefgen --help` and `briefgen check` load none of the heavy
libraries (they are imported by the stage that needs them). Checked through sys.modules
in a fresh interpreter, never with a clock."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import DEFAULT_CONFIG, ROOT

HEAVY = ("weasyprint", "sklearn", "feedparser", "httpx", "trafilatura", "scipy", "numpy", "datasketch", "pysbd", "lxml")
# Runs the CLI, then prints every module it loaded as the interpreter exits.
PROBE = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
    "from briefgen.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _loaded(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["check", "--config", str(DEFAULT_CONFIG)]], ids=["help", "check"])
def test_help_and_check_import_no_heavy_library(args: list[str]):
    loaded = _loaded(*args)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert not heavy, f"briefgen {' '.join(args)} imported {heavy}"


def test_the_probe_sees_what_a_stage_imports():
    # The same probe catches a heavy import when one happens: `schema` loads nothing heavy
    # either, but importing the PDF stage by hand does.
    proc = subprocess.run([sys.executable, "-c", "import briefgen.render.pdf\n" + PROBE, "schema"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "weasyprint" in json.loads(proc.stderr.strip().splitlines()[-1])


def test_a_brief_from_local_files_loads_no_http_client_nor_scikit_learn(tmp_path):
    # HTML and JSON only: no PDF engine either; the seeds config has its feeds disabled.
    loaded = _loaded("generate", "-q", "--config", str(DEFAULT_CONFIG), "--date", "2024-01-17",
                     "--format", "html,json", "--out", str(tmp_path))
    assert not {"sklearn", "httpx", "feedparser", "weasyprint", "trafilatura"} & {m.split(".")[0] for m in loaded}
    assert (tmp_path / "2024-01-17" / "brief-2024-01-17.html").is_file()
