"""`briefgen serve` as a real process on 127.0.0.1, for the archive's tests and its picture."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(config: Path, out: Path, *args: str, host: str = "127.0.0.1") -> Iterator[str]:
    """Run `briefgen serve` until the block ends; yields its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "--config", str(config), "--out", str(out),
         "--host", host, "--port", str(port), *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        give_up = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"briefgen serve exited {process.returncode}: {process.stderr.read() if process.stderr else ''}")
            try:
                with socket.create_connection((host, port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > give_up:
                    raise RuntimeError("briefgen serve did not answer within 30 s") from None
                time.sleep(0.05)
        yield f"http://{host}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
