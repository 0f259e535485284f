"""An installed wheel (not the source tree) writes a brief: templates ship inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def _setuptools_ok() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77


@pytest.mark.skipif(not _setuptools_ok(), reason="needs setuptools>=77 in the test environment (make install provides it)")
def test_installed_package_finds_its_templates(tmp_path: Path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", "out", "build", ".git", "*.egg-info", "__pycache__", "tests"))
    site = tmp_path / "site"
    # No build isolation: tests never reach the network, and the environment already has setuptools.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(site), str(source)],
        check=True, capture_output=True,
    )
    assert (site / "briefgen/templates/brief.html").is_file()
    assert (site / "briefgen/templates/brief.css").is_file()

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "sources.yaml", work / "sources.yaml")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", "import briefgen; print(briefgen.__file__)"], env=env, cwd=work, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(site))
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "generate", "--date", "2024-01-17", "--format", "html,md"],
        env=env, cwd=work, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    html = (work / "out/2024-01-17/brief-2024-01-17.html").read_text(encoding="utf-8")
    assert "Military drills" in html and "<style" in html

    # `init` finds its skeleton in the installed package too.
    assert (site / "briefgen/skeleton/sources.yaml").is_file()
    made = subprocess.run([sys.executable, "-m", "briefgen", "init", "project"], env=env, cwd=work, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "Climate policy" in (work / "project/sources.yaml").read_text(encoding="utf-8")
    assert (work / "project/templates/README.md").is_file()
