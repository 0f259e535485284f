"""A webhook receiver on 127.0.0.1 (http.server): records every POST, and can fail or hang."""

from __future__ import annotations

import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Post:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    answered: int


@dataclass
class Receiver:
    """`with Receiver() as hook:` then `hook.url`; `fail_first` answers 500, `hang_first` never answers."""

    fail_first: int = 0
    hang_first: int = 0
    posts: list[Post] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if receiver.hang_first > 0:
                    receiver.hang_first -= 1
                    receiver.posts.append(Post(self.path, body, dict(self.headers), 0))
                    time.sleep(30)  # the client's timeout decides; the server never answers
                    return
                status = 500 if receiver.fail_first > 0 else 200
                receiver.fail_first -= status == 500
                receiver.posts.append(Post(self.path, body, dict(self.headers), status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/hook"

    def delivered(self) -> list[Post]:
        return [p for p in self.posts if p.answered == 200]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
