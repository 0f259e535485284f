"""Shared fixtures: a repo-relative view of the default config and a scratch project folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEFAULT_CONFIG = ROOT / "sources.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the default config and the seeds, as a user's checkout would have."""
    shutil.copy(DEFAULT_CONFIG, tmp_path / "sources.yaml")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def pg_url() -> str:
    """A new, empty database on the session's real PostgreSQL server (tests/pg.py)."""
    from . import pg

    return pg.server().new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's store lives: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "s.sqlite3"
    from . import pg

    return pg.server().new_database()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from . import pg

    pg.shutdown()


@pytest.fixture(params=["sqlite", "postgresql"])
def either_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the default SQLite store, then again with BRIEFGEN_STORE naming a
    new PostgreSQL database: every command (and every child process) uses that."""
    if request.param == "postgresql":
        from . import pg

        monkeypatch.setenv("BRIEFGEN_STORE", pg.server().new_database())
    else:
        monkeypatch.delenv("BRIEFGEN_STORE", raising=False)
    return request.param
