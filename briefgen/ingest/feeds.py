"""Feed sources: fetched concurrently and politely, incrementally (conditional GET), each
ending as articles plus one source-health row; a failing feed never stops the others."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from .. import forking
from ..config import Config, SourceConfig
from ..models import DATE_HTML_METADATA, Article, FeedState, IngestResult, SourceHealth
from ..pause import pause_at
from ..redact import hide_url_secrets
from ..sanitise import one_line
from .entries import Entry, NotAFeed, parse_feed, to_article
from .fetch import ACCEPT_FEEDS, Fetcher, FetchError
from .fulltext import allowed, read_page
from .limits import Limits
from .limits import paragraphs as within_caps
from .progress import Progress

if TYPE_CHECKING:
    from . import IngestContext

log = logging.getLogger(__name__)
T = TypeVar("T")
# Feeds to fetch from which parsing moves to worker processes.
PROCESS_MIN_FEEDS = 8


@dataclass
class _Outcome:
    health: SourceHealth
    articles: list[Article] = field(default_factory=list)
    state: FeedState | None = None


def read_feeds(sources: Sequence[SourceConfig], config: Config, context: IngestContext) -> IngestResult:
    """Fetch and parse every feed source at once, within the limits of `config.feeds`."""
    processes = _parser_processes(sources, context)
    try:
        outcomes = run(_read_all(sources, config, context, processes))
    finally:
        if processes is not None:
            processes.shutdown(wait=True, cancel_futures=True)
    result = IngestResult()
    for outcome in outcomes:
        result.articles.extend(outcome.articles)
        result.health.append(outcome.health)
        if outcome.state is not None:
            result.feeds.append(outcome.state)
    return result


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from synchronous code, even inside someone else's event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # A caller with its own loop running (a scheduler): ours gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, coroutine).result()


def _parser_processes(sources: Sequence[SourceConfig], context: IngestContext) -> Executor | None:
    """Worker processes for parsing (see `forking`), when a run fetches enough feeds to keep
    them busy; None (threads) otherwise. Forked before the run's own threads and event loop."""
    fetched = sum(1 for s in sources if s.fetch) if not context.offline else 0
    if fetched < PROCESS_MIN_FEEDS:
        return None
    pool = forking.pool()
    if pool is not None:
        log.debug("parsing %d feeds on %d worker processes", fetched, pool._max_workers)  # noqa: SLF001
    return pool


async def _read_all(
    sources: Sequence[SourceConfig], config: Config, context: IngestContext, processes: Executor | None
) -> list[_Outcome]:
    # Parsing and extraction are CPU work: off the event loop, on threads of their own, so
    # an abandoned (timed-out) extraction never holds up the end of the run.
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="briefgen-parse")
    try:
        async with Fetcher(config.feeds, context.transport) as fetcher:
            with Progress(len(sources), enabled=context.progress) as progress:

                async def one(source: SourceConfig) -> _Outcome:
                    outcome = await _read_one(source, config, context, fetcher, pool, processes or pool)
                    progress.done(outcome.health)
                    return outcome

                tasks = [asyncio.ensure_future(one(s)) for s in sources]
                limit = config.feeds.run_deadline
                _, late = await asyncio.wait(tasks, timeout=limit) if tasks else (set(), set())
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
                outcomes = []
                for source, task in zip(sources, tasks, strict=True):
                    if task.cancelled():
                        outcome = _Outcome(_late(source, fetcher, limit or 0))
                        progress.done(outcome.health)
                        outcomes.append(outcome)
                    else:
                        outcomes.append(task.result())
                return outcomes
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _late(source: SourceConfig, fetcher: Fetcher, limit: float) -> SourceHealth:
    """The health of a feed the run's `feeds.run_deadline` stopped: in flight, or never asked."""
    url = source.url or ""
    why = f"the run's feed deadline of {limit:g} s (feeds.run_deadline) passed"
    if url in fetcher.requested:
        return SourceHealth(source.name, url, "failed", f"timed out: {why}")
    return SourceHealth(source.name, url, "failed", f"not requested: {why} while it waited for its host")


def _parse(
    body: bytes, headers: dict[str, str], url: str, source: SourceConfig, now: datetime, caps: Limits,
    max_items: int,
) -> tuple[int, list[Article], str | None]:
    """A feed response's entries as articles, how many entries there were, and what the
    caps cut (in words, for source health): run by the parser."""
    notes: list[str] = []
    entries = parse_feed(body, headers, url, notes)
    total = len(entries)
    if total > max_items:
        entries = newest(entries, max_items)
        notes.append(f"{total - max_items:,} of {total:,} items dropped: only the newest {max_items:,} "
                     "are taken (feeds.max_items)")
    converted = [to_article(e, source, now, caps) for e in entries]
    articles = [c.article for c in converted if c.article is not None]
    cut = [c for c in converted if c.cuts]
    if cut:
        why = "; ".join(dict.fromkeys(w for c in cut for w in c.cuts))
        notes.append(f"{len(cut)} item{'s' if len(cut) > 1 else ''} cut to size ({why})")
    return total, articles, "; ".join(notes) or None


def newest(entries: list[Entry], count: int) -> list[Entry]:
    """The `count` newest entries, in feed order; undated ones rank below dated ones, and
    among themselves as the feed lists them (feeds put the newest first)."""
    def age(n: int) -> tuple[bool, float, int]:
        published = entries[n].published
        return published is None, -published.timestamp() if published else 0.0, n

    keep = sorted(sorted(range(len(entries)), key=age)[:count])
    return [entries[n] for n in keep]


async def _read_one(
    source: SourceConfig, config: Config, context: IngestContext, fetcher: Fetcher, pool: ThreadPoolExecutor,
    parser: Executor,
) -> _Outcome:
    assert source.url is not None
    url = source.url
    started = time.perf_counter()

    def health(status: str, reason: str | None = None, items: int = 0) -> SourceHealth:
        # A reason may quote a server (a redirect's target, an error's words): one clean line,
        # without the feed URL's secrets (an error may repeat its token on its own).
        reason = hide_url_secrets(one_line(reason), url) if reason else reason
        return SourceHealth(source.name, url, status, reason, items=items,
                            duration=round(time.perf_counter() - started, 2))

    if context.offline or not source.fetch:
        why = "--offline" if context.offline else "fetch: false"
        return _Outcome(SourceHealth(source.name, url, "offline", f"{why}: stored items only"))
    try:
        headers = {"Accept": ACCEPT_FEEDS}
        stored = context.store.feed_state(source.name, url) if context.store is not None else None
        if stored is not None:
            if stored.etag:
                headers["If-None-Match"] = stored.etag
            if stored.last_modified:
                headers["If-Modified-Since"] = stored.last_modified
        # A public feed's redirects are held to the rule its items' links are: never inward.
        response = await fetcher.get(url, headers, guard=lambda target: allowed(target, url, "redirect to"))
        pause_at("fetch")
        if response.status == 304:
            return _Outcome(health("not modified"))
        loop = asyncio.get_running_loop()
        entries, articles, cut = await loop.run_in_executor(
            parser, _parse, response.body, dict(response.headers), response.url, source, context.now, Limits.of(config),
            config.feeds.max_items,
        )
        if source.fulltext:
            articles = await _with_full_text(articles, url, config, context, fetcher, pool)
        state = FeedState(source.name, url, response.headers.get("etag"), response.headers.get("last-modified"))
        return _Outcome(health("ok", cut if entries else "empty feed", items=len(articles)), articles, state)
    except FetchError as error:
        return _Outcome(health("failed", error.reason))
    except NotAFeed as error:
        return _Outcome(health("failed", str(error)))
    except Exception as exc:  # noqa: BLE001 - a bug or a parser crash on one feed must not stop the rest
        log.debug("%s: unexpected error", source.name, exc_info=True)
        return _Outcome(health("failed", f"unexpected error: {type(exc).__name__}: {exc}"[:200]))


async def _with_full_text(
    articles: list[Article], feed_url: str, config: Config, context: IngestContext, fetcher: Fetcher, pool: ThreadPoolExecutor
) -> list[Article]:
    """Articles whose text is their page's, for items new to the store; the rest unchanged.
    An item the feed gives no date takes the one its page's metadata declares."""

    async def upgrade(article: Article) -> Article:
        if not article.url or (context.store is not None and context.store.knows(article)):
            return article
        if not await allowed(article.url, feed_url):
            return article
        page = await read_page(fetcher, article.url, config.feeds.fulltext_timeout, pool, config.tz, feed_url)
        if page is None:
            return article
        if page.text:
            article = replace(article, text=within_caps(page.text, Limits.of(config))[0])
        if article.published is None and page.published is not None:
            article = replace(article, published=page.published, date_basis=DATE_HTML_METADATA)
        return article

    return list(await asyncio.gather(*(upgrade(a) for a in articles)))

