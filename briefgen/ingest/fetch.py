"""Polite HTTP fetching for feeds and pages: bounded in time, size, redirects and concurrency.

Every failure becomes a `FetchError` whose message is the reason in words ("timed out
after 10 s", "HTTP 503", "too large: 12 MB > 5 MB"), ready for the brief's source health.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import logging
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from .. import __version__
from ..config import FeedsConfig
from ..sanitise import url_for_log
from .inflate import InflateError, Unpacker, accepted, human_size

log = logging.getLogger(__name__)

USER_AGENT = f"briefgen/{__version__} (+https://github.com/briefgen/briefgen)"
ACCEPT_FEEDS = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml,"
    " application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
REDIRECTS = {301, 302, 303, 307, 308}
HOST_NOT_FOUND = "host not found (DNS)"


class FetchError(Exception):
    """A request that gave no usable response; the message is the reason in words."""

    def __init__(self, reason: str, *, retry: bool = False, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        # Worth another attempt (timeouts, 429, 5xx), after `wait` seconds if the server said.
        self.retry = retry
        self.wait = wait


@dataclass(frozen=True)
class Response:
    """A complete response: 2xx with its (decompressed) body, or 304 with none."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Clock:
    """A fetch's deadline, started when its first request gets a slot: a feed queued
    behind others on a busy host has not begun, and must not time out for waiting."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timer: asyncio.Timeout, seconds: float) -> None:
        self._loop, self._timer, self._seconds = loop, timer, seconds
        self.ends = loop.time() + seconds

    def start(self) -> None:
        if self._timer.when() is None:
            self.ends = self._loop.time() + self._seconds
            self._timer.reschedule(self.ends)


class Fetcher:
    """The HTTP clients shared by every fetch of a run, with global and per-host limits.

    One client per host: a client keeps one pool of connections, and httpcore walks every
    connection of its pool each time a request starts or ends, so a single client for 200
    feeds on 100 hosts spent more time choosing connections than reading responses. A
    host's client holds `per_host` connections at most; all of them share one TLS context."""

    def __init__(self, settings: FeedsConfig, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._transport = transport
        # With a transport of the caller's (tests), one client over it; else one per host.
        self._client: httpx.AsyncClient | None = None
        self._clients: dict[tuple[str, str, int | None], httpx.AsyncClient] = {}
        self._options: dict[str, object] = {}
        self._tls: ssl.SSLContext | None = None
        self._open = False
        self._all = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        # One host never holds every slot: a slow one would stall all the others behind it.
        self._per_host = min(settings.per_host, max(1, settings.concurrency - 1))
        # The URLs whose first request got its slots (the rest are still queued, or were never asked).
        self.requested: set[str] = set()

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._options = {
            "timeout": httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=None),
            # Redirects are followed here, hop by hop, to count them, spot loops and keep
            # each hop inside the per-host limit.
            "follow_redirects": False,
            "headers": {"User-Agent": USER_AGENT, "Accept-Encoding": accepted()},
        }
        if self._transport is not None:
            self._client = httpx.AsyncClient(
                **self._options,  # type: ignore[arg-type]
                limits=httpx.Limits(max_connections=s.concurrency, max_keepalive_connections=s.concurrency),
                transport=self._transport,
            )
        else:
            # httpx's own default (certifi's roots), made once instead of once per client.
            import certifi

            self._tls = ssl.create_default_context(cafile=certifi.where())
        self._open = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._open = False
        clients = [*self._clients.values(), *([self._client] if self._client is not None else [])]
        self._clients.clear()
        for client in clients:
            await client.aclose()

    def _client_for(self, url: str) -> httpx.AsyncClient:
        assert self._open, "use Fetcher as an async context manager"
        if self._client is not None:
            return self._client
        parts = urlsplit(url)
        key = (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = httpx.AsyncClient(
                **self._options,  # type: ignore[arg-type]
                verify=self._tls,
                limits=httpx.Limits(max_connections=self._per_host, max_keepalive_connections=self._per_host),
            )
        return client

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """At most `per_host` requests to one host and `concurrency` in all, at any moment."""
        parts = urlsplit(url)
        host = f"{parts.hostname}:{parts.port or ''}"
        per_host = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host))
        # The host slot first: a request waiting for its host must not hold a global slot.
        async with per_host, self._all:
            yield

    async def get(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        deadline: float | None = None,
        retries: int | None = None,
        guard: Callable[[str], Awaitable[bool]] | None = None,
    ) -> Response:
        """GET `url` within the deadline, retrying timeouts, 429 and 5xx; raise FetchError otherwise.

        `guard` is asked before each redirect is followed; False stops the fetch."""
        deadline = deadline if deadline is not None else self.settings.deadline
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(None) as timer:
                clock = _Clock(loop, timer, deadline)
                return await self._attempts(url, dict(headers or {}), clock, retries, guard)
        except TimeoutError:
            raise FetchError(f"timed out after {deadline:g} s (the whole fetch)") from None

    async def _attempts(
        self, url: str, headers: dict[str, str], clock: _Clock, retries: int | None,
        guard: Callable[[str], Awaitable[bool]] | None,
    ) -> Response:
        settings = self.settings
        attempts = 1 + (settings.retries if retries is None else retries)
        loop = asyncio.get_running_loop()
        for attempt in range(1, attempts + 1):
            try:
                return await self._follow(url, headers, guard, clock)
            except FetchError as error:
                if not error.retry or attempt == attempts:
                    raise
                wait = error.wait if error.wait is not None else settings.backoff * 2 ** (attempt - 1)
                if error.wait is not None and error.wait > settings.retry_after_max:
                    raise FetchError(f"{error.reason} (asked to retry after {error.wait:g} s)") from None
                if loop.time() + wait >= clock.ends:
                    # Waiting would outlast the deadline: the server's answer is the reason.
                    raise
                log.info("%s: %s; retrying in %g s (attempt %d of %d)", url, error.reason, wait, attempt + 1, attempts)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _follow(
        self, url: str, headers: dict[str, str], guard: Callable[[str], Awaitable[bool]] | None, clock: _Clock,
    ) -> Response:
        """One attempt: the request and its redirects, hop by hop."""
        seen = [url]
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            async with self._slot(current):
                clock.start()
                self.requested.add(url)
                response = await self._request(current, headers)
            if response.status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {response.status} without a Location header")
                target = urljoin(current, location.strip())
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise FetchError("redirected to a non-HTTP URL")
                if target in seen:
                    raise FetchError("redirect loop")
                if guard is not None and not await guard(target):
                    raise FetchError(f"redirected to a refused address: {url_for_log(target)}")
                seen.append(target)
                current = target
                continue
            return response
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    async def _request(self, url: str, headers: dict[str, str]) -> Response:
        s = self.settings
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
        if host == "invalid" or host.endswith(".invalid"):
            # RFC 6761: such a name never resolves, and a resolver should not be asked.
            raise FetchError(f"could not connect: {HOST_NOT_FOUND}")
        try:
            async with self._client_for(url).stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 429 or 500 <= status < 600:
                    raise FetchError(f"HTTP {status}", retry=True, wait=retry_after(response.headers.get("retry-after")))
                if status in REDIRECTS or status == 304:
                    return Response(str(response.url), status, response.headers, b"")
                if not 200 <= status < 300:
                    raise FetchError(f"HTTP {status}")
                body = await _read(response, s.max_size)
                return Response(str(response.url), status, response.headers, body)
        except httpx.ConnectTimeout:
            raise FetchError(f"timed out after {s.connect_timeout:g} s connecting", retry=True) from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {s.read_timeout:g} s", retry=True) from None
        except httpx.DecodingError:
            raise FetchError("could not decompress the response") from None
        except httpx.ConnectError as exc:
            raise FetchError(f"could not connect: {_cause(exc)}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise FetchError(f"connection broken: {_cause(exc)}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise FetchError("not a fetchable URL") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"request failed: {_cause(exc)}") from None


async def _read(response: httpx.Response, limit: int) -> bytes:
    """The decoded body, or FetchError as soon as it (or any layer of its encoding) passes `limit` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"too large: {human_size(int(declared))} > {human_size(limit)}")
    chunks: list[bytes] = []
    size = 0
    try:
        # Raw bytes, unpacked here a bounded piece at a time and counted after decoding,
        # whatever the encoding or stack of encodings (see `inflate`).
        unpack = Unpacker(response.headers.get("content-encoding", ""), limit)
        async for chunk in response.aiter_raw():
            for piece in unpack.feed(chunk):
                size += len(piece)
                if size > limit:
                    raise FetchError(f"too large: over {human_size(limit)}")
                chunks.append(piece)
        for piece in unpack.flush():
            size += len(piece)
            if size > limit:
                raise FetchError(f"too large: over {human_size(limit)}")
            chunks.append(piece)
    except InflateError as error:
        raise FetchError(str(error)) from None
    return b"".join(chunks)


def _cause(exc: BaseException) -> str:
    """The innermost readable reason of a transport error ('connection refused', 'host not found')."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for error in chain:
        if isinstance(error, socket.gaierror):
            return HOST_NOT_FOUND
        if isinstance(error, ssl.SSLCertVerificationError):
            return "TLS certificate problem"
        if isinstance(error, ssl.SSLError):
            return "TLS error"
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, ConnectionResetError):
            return "connection reset"
        if isinstance(error, OSError) and error.errno == errno.ENETUNREACH:
            return "network unreachable"
    text = " ".join(str(e).strip() for e in chain if str(e).strip()).lower()
    for needle, words in (
        ("connection refused", "connection refused"),
        ("name or service not known", HOST_NOT_FOUND),
        ("temporary failure in name resolution", HOST_NOT_FOUND),
        ("server disconnected", "server closed the connection"),
    ):
        if needle in text:
            return words
    first = str(exc).strip().splitlines()
    return first[0][:120] if first else type(exc).__name__
