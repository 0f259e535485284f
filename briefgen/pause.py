"""A test hook: stop a run at a named stage, so that a test can kill the process right there.

With `BRIEFGEN_TEST_PAUSE_AT=render` (several: `render,data`) a run that reaches that stage
says "briefgen: paused at render (process <pid>)" on stderr and waits: until the file named by
`BRIEFGEN_TEST_RESUME` exists, or for ever (until it is killed). Without the variable, which
is always so outside the tests, a stage costs one environment lookup.

Stages, in the order a run meets them: `fetch` (a feed's response is in, nothing stored),
`analyse` (sources stored, before analysis), `render`, `write` (a brief file's bytes are on
disk under a temporary name, not yet renamed), `archive`, `send` (the outbox rows exist,
no mail sent), `data` (a message's data is on its way), `sent` (the server took a message,
the outbox does not know yet); and for `briefgen watch`, `alerted` (an alert went out, its
row does not say so yet).
"""

from __future__ import annotations

import os
import sys
import time

STAGES = ("fetch", "analyse", "render", "write", "archive", "send", "data", "sent", "alerted")


def pause_at(stage: str) -> None:
    """Wait here if the test hook asks for `stage`; return at once otherwise."""
    wanted = os.environ.get("BRIEFGEN_TEST_PAUSE_AT")
    if not wanted or stage not in wanted.split(","):
        return
    sys.stderr.write(f"briefgen: paused at {stage} (process {os.getpid()})\n")
    sys.stderr.flush()
    resume = os.environ.get("BRIEFGEN_TEST_RESUME")
    while not (resume and os.path.exists(resume)):
        time.sleep(0.05)
