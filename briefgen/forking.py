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
    count = min(os.cpu_count() or 1, MAX_WORKERS)
    if count < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return count


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


def map_chunks(function: Callable[..., list[R]], items: Sequence[T], *args: Any, minimum: int) -> list[R]:
    """`function(items, *args)`, its list of results in order, computed by one worker per
    core on as many contiguous chunks when there are at least `minimum` items."""
    executor = pool() if len(items) >= minimum else None
    if executor is None:
        return function(items, *args)
    with executor:
        count = executor._max_workers  # noqa: SLF001 - what pool() gave it
        size = -(-len(items) // count)
        futures = [executor.submit(function, list(items[i : i + size]), *args) for i in range(0, len(items), size)]
        out: list[R] = []
        for future in futures:
            out.extend(future.result())
    return out
