"""A real HTTP server on 127.0.0.1 for feed tests: fixture routes with validators, gzip,
slow and trickling bodies, errors, Retry-After and redirects, and a log of every request."""

from __future__ import annotations

import gzip
import http.server
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/rss+xml; charset=utf-8"})
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None          # "gzip", "deflate", "br" or a stack ("gzip, br"): compress the body and say so
    raw_encoding: bool = False           # the body is already compressed: only send the header
    stall: float = 0.0                   # seconds of silence after the headers, before the body
    trickle: float = 0.0                 # seconds between single bytes of the body
    fail_first: int = 0                  # the first N requests get `fail_status`
    fail_status: int = 503
    retry_after: str | None = None
    delay: float = 0.0                   # seconds before answering at all
    no_length: bool = False              # no Content-Length: the body ends when the connection closes
    stall_after: int | None = None       # send this many bytes of the body, then `stall` seconds of silence


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up mid-answer (a timeout under test) is expected


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int
    # When the answer began (time.monotonic(), after any `delay`): orders hits across servers.
    at: float = field(default_factory=time.monotonic)


class FeedServer:
    """Start with `with FeedServer() as server:`; add routes, then use `server.url(path)`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def serve_corpus_file(self, path: str, file: Path) -> None:
        """A corpus file with the headers its `Header:` comment lines ask for (as feedparser's
        own test server does); .gz and .z files go out as gzip and deflate encodings."""
        data = file.read_bytes()
        route = Route(body=data, headers={"Content-Type": "application/xml"})
        for name, value in re.findall(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", data[:2048], re.M):
            key, text = name.decode("latin-1"), value.decode("latin-1")
            if key.lower() == "status":
                route.status = int(text)
            elif key.lower() == "location":
                route.headers["Location"] = text.replace("http://localhost:8097/tests/", self.base + "/feedparser-tests/")
            elif key.lower() == "content-type":
                route.headers["Content-Type"] = text
            elif key.lower() == "etag":
                route.etag = text
            elif key.lower() == "last-modified":
                route.last_modified = text
            else:
                route.headers[key] = text
        if file.suffix in (".gz", ".z"):
            route.encoding = "gzip" if file.suffix == ".gz" else "deflate"
            route.raw_encoding = True
        self.routes[path] = route

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout under test): nothing to tell
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self) -> None:
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None and self.path.startswith("http://"):
                    # A request for an absolute URL: this server is acting as a proxy. Routes
                    # may be keyed by the whole URL (another "host"), else by its path.
                    route = server.routes.get(urlsplit(self.path).path)
                headers = {k: v for k, v in self.headers.items()}
                if route is None:
                    return self._send(404, {"Content-Type": "text/plain"}, b"not found", headers)
                if route.delay:
                    server._stop.wait(route.delay)
                earlier = len(server.hits_for(self.path))
                if earlier < route.fail_first:
                    extra = {"Retry-After": route.retry_after} if route.retry_after else {}
                    return self._send(route.fail_status, {"Content-Type": "text/plain", **extra}, b"try later", headers)
                validators = {}
                if route.etag:
                    validators["ETag"] = route.etag
                if route.last_modified:
                    validators["Last-Modified"] = route.last_modified
                if route.status == 200 and (
                    (route.etag and self.headers.get("If-None-Match") == route.etag)
                    or (route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified)
                ):
                    return self._send(304, validators, b"", headers)
                body = route.body
                out = {**route.headers, **validators}
                if route.encoding:
                    if not route.raw_encoding:
                        body = pack(body, route.encoding)
                    out["Content-Encoding"] = route.encoding
                self._send(route.status, out, body, headers, route)

            def _send(self, status: int, headers: dict[str, str], body: bytes, request: dict[str, str],
                      route: Route | None = None) -> None:
                with server._lock:
                    server.hits.append(Hit(self.path, request, status))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if route is not None and route.no_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if route is not None and route.stall_after is not None:
                    # Headers and the first part of the body, then nothing: a stall mid-way.
                    self.wfile.write(body[: route.stall_after])
                    self.wfile.flush()
                    server._stop.wait(route.stall)
                    return
                if route is not None and route.stall:
                    self.wfile.flush()
                    server._stop.wait(route.stall)
                if route is not None and route.trickle:
                    for i in range(len(body)):
                        if server._stop.is_set():
                            return
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        server._stop.wait(route.trickle)
                    return
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def pack(body: bytes, encoding: str) -> bytes:
    """`body` compressed with each encoding of a Content-Encoding header, in the order listed."""
    for name in (n.strip() for n in encoding.split(",")):
        if name == "gzip":
            body = gzip.compress(body, compresslevel=9)
        elif name == "deflate":
            body = zlib.compress(body, 9)
        elif name == "br":
            import brotli

            body = brotli.compress(body, quality=5)
        else:
            raise ValueError(f"the feed server cannot pack {name!r}")
    return body


def rss(items: list[dict[str, str]], title: str = "Fixture feed", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document; each item may give guid, title, link, description (HTML), date
    (RFC 822). Values are put in as they are: escape them in the fixture if need be.
    `encoding` is declared and used (a Korean feed in "euc-kr")."""
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>{title}</title>'
             "<link>http://127.0.0.1/</link><description>fixture</description>"]
    for item in items:
        parts.append("<item>")
        for key, tag in (("guid", "guid"), ("title", "title"), ("link", "link"), ("date", "pubDate")):
            if key in item:
                parts.append(f"<{tag}>{item[key]}</{tag}>")
        if "description" in item:
            parts.append(f"<description><![CDATA[{item['description']}]]></description>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode(encoding)


def with_doctype(feed: bytes, doctype: str) -> bytes:
    """A feed document with a DOCTYPE (and whatever it declares) after its XML declaration."""
    declaration, _, rest = feed.partition(b"\n")
    return declaration + b"\n" + doctype.encode("utf-8") + b"\n" + rest
