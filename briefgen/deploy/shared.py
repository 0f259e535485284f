"""What the briefs of a deployment share in the database: each feed's latest response, and each cycle.

A feed URL is fetched once per cycle for every brief that lists it: whoever comes first
(a fetch task, or a build that finds a fetch not done) takes the URL's advisory lock,
asks the server conditionally with the validators of the last response, and keeps the
answer; everyone else waits for the lock and reads the answer. A build then reads its
feeds from here through `StoredTransport`, so each brief's own conditional-GET state and
source health work exactly as when it fetches for itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from ..config import FeedsConfig
from ..ingest.fetch import ACCEPT_FEEDS, Fetcher, FetchError
from ..store.postgres import lock_key, schema_name

log = logging.getLogger(__name__)

# The deployment's own tables, as steps run once each in order (as the store's are).
MIGRATIONS = [
    # 1: each feed URL's latest response and the cycle it was fetched for; each cycle started.
    """
    CREATE TABLE fetches (
        url           TEXT PRIMARY KEY,
        cycle         BIGINT NOT NULL,
        fetched_at    TIMESTAMPTZ NOT NULL,
        status        INTEGER,
        headers       TEXT,
        body          BYTEA,
        final_url     TEXT,
        reason        TEXT,
        etag          TEXT,
        last_modified TEXT,
        requests      INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE cycles (
        brief      TEXT NOT NULL,
        fire       BIGINT NOT NULL,
        brief_date TEXT NOT NULL,
        started    TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (brief, fire)
    );
    """,
    # 2: when each brief's flash alerts were last polled (see alerting).
    """
    CREATE TABLE watches (
        brief  TEXT PRIMARY KEY,
        polled TIMESTAMPTZ NOT NULL
    );
    """,
]


def shared_schema(deployment: str) -> str:
    return schema_name(f"deployment {deployment}").replace("brief_", "deploy_", 1)


def queue_schema(deployment: str) -> str:
    """The schema of the deployment's Procrastinate queue: two deployments never share jobs."""
    return schema_name(f"queue {deployment}").replace("brief_", "queue_", 1)


def connect(url: str, deployment: str) -> Any:
    """A connection (autocommit) whose search path is the deployment's shared schema."""
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10,
                           options=f"-c search_path={shared_schema(deployment)}",
                           application_name=f"briefgen deployment {deployment}"[:63])


def migrate(conn: Any, deployment: str) -> None:
    """Create or bring up to date the deployment's shared tables, one process at a time."""
    schema = shared_schema(deployment)
    key = lock_key("migrate", schema)
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        conn.execute("CREATE TABLE IF NOT EXISTS deployment_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM deployment_schema").fetchone()
        if row is None:
            conn.execute("INSERT INTO deployment_schema (version) VALUES (0)")
        version = row[0] if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with conn.transaction():
                for statement in (s.strip() for s in script.split(";")):
                    if statement:
                        conn.execute(statement)
                conn.execute("UPDATE deployment_schema SET version = %s", (number,))
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def pending_migrations(conn: Any, deployment: str) -> int:
    """How many of the shared tables' migrations a database still lacks."""
    row = conn.execute("SELECT to_regclass(%s)", (f"{shared_schema(deployment)}.deployment_schema",)).fetchone()
    if row is None or row[0] is None:
        return len(MIGRATIONS)
    version = conn.execute("SELECT version FROM deployment_schema").fetchone()
    return len(MIGRATIONS) - (version[0] if version else 0)


def start_cycle(conn: Any, brief: str, fire: int, day: str) -> bool:
    """Record that `brief`'s cycle of `fire` (epoch seconds) began; False when it already had."""
    row = conn.execute(
        "INSERT INTO cycles (brief, fire, brief_date) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING brief",
        (brief, fire, day),
    ).fetchone()
    return row is not None


def ensure_fetched(conn: Any, urls: Sequence[str], cycle: int, settings: FeedsConfig, *, wait: float = 600.0) -> int:
    """Fetch every URL not yet fetched for `cycle` (or later), each by one process only;
    wait for those another process is fetching. Returns how many this call fetched."""
    todo = [u for u in dict.fromkeys(urls) if not _fetched(conn, u, cycle)]
    mine: list[str] = []
    theirs: list[str] = []
    for url in todo:
        if conn.execute("SELECT pg_try_advisory_lock(%s)", (_key(url),)).fetchone()[0]:
            # Fetched by someone else between the first look and the lock?
            if _fetched(conn, url, cycle):
                conn.execute("SELECT pg_advisory_unlock(%s)", (_key(url),))
            else:
                mine.append(url)
        else:
            theirs.append(url)
    try:
        if mine:
            results = asyncio.run(_fetch_all(conn, mine, settings))
            for url, outcome in zip(mine, results, strict=True):
                _save(conn, url, cycle, outcome)
    finally:
        for url in mine:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_key(url),))
    for url in theirs:
        # Blocks until the fetching process lets go (or dies: its connection's locks go with it).
        conn.execute(f"SET lock_timeout = '{int(wait * 1000)}ms'")
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (_key(url),))
            conn.execute("SELECT pg_advisory_unlock(%s)", (_key(url),))
        finally:
            conn.execute("SET lock_timeout = 0")
        if not _fetched(conn, url, cycle):
            # The other process died mid-fetch: fetch it here.
            mine += [url] if ensure_fetched(conn, [url], cycle, settings, wait=wait) else []
    return len(mine)


# One HTTP client per worker process and feed settings, on the worker's event loop, and one
# pool of database connections: a fetch task costs a request, not a client and a connection.
# A client belongs to the loop that made it (its limits and connections are bound to it): a
# worker that lost the database runs a new loop, and must not reuse the old loop's clients.
_fetchers: dict[str, tuple[asyncio.AbstractEventLoop, Fetcher]] = {}
# Connections a process keeps to the shared tables (at least; fetch tasks ask for their concurrency).
POOL_SIZE = 8
_pools: dict[tuple[str, str], Any] = {}


def pool(url: str, deployment: str, size: int) -> Any:
    """This process's pool of connections to the deployment's shared schema."""
    from psycopg_pool import ConnectionPool

    key = (url, deployment)
    size = max(size, POOL_SIZE)
    if key not in _pools:
        _pools[key] = ConnectionPool(url, min_size=1, max_size=size, open=True, kwargs={
            "autocommit": True, "options": f"-c search_path={shared_schema(deployment)}",
            "application_name": f"briefgen deployment {deployment}"[:63]})
    return _pools[key]


async def fetch_one(url: str, deployment: str, feed: str, cycle: int, settings: FeedsConfig, *, size: int,
                    wait: float = 600.0) -> bool:
    """A fetch task's work, on the worker's event loop: fetch `feed` for `cycle` unless it was
    already, or another process is fetching it (then wait for that). Whether this call fetched it."""
    connections = pool(url, deployment, size)
    # Taken off the event loop: waiting for a free connection must not stop the fetches in flight.
    conn = await asyncio.to_thread(connections.getconn)
    try:
        if await asyncio.to_thread(_fetched, conn, feed, cycle):
            return False
        taken = await asyncio.to_thread(lambda: conn.execute("SELECT pg_try_advisory_lock(%s)", (_key(feed),)).fetchone()[0])
        if not taken:
            # Another process has it: the sync path waits for its lock, then checks.
            await asyncio.to_thread(ensure_fetched, conn, [feed], cycle, settings, wait=wait)
            return False
        try:
            if await asyncio.to_thread(_fetched, conn, feed, cycle):
                return False
            validators = await asyncio.to_thread(
                lambda: conn.execute("SELECT etag, last_modified FROM fetches WHERE url = %s", (feed,)).fetchone())
            fetcher = await _fetcher(settings)
            outcome = await _get(fetcher, feed, *(validators or (None, None)))
            await asyncio.to_thread(_save, conn, feed, cycle, outcome)
            return True
        finally:
            await asyncio.to_thread(conn.execute, "SELECT pg_advisory_unlock(%s)", (_key(feed),))
    finally:
        connections.putconn(conn)


async def _fetcher(settings: FeedsConfig) -> Fetcher:
    key = settings.model_dump_json()
    loop = asyncio.get_running_loop()
    held = _fetchers.get(key)
    if held is None or held[0] is not loop:
        # Another loop's client cannot even be closed from here: it is dropped with its loop.
        _fetchers[key] = (loop, await Fetcher(settings).__aenter__())
    return _fetchers[key][1]


async def close_fetchers() -> None:
    """Close the clients this loop made, before it ends (a worker's loop ends when the
    database goes away or the worker stops)."""
    loop = asyncio.get_running_loop()
    for key, (owner, fetcher) in list(_fetchers.items()):
        if owner is loop:
            del _fetchers[key]
            await fetcher.__aexit__(None, None, None)


def _key(url: str) -> int:
    return lock_key("fetch", url)


def _fetched(conn: Any, url: str, cycle: int) -> bool:
    row = conn.execute("SELECT cycle FROM fetches WHERE url = %s", (url,)).fetchone()
    return row is not None and row[0] >= cycle


@dataclass
class _Outcome:
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes | None = None
    final_url: str | None = None
    reason: str | None = None


async def _fetch_all(conn: Any, urls: Sequence[str], settings: FeedsConfig) -> list[_Outcome]:
    stored = {
        row[0]: (row[1], row[2])
        for row in conn.execute("SELECT url, etag, last_modified FROM fetches WHERE url = ANY(%s)", (list(urls),))
    }
    async with Fetcher(settings) as fetcher:
        return list(await asyncio.gather(*(_get(fetcher, u, *stored.get(u, (None, None))) for u in urls)))


async def _get(fetcher: Fetcher, url: str, etag: str | None, modified: str | None) -> _Outcome:
    """One conditional GET, its outcome kept whatever happens."""
    headers = {"Accept": ACCEPT_FEEDS}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    from ..ingest.fulltext import allowed

    try:
        # A public feed's redirects held to the internal-address rule, as a brief's own fetch holds them.
        response = await fetcher.get(url, headers, guard=lambda target: allowed(target, url, "redirect to"))
    except FetchError as error:
        return _Outcome(reason=error.reason)
    except Exception as exc:  # noqa: BLE001 - one feed's surprise must not stop the others
        return _Outcome(reason=f"unexpected error: {type(exc).__name__}: {exc}"[:200])
    return _Outcome(response.status, dict(response.headers), response.body, response.url)


def _save(conn: Any, url: str, cycle: int, outcome: _Outcome) -> None:
    now = datetime.now(UTC)
    if outcome.status == 304:
        # Not modified: the stored response stands, now good for this cycle too.
        conn.execute("UPDATE fetches SET cycle = %s, fetched_at = %s, reason = NULL, requests = requests + 1 WHERE url = %s",
                     (cycle, now, url))
        return
    headers = outcome.headers or {}
    conn.execute(
        "INSERT INTO fetches (url, cycle, fetched_at, status, headers, body, final_url, reason, etag, last_modified, requests)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1) ON CONFLICT (url) DO UPDATE SET"
        " cycle = EXCLUDED.cycle, fetched_at = EXCLUDED.fetched_at, status = EXCLUDED.status, headers = EXCLUDED.headers,"
        " body = CASE WHEN EXCLUDED.status IS NULL THEN fetches.body ELSE EXCLUDED.body END,"
        " final_url = EXCLUDED.final_url, reason = EXCLUDED.reason,"
        " etag = CASE WHEN EXCLUDED.status IS NULL THEN fetches.etag ELSE EXCLUDED.etag END,"
        " last_modified = CASE WHEN EXCLUDED.status IS NULL THEN fetches.last_modified ELSE EXCLUDED.last_modified END,"
        " requests = fetches.requests + 1",
        (url, cycle, now, outcome.status, json.dumps(headers), outcome.body, outcome.final_url, outcome.reason,
         headers.get("etag"), headers.get("last-modified")),
    )


class StoredTransport(httpx.AsyncBaseTransport):
    """Answers a brief's feed requests from the shared responses of the cycle; any other
    request (a full-text page) goes out over the network as usual."""

    def __init__(self, url: str, deployment: str, size: int = 0):
        self._url = url
        self._deployment = deployment
        self._size = size
        self._network = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        row = await asyncio.to_thread(self._row, str(request.url))
        if row is None:
            return await self._network.handle_async_request(request)
        status, headers_json, body, reason, etag, modified = row
        if status is None:
            # The shared fetch failed: the brief's health gives its reason as it was, as if it
            # had fetched itself (a ConnectError would make every reason "could not connect: ...").
            raise FetchError(reason or "the shared fetch failed")
        headers = json.loads(headers_json or "{}")
        # The brief's own validators: its last response is the stored one, nothing new for it.
        if etag and request.headers.get("if-none-match") == etag or (
            not etag and modified and request.headers.get("if-modified-since") == modified
        ):
            return httpx.Response(304, headers={k: v for k, v in headers.items() if k in ("etag", "last-modified")},
                                  request=request)
        # The body is stored decoded: say so, or the fetcher would inflate it again.
        headers.pop("content-encoding", None)
        headers.pop("transfer-encoding", None)
        headers["content-length"] = str(len(body or b""))
        # A stream, not `content=`: httpx reads `content` at once, and the fetcher reads the
        # raw stream itself (to count what each encoding layer unpacks).
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body or b""), request=request)

    def _row(self, url: str) -> tuple[Any, ...] | None:
        # The process's pool: a brief of hundreds of feeds is not hundreds of connections.
        with pool(self._url, self._deployment, self._size).connection() as conn:
            return conn.execute(  # type: ignore[no-any-return]
                "SELECT status, headers, body, reason, etag, last_modified FROM fetches WHERE url = %s", (url,)
            ).fetchone()

    async def aclose(self) -> None:
        await self._network.aclose()


def fetch_counts(conn: Any) -> dict[str, int]:
    """How many requests each URL's shared fetches made (for status and tests)."""
    return {row[0]: row[1] for row in conn.execute("SELECT url, requests FROM fetches")}

