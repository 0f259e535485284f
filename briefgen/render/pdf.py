"""The brief as an A4 PDF: the HTML page laid out by WeasyPrint, with nothing fetched."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import weasyprint
from weasyprint.urls import URLFetcher

from ..errors import RenderError

if TYPE_CHECKING:
    # Only for render_pdf: the printer process (print_pdf) loads WeasyPrint and nothing else.
    from ..config import Config
    from ..models import Brief

log = logging.getLogger(__name__)


class DataOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that resolves data: URIs and refuses every other URL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)

    def fetch(self, url: str, headers: Any = None) -> Any:
        # Templates and article text are untrusted: printing a brief must never read a
        # local file or make a request (file disclosure, SSRF, tracking pixels).
        if not url.lower().startswith("data:"):
            log.warning("PDF: refused to fetch %s", url[:200])
            raise ValueError(f"briefgen fetches nothing: {url[:200]}")
        return super().fetch(url, headers)


def render_pdf(
    brief: Brief, config: Config, html: str | None = None, url_fetcher: URLFetcher | None = None
) -> bytes:
    """The brief as PDF bytes, laid out from `html` when given, else from the templates."""
    if html is None:
        from .html import render_html

        html = render_html(brief, config, "print")
    return print_pdf(html, brief.title, brief.date.isoformat(), url_fetcher)


def print_pdf(html: str, title: str, day: str, url_fetcher: URLFetcher | None = None) -> bytes:
    """An HTML page printed to PDF, with the brief's metadata (also run by `printer`'s worker)."""
    try:
        document = weasyprint.HTML(
            string=html,
            base_url=None,
            url_fetcher=url_fetcher or DataOnlyFetcher(),
            media_type="print",
        ).render()
        # The same brief gives the same metadata whenever it is printed.
        document.metadata.title = title
        document.metadata.created = day
        document.metadata.modified = day
        document.metadata.generator = "briefgen"
        return document.write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one line
        lines = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
        raise RenderError(f"PDF engine failed: {detail}") from exc
