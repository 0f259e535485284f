"""Helpers for the deployment tests: brief configs over loopback feeds, a deployment file,
real `briefgen worker` processes, and reading back what happened."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import yaml

from .conftest import ROOT
from .feedserver import FeedServer, Route, rss


def serve_feeds(server: FeedServer, count: int, delay: float = 0.0) -> list[str]:
    """`count` feeds, each with two items dated now and an ETag; their URLs."""
    stamp = format_datetime(datetime.now(UTC))
    urls = []
    for n in range(count):
        items = [{"guid": f"f{n}-{i}", "title": f"Feed {n} missile report {i}", "link": f"http://example.org/{n}/{i}",
                  "date": stamp, "description": f"<p>North Korea fired missile number {n}-{i} on Wednesday, "
                                                f"officials in Seoul said. The launch was the {i + 2}th this year.</p>"}
                 for i in range(2)]
        server.routes[f"/feed{n}.xml"] = Route(body=rss(items, f"Feed {n}"), etag=f'"v{n}"', delay=delay)
        urls.append(server.url(f"/feed{n}.xml"))
    return urls


def brief_config(name: str, urls: list[str], *, email_port: int | None = None, recipients: list[str] | None = None,
                 formats: list[str] | None = None) -> dict:
    config: dict = {
        "title": f"Brief {name}",
        "timezone": "UTC",
        "sources": [{"name": f"Feed {url.rsplit('/', 1)[-1]}", "url": url} for url in urls],
        "themes": [{"key": "missiles", "label": "Missiles", "terms": ["missile"]}],
        "brief": {"window": "all"},
        "output": {"formats": formats or ["json"]},
        "feeds": {"retries": 0, "deadline": 30},
    }
    if email_port is not None:
        config["email"] = {"host": "127.0.0.1", "port": email_port, "security": "none",
                           "from": "Brief Bot <brief@example.org>", "to": recipients or [f"{name}@example.org"],
                           "retries": 1, "backoff": 0.05, "timeout": 20}
    return config


def write_deployment(folder: Path, store: str, briefs: dict[str, dict], **worker: object) -> Path:
    """Brief configs in folder/briefs/, and folder/deployment.yaml naming them; its path."""
    (folder / "briefs").mkdir(parents=True, exist_ok=True)
    for name, config in briefs.items():
        (folder / "briefs" / f"{name}.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    # No catch-up unless a test asks: a default schedule (06:00 UTC) would start a cycle in
    # every test run after 06:00 that the test did not ask for.
    settings = {"heartbeat": 0.5, "stalled_after": 3, "retries": 3, "concurrency": 4, "catch_up": False, **worker}
    path = folder / "deployment.yaml"
    path.write_text(yaml.safe_dump({"store": store, "output": {"dir": "out"}, "briefs": "briefs", "worker": settings}),
                    encoding="utf-8")
    return path


def briefgen(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"briefgen {' '.join(args)} exited {done.returncode}: {done.stderr[-3000:]}")
    return done


class Workers:
    """Real `briefgen worker` processes; each one's log in folder/worker-N.log."""

    def __init__(self, deployment: Path, folder: Path, env: dict[str, str] | None = None):
        self.deployment = deployment
        self.folder = folder
        self.env = {**os.environ, **(env or {})}
        self.procs: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            log = open(self.folder / f"worker-{len(self.procs)}.log", "w")  # noqa: SIM115 - closed with the process
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "briefgen", "worker", "--deployment", str(self.deployment)],
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=self.env,
            ))

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("worker-*.log")))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, logs: Callable[[], str] | None = None) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}" + (f"\n{logs()[-4000:]}" if logs else ""))
