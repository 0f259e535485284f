"""Full text for `fulltext: true` sources: an item's web page reduced to its article text."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor

from .clean import clean_lines, split_lines
from .fetch import Fetcher, FetchError

log = logging.getLogger(__name__)

ACCEPT_PAGES = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"


async def page_text(fetcher: Fetcher, url: str, timeout: float, pool: Executor) -> str | None:
    """The article text of the page at `url`, or None (and a log line) if it cannot be had
    within `timeout` seconds: the caller then keeps the feed's summary."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + timeout
    try:
        response = await fetcher.get(url, {"Accept": ACCEPT_PAGES}, deadline=timeout, retries=0)
        # Extraction runs on a worker thread; past the deadline its result is abandoned.
        text = await asyncio.wait_for(loop.run_in_executor(pool, extract, response.body), max(ends - loop.time(), 0.01))
    except FetchError as error:
        log.info("full text of %s: %s; keeping the feed's summary", url, error.reason)
        return None
    except TimeoutError:
        log.info("full text of %s: extraction took over %g s; keeping the feed's summary", url, timeout)
        return None
    if not text:
        log.info("full text of %s: no article text found; keeping the feed's summary", url)
    return text or None


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

