"""Pure-Python CPU work shared out to forked worker processes, one per core.

Parsing feeds, splitting sentences and matching theme terms are pure Python: on threads
they hold the GIL, and one core does all the work while the others wait. Forked workers
start in milliseconds with everything already loaded, compute, send their results back
and exit without running the parent's finalisers (so a store connection is never
touched there). Fork is only safe from a single-threaded process, so a process with other
threads running (a scheduler) keeps the work in-process; so do a single core, a platform
without fork, and work too small to be worth a process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

# At most this many workers, however many cores.
MAX_WORKERS = 4


def workers() -> int:
    """How many worker processes to fork now: 0 when it is not safe or not worth it."""
    return 0 if refusal() else most()


def most() -> int:
    """How many workers this machine's cores allow, when nothing else stands in the way."""
    return min(os.cpu_count() or 1, MAX_WORKERS)


def refusal() -> str | None:
    """Why no worker can be forked now, in words; None when workers can be had.

    A thread left running by an earlier stage silently costs the analysis its workers, so
    `--verbose` names it (see pipeline.build_brief)."""
    if most() < 2:
        return "one core"
    if "fork" not in multiprocessing.get_all_start_methods():
        return "no fork on this platform"
    if threading.active_count() > 1:
        others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
        return f"other threads running ({', '.join(others) or 'ended meanwhile'})"
    return None


def pool(size: int = 0) -> ProcessPoolExecutor | None:
    """A pool of forked workers, forked now (while this is the only thread); None when
    `workers()` says no or no process can be had."""
    count = min(size or workers(), workers())
    if count < 2:
        return None
    try:
        executor = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"))
        executor.submit(int).result()
    except (OSError, RuntimeError) as exc:
        log.debug("no worker processes (%s): working in-process", exc)
        return None
    return executor


class Chunks:
    """`function(items, *args)`, its list of results in order, computed by one worker per
    core on as many contiguous chunks when there are at least `minimum` items. The workers
    start at once, the caller does other work, then collects `results()`. Below `minimum`
    items nothing starts until `results()`, which then computes in-process."""

    def __init__(self, function: Callable[..., list[R]], items: Sequence[T], *args: Any, minimum: int, pieces: int = 1,
                 share: Chunks | None = None):
        self._call = (function, items, args)
        # `share`: work begun on the pool another Chunks forked (a pool can only be forked
        # while this is the only thread, so two cannot be forked side by side); that one
        # shuts the pool down, after every piece of both is done.
        self._owned = share is None
        if share is not None:
            self._executor = share._executor
        else:
            self._executor = pool() if len(items) >= minimum else None
        self._futures = []
        if self._executor is not None:
            # `pieces` chunks per worker: smaller results, sent back (and held) one at a time.
            size = -(-len(items) // (self._executor._max_workers * pieces))  # noqa: SLF001 - what pool() gave it
            self._futures = [self._executor.submit(function, list(items[i : i + size]), *args)
                             for i in range(0, len(items), size)]

    def results(self) -> list[Any]:
        function, items, args = self._call
        if self._executor is None:
            return function(items, *args)
        out: list[Any] = []
        try:
            for future in self._futures:
                out.extend(future.result())
        finally:
            if self._owned:
                self._executor.shutdown()
        return out
