"""Flash alerts in a deployment: each brief's `alerts:` polled by the workers.

Every minute's tick offers a poll; the poll runs when the brief's `watch.interval` has
passed since the last one began (so an interval under a minute polls every minute). One
poll of a brief at a time, whichever worker takes it: the poll holds the brief's watch
lock (a PostgreSQL advisory lock, released if its worker dies), and a row of the brief's
alerts left `sending` when the lock is taken belonged to a poll that died between send and
record, and is never sent again, exactly as `briefgen watch` treats one at its start.
"""

from __future__ import annotations

import logging
from datetime import datetime

from ..config import Config
from ..store.postgres import lock_key
from .settings import Deployment
from .shared import connect

log = logging.getLogger(__name__)
# Seconds of slack on the interval: polls are offered once a minute and a poll may start
# late under load, so an interval is met within half a minute (60 s: every tick polls).
SLACK = 30


def poll_when_due(deployment: Deployment, name: str, config: Config) -> bool:
    """Poll the brief's feeds and send its alerts if its interval has passed; True if it polled."""
    from ..pipeline import open_store
    from ..watch import poll

    with connect(deployment.store, deployment.name) as conn:
        key = lock_key("watch", f"{deployment.name} {name}")
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
            log.info("%s: a flash-alert poll is running elsewhere: not polled again now", name)
            return False
        try:
            now = datetime.now(config.tz).replace(microsecond=0)
            row = conn.execute(
                "INSERT INTO watches (brief, polled) VALUES (%s, now()) ON CONFLICT (brief) DO UPDATE SET polled = now()"
                " WHERE watches.polled <= now() - make_interval(secs => %s) RETURNING brief",
                (name, max(config.watch.interval - SLACK, 0)),
            ).fetchone()
            if row is None:
                return False  # polled less than an interval ago
            with open_store(config) as store:
                for orphan in store.orphaned_alerts():
                    log.warning("alert %s of %s to %s may have been sent by a poll that stopped: not sent again",
                                orphan.id, orphan.rule, orphan.channel)
                result = poll(config, store, now)
            log.info("%s: flash alerts polled: %d stories, %d alerts tried", name, result.stories, len(result.sent))
            return True
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
