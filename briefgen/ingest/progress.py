"""Progress while fetching many feeds: a bar on an interactive terminal, log lines otherwise."""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import Any

from ..models import SourceHealth
from ..sanitise import printable, redact_urls

log = logging.getLogger("briefgen.ingest.feeds")


def describe(health: SourceHealth) -> str:
    """'ok, 12 items in 0.4 s' / 'failed: HTTP 503 in 0.1 s'."""
    text = health.status
    if health.reason:
        text += f": {health.reason}"
    elif health.status == "ok":
        text += f", {health.items} item{'s' if health.items != 1 else ''}"
    if health.duration is not None:
        text += f" in {health.duration:.1f} s"
    return text


class Progress:
    """Reports each finished feed. The bar appears only when stderr is a terminal and
    informational output is wanted; logs and pipes get one plain line per feed."""

    def __init__(self, total: int, enabled: bool = True):
        self.total = total
        self._bar: Any = None
        self._task: Any = None
        if enabled and total > 1 and sys.stderr.isatty() and log.isEnabledFor(logging.INFO):
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("fetching feeds"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
            )

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def done(self, health: SourceHealth) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=printable(health.source[:40]))
            if health.failed:
                # Failures stay visible above the bar; successes only move it.
                line = redact_urls(printable(f"{health.source}: {describe(health)}"))
                self._bar.console.print(f"briefgen: {line}", highlight=False, markup=False)
            return
        level = logging.WARNING if health.failed else logging.INFO
        log.log(level, "%s: %s", health.source, describe(health))
