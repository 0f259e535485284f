"""Render stage: one brief becomes the bytes of each requested format."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import RenderError

if TYPE_CHECKING:
    from ..config import Config
    from ..models import Brief
    from .printer import Printer

log = logging.getLogger(__name__)

__all__ = ["default_templates_dir", "render", "render_html", "render_markdown", "start_printer"]


def __getattr__(name: str) -> object:
    # The formats' modules load when first used, not with the package: the printer
    # process (printer.py) lives in this package and needs none of them.
    if name in ("default_templates_dir", "render_html"):
        from . import html

        return getattr(html, name)
    if name == "render_markdown":
        from .markdown import render_markdown

        return render_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def start_printer(formats: Sequence[str]) -> Printer | None:
    """Start loading the PDF engine in a process of its own, for a run that writes a PDF
    (see `printer`): call it before the slow stages, hand the result to `render`."""
    from . import printer

    return printer.start(formats)


def render(brief: Brief, config: Config, formats: Sequence[str], printer: Printer | None = None) -> dict[str, bytes]:
    """The brief in each of `formats` ("html", "pdf", "json", "md"), as UTF-8 or PDF bytes;
    the PDF by `printer` when one was started."""
    from ..config import FORMATS
    from .html import render_html
    from .markdown import render_markdown

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown output format: {', '.join(unknown)}")
    out: dict[str, bytes] = {}
    # The PDF is the HTML page printed: render the page once and use it for both.
    html = render_html(brief, config) if {"html", "pdf"} & set(formats) else ""
    if printer is not None and "pdf" in formats:
        # Printing starts now, in its own process, while the other formats render here.
        printer.send(html, brief.title, brief.date.isoformat())
    for fmt in dict.fromkeys(formats):
        log.debug("rendering %s", fmt)
        if fmt == "html":
            out[fmt] = html.encode("utf-8")
        elif fmt == "pdf" and printer is not None:
            out[fmt] = printer.result()
        elif fmt == "pdf":
            # Imported here: WeasyPrint loads Pango and fonts, which other formats never need.
            from .pdf import render_pdf

            out[fmt] = render_pdf(brief, config, html=html)
        elif fmt == "md":
            out[fmt] = render_markdown(brief, config).encode("utf-8")
        elif fmt == "json":
            from .jsonout import to_json_bytes

            out[fmt] = to_json_bytes(brief)
    return out
