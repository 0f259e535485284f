"""Render stage: one brief becomes the bytes of each requested format."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..errors import RenderError

if TYPE_CHECKING:
    from ..config import Config
    from ..models import Brief
    from .printer import ForkedPrinter, Printer

log = logging.getLogger(__name__)

__all__ = ["Rendered", "default_templates_dir", "render", "render_html", "render_markdown", "start_printer"]


class Rendered(dict[str, bytes]):
    """Format -> bytes of each format rendered; `failed` is format -> why, for a requested
    format that was not made while the others were (a PDF past `output.render_timeout`)."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: dict[str, str] = {}

    @classmethod
    def ordered(cls, out: Rendered, formats: Sequence[str]) -> Rendered:
        """`out` with its formats in the order asked for."""
        ordered = cls()
        ordered.update((f, out[f]) for f in formats if f in out)
        ordered.failed = out.failed
        return ordered


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


def start_printer(formats: Sequence[str], timeout: float | None = None) -> Printer | ForkedPrinter | None:
    """Start loading the PDF engine in a process of its own, for a run that writes a PDF
    (see `printer`): call it before the slow stages, hand the result to `render`. With a
    `timeout` (seconds) the PDF is always printed in a process that can be stopped."""
    from . import printer

    return printer.start(formats, timeout)


def render(
    brief: Brief, config: Config, formats: Sequence[str], printer: Printer | ForkedPrinter | None = None
) -> Rendered:
    """The brief in each of `formats` ("html", "pdf", "json", "md"), as UTF-8 or PDF bytes;
    the PDF by `printer` when one was started, or by one started here when
    `output.render_timeout` sets a limit. A PDF past the limit is left out (in `failed`),
    and the other formats say so in their source notes."""
    from ..config import FORMATS
    from ..models import SourceNote
    from .printer import PrintTimeout

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown output format: {', '.join(unknown)}")
    formats = list(dict.fromkeys(formats))
    limit = config.output.render_timeout
    if printer is None and "pdf" in formats and limit is not None:
        printer = start_printer(["pdf"], limit)

    def ready(medium: str, page: str) -> None:
        if medium == "print" and printer is not None:
            # Printing starts now, in its own process, while the other formats render here.
            printer.send(page, brief.title, brief.date.isoformat())

    out = Rendered()
    try:
        # The PDF is the HTML page printed, from a rendering of its own: `output.appendix`
        # may put the appendix in the page and not in the PDF (or collapsed in one, open in
        # the other). Its page comes first: the PDF is what a large day's run waits for last.
        pages = _pages(brief, config, [m for f, m in (("pdf", "print"), ("html", "screen")) if f in formats], ready)
        html, printed = pages.get("screen", ""), pages.get("print", "")
        _text_formats(out, brief, config, formats, html)
    except BaseException:
        if printer is not None:
            printer.close()  # a template that fails here must not leave the printer running
        raise
    if "pdf" not in formats:
        return out
    log.debug("rendering pdf")
    try:
        if printer is not None:
            out["pdf"] = printer.result()
        else:
            # Imported here: WeasyPrint loads Pango and fonts, which other formats never need.
            from .pdf import render_pdf

            out["pdf"] = render_pdf(brief, config, html=printed)
    except PrintTimeout as exc:
        log.warning("PDF not made: %s; the other formats are written without it", exc)
        out.failed["pdf"] = str(exc)
        # The reader of the HTML, JSON or Markdown learns why there is no PDF beside it.
        brief.notes.append(SourceNote("PDF", f"brief-{brief.date.isoformat()}.pdf", f"not made: {exc}", "warning"))
        _text_formats(out, brief, config, formats, _pages(brief, config, ["screen"])["screen"] if "html" in formats else "")
    return Rendered.ordered(out, formats)


def _pages(
    brief: Brief, config: Config, media: Sequence[str], ready: Callable[[str, str], None] | None = None
) -> dict[str, str]:
    from .html import render_pages

    return render_pages(brief, config, media, ready) if media else {}


def _text_formats(out: Rendered, brief: Brief, config: Config, formats: Sequence[str], html: str) -> None:
    """HTML, Markdown and JSON into `out`, for those of them in `formats`."""
    for fmt in formats:
        log.debug("rendering %s", fmt)
        if fmt == "html":
            out[fmt] = html.encode("utf-8")
        elif fmt == "md":
            from .markdown import render_markdown

            out[fmt] = render_markdown(brief, config).encode("utf-8")
        elif fmt == "json":
            from .jsonout import to_json_bytes

            out[fmt] = to_json_bytes(brief)
