"""A real PostgreSQL server for the tests: initdb and pg_ctl on a Unix socket in a temporary folder.

Debian's `postgresql` package (installed by `make test`) puts the server's programs in
/usr/lib/postgresql/<version>/bin, off PATH; they are found there, on PATH, or where
`pg_config --bindir` says. PostgreSQL refuses to run as root, so as root the server runs
as the `postgres` user the package creates (else `nobody`), in a folder that user owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are; None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    config = shutil.which("pg_config")
    if config:
        out = subprocess.run([config, "--bindir"], capture_output=True, text=True).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    # The newest version installed wins.
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(candidates[-1]).parent if candidates else None


class PgServer:
    """One PostgreSQL cluster in a temporary folder, reachable only on its Unix socket."""

    def __init__(self) -> None:
        bindir = bin_dir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (no initdb): `make test` installs Debian's postgresql package")
        self.bindir = bindir
        # A short path: a Unix socket's path is limited to about 100 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="bgpg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres" if _has_user("postgres") else "nobody"
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        os.chmod(self.folder, 0o755)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self.start()

    @property
    def host(self) -> str:
        return str(self.folder)

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://postgres{secret}@/{database}?host={self.host}"

    def start(self) -> None:
        # No TCP at all, no fsync: a test server that loses nothing but a crash of the machine.
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def new_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace")[-2000:] if (self.folder / "log").exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{log}")


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


_server: PgServer | None = None


def server() -> PgServer:
    """The session's PostgreSQL server, started on first use; the calling test is skipped,
    saying why, when PostgreSQL is not installed."""
    global _server
    if _server is None:
        if bin_dir() is None:
            pytest.skip("PostgreSQL is not installed (no initdb; `make test` installs Debian's postgresql package)")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            pytest.skip("psycopg is not installed (pip install -e '.[test]')")
        _server = PgServer()
    return _server


def shutdown() -> None:
    global _server
    if _server is not None:
        _server.close()
        _server = None
