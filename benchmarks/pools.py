"""When the analysis's worker pools run, and how long this process waits for them:
`python -m benchmarks.pools [ITEMS] [FEEDS]` (default 10,000 items over 200 feeds).

Prints, in seconds from the start of `analyse()`, when each pool's work is begun, when
each of its pieces is done, and when the parent asks for the results and how long it
then waits. A piece done long before it is asked for shows workers idle that could have
taken other work; a long wait shows the parent idle. docs/performance.md uses it to say
where the whole analysis spends its wall time on two cores.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

from briefgen import forking

from .child import ROOT, _articles


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.pools", description=__doc__.split("\n\n")[0])
    parser.add_argument("items", nargs="?", type=int, default=10_000, help="items in the corpus (default 10,000)")
    parser.add_argument("feeds", nargs="?", type=int, help="feeds they come from (default one per 50 items)")
    args = parser.parse_args(argv)
    items, feeds = args.items, args.feeds or max(1, args.items // 50)
    # Loaded before the clock starts, as the analysis benchmark does.
    import numpy  # noqa: F401
    import pysbd  # noqa: F401
    import scipy.sparse  # noqa: F401

    from briefgen.analyse import analyse
    from briefgen.config import load_config

    config = load_config(ROOT / "sources.yaml")
    articles = _articles(items, feeds, 7)
    events: list[tuple[float, str]] = []
    start = time.perf_counter()
    begin, collect = forking.Chunks.__init__, forking.Chunks.results

    def now() -> float:
        return time.perf_counter() - start

    def begun(self: forking.Chunks, function: Any, *args: Any, **kwargs: Any) -> None:
        at = now()
        begin(self, function, *args, **kwargs)
        where = f"{len(self._futures)} pieces on workers" if self._futures else "in this process, when asked"
        events.append((at, f"{function.__name__}: begun ({where})"))
        for future in self._futures:
            future.add_done_callback(lambda _, name=function.__name__: events.append((now(), f"{name}: a piece done")))

    def results(self: forking.Chunks) -> list[Any]:
        asked = now()
        out = collect(self)
        events.append((asked, f"{self._call[0].__name__}: asked for, waited {now() - asked:.2f} s"))
        return out

    forking.Chunks.__init__ = begun  # type: ignore[method-assign]
    forking.Chunks.results = results  # type: ignore[method-assign]
    cpu = time.process_time()
    result = analyse(articles, config)
    wall, cpu = now(), time.process_time() - cpu
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    for at, what in sorted(events):
        print(f"{at:6.2f}  {what}")
    print(f"whole analyse(): {wall:.2f} s; CPU {cpu:.2f} s here, {workers.ru_utime + workers.ru_stime:.2f} s on workers")
    print("stages:", ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items() if v >= 0.01))


if __name__ == "__main__":
    main(sys.argv[1:])
