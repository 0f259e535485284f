"""Feeds served over real HTTP on 127.0.0.1, with a fixed latency before every answer.

One asyncio loop on a thread of its own serves every port, so a hundred sites cost one
thread, not a hundred. Each site (port) serves a few feeds; ETag and Last-Modified are
honoured (304 for an unchanged feed). Real feeds live on many hosts, and briefgen limits
requests per host (`feeds.per_host`), so a benchmark of many feeds spreads them over many
ports: the fetcher counts a host by name and port.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from dataclasses import dataclass

LAST_MODIFIED = "Wed, 17 Jan 2024 09:00:00 GMT"


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str


class FeedSites:
    """`with FeedSites(docs, per_site=2, latency=0.2) as sites: sites.urls` -> one URL per document."""

    def __init__(self, docs: list[bytes], *, per_site: int = 2, latency: float = 0.2):
        self.latency = latency
        self.per_site = per_site
        self._feeds = [Feed(doc, '"' + hashlib.sha1(doc).hexdigest()[:16] + '"') for doc in docs]
        self.urls: list[str] = []
        self.requests = 0
        self.not_modified = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.base_events.Server] = []

    def __enter__(self) -> FeedSites:
        self._thread.start()
        self.urls = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result()
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> list[str]:
        urls = []
        for first in range(0, len(self._feeds), self.per_site):
            feeds = self._feeds[first : first + self.per_site]
            server = await asyncio.start_server(lambda r, w, f=feeds: self._serve(r, w, f), "127.0.0.1", 0)
            self._servers.append(server)
            port = server.sockets[0].getsockname()[1]
            urls += [f"http://127.0.0.1:{port}/feed/{n}.xml" for n in range(len(feeds))]
        return urls

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        # Keep-alive connections are left to end with the loop.

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, feeds: list[Feed]) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _version = (lines[0].split(" ") + ["", ""])[:3]
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                await asyncio.sleep(self.latency)
                self.requests += 1
                feed = self._find(feeds, path)
                close = headers.get("connection", "").lower() == "close"
                if feed is None or method != "GET":
                    status, extra, body = "404 Not Found", {"Content-Type": "text/plain"}, b"not found"
                elif headers.get("if-none-match") == feed.etag or headers.get("if-modified-since") == LAST_MODIFIED:
                    self.not_modified += 1
                    status, extra, body = "304 Not Modified", {"ETag": feed.etag, "Last-Modified": LAST_MODIFIED}, b""
                else:
                    status, extra, body = "200 OK", {
                        "Content-Type": "application/rss+xml; charset=utf-8",
                        "ETag": feed.etag,
                        "Last-Modified": LAST_MODIFIED,
                    }, feed.body
                out = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in extra.items())]
                if close:
                    out.append("Connection: close")
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + (body if not status.startswith("304") else b""))
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    @staticmethod
    def _find(feeds: list[Feed], path: str) -> Feed | None:
        name = path.split("?", 1)[0].removeprefix("/feed/").removesuffix(".xml")
        return feeds[int(name)] if name.isdigit() and int(name) < len(feeds) else None
