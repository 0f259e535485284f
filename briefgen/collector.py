"""Python's cycle collector paused around work that builds hundreds of thousands of small
objects and no cycles (the analysis, the JSON of a large day): each full collection walks
every live object, a cost that grows faster than the day's articles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, and back as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
