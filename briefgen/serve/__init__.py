"""`briefgen serve`: the archive of briefs as a small web application, and its search.

`app` holds the routes, `pages` what each page shows, `guard` what keeps it safe by
default; the SQL is the store's (`briefgen.store.search`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..config import Config
from .guard import check_bind

log = logging.getLogger(__name__)


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 8080, token: str | None = None,
          feedback: bool = False, out_dir: Path | None = None) -> None:
    """Answer on host:port until stopped (SIGINT or SIGTERM)."""
    import uvicorn

    from .app import create_app

    check_bind(host, token)
    app = create_app(config, out_dir, token=token, feedback=feedback)
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    log.info("serving the archive of %s on %s%s%s", app.state.archive.out_dir, where,
             " (token required)" if token else "", " (feedback enabled)" if feedback else " (read-only)")
    # uvicorn's own access log would print every query; briefgen's logging says what matters.
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
