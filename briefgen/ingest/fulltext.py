"""Full text for `fulltext: true` sources: an item's web page reduced to its article text."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

from .clean import clean_lines, split_lines
from .fetch import Fetcher, FetchError
from .pagedate import metadata_date

log = logging.getLogger(__name__)

ACCEPT_PAGES = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"


@dataclass(frozen=True)
class Page:
    """What an item's web page gave: its article text ('' when none was found) and the
    publication date its metadata declares (None when it declares none)."""

    text: str
    published: datetime | None = None


async def read_page(
    fetcher: Fetcher, url: str, timeout: float, pool: Executor, tz: tzinfo, feed_url: str | None = None
) -> Page | None:
    """The page at `url` reduced to its article text and date, or None (and a log line) if
    it cannot be had within `timeout` seconds: the caller then keeps the feed's summary."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + timeout
    try:
        # Every redirect hop is held to the same rule as the item's own link.
        guard = (lambda target: allowed(target, feed_url)) if feed_url else None
        response = await fetcher.get(url, {"Accept": ACCEPT_PAGES}, deadline=timeout, retries=0, guard=guard)
        # Extraction runs on a worker thread; past the deadline its result is abandoned.
        page = await asyncio.wait_for(
            loop.run_in_executor(pool, extract_page, response.body, tz), max(ends - loop.time(), 0.01)
        )
    except FetchError as error:
        log.info("full text of %s: %s; keeping the feed's summary", url, error.reason)
        return None
    except TimeoutError:
        log.info("full text of %s: extraction took over %g s; keeping the feed's summary", url, timeout)
        return None
    if not page.text:
        log.info("full text of %s: no article text found; keeping the feed's summary", url)
    return page


def internal(url: str) -> bool:
    """Whether a URL's host is (or resolves to) a loopback, private, link-local or reserved
    address; behind a proxy, also a host our resolver does not know (the proxy may)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True  # RFC 6761: loopback, whatever a resolver says
    try:
        if host == "invalid" or host.endswith(".invalid"):
            raise OSError("RFC 6761: never resolves")  # and is never asked of a resolver
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        # Unresolvable: fetched directly, it fails and says so; through a proxy, the proxy
        # resolves it, perhaps to its own network, so it counts as internal.
        return proxied(url)
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


async def _internal(url: str) -> bool:
    """`internal`, on a worker thread only when a name must be resolved: an address or a
    special name is judged at once, so a redirect hop never queues behind lookups."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = not host or host in ("localhost", "invalid") or host.endswith((".localhost", ".invalid"))
    if literal:
        return internal(url)
    return await asyncio.get_running_loop().run_in_executor(None, internal, url)


def proxied(url: str) -> bool:
    """Whether the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) sends `url`
    through a proxy, as httpx reads it."""
    import urllib.request

    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(parts.scheme.lower()) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass_environment(parts.netloc, proxies)


async def allowed(page_url: str, feed_url: str, what: str = "full text of") -> bool:
    """A public feed may not point briefgen at the private network: an item link (or the
    feed's own redirect) to an internal address is followed only when the feed itself is
    internal (a company feed)."""
    page, feed = await asyncio.gather(_internal(page_url), _internal(feed_url))
    if page and not feed:
        log.warning("%s %s: refused, an internal address reached from the public feed %s", what, page_url, feed_url)
        return False
    return True


def extract_page(html: bytes, tz: tzinfo) -> Page:
    """A page's article text (`extract`) and the date its metadata declares."""
    return Page(extract(html), metadata_date(html, tz))


def extract(html: bytes) -> str:
    """Main text of a page as clean paragraphs ('' when there is none); trafilatura finds
    the page's encoding itself (its meta charset, else by detection)."""
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, include_links=False)
    except Exception as exc:  # trafilatura and lxml raise many kinds on junk pages
        log.debug("trafilatura failed: %s", exc)
        return ""
    return "\n\n".join(clean_lines(split_lines(text or "")))

