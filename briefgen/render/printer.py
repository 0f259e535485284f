"""The PDF printer in a process of its own, started before analysis begins.

WeasyPrint takes most of a second to import (Pango, fonts, cffi) and a cold `briefgen
generate` spends as long again analysing. Started at the top of the pipeline, a printer
process loads WeasyPrint on the other core meanwhile; once the HTML is ready it is printed
there (`pdf.print_pdf`, the same code and the same URL fetcher as in-process), so the
import no longer sits between analysis and the PDF. In a process that has WeasyPrint
loaded already (a scheduler's second brief, the tests) printing stays in-process.

The protocol on the worker's pipes: one JSON object in (`html`, `title`, `date`), then
"ok\\n" and the PDF bytes out, or "error\\n" and the reason in words.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import weakref
from collections.abc import Sequence

from ..errors import RenderError

log = logging.getLogger(__name__)
# The worker's warnings come from the PDF module; the parent logs them under its name.
PDF_LOG = "briefgen.render.pdf"
WARNING_PREFIX = b"briefgen printer: "


class PrintTimeout(RenderError):
    """The PDF took longer than `output.render_timeout`: the worker was stopped."""


class Printer:
    """A printer process waiting for its one page."""

    def __init__(self, proc: subprocess.Popen[bytes], timeout: float | None = None):
        self._proc = proc
        self.timeout = timeout
        self._sent: float | None = None
        # A brief that fails before rendering leaves the worker waiting: closing its input ends it.
        self._finalizer = weakref.finalize(self, _stop, proc)

    def send(self, html: str, title: str, day: str) -> None:
        """Hand over the page: the worker prints it while the caller renders other formats."""
        request = json.dumps({"html": html, "title": title, "date": day}).encode("utf-8")
        stdin = self._proc.stdin
        assert stdin is not None
        # Closed here, so the worker sees the end of its input and starts; communicate()
        # in result() must not touch it again.
        self._proc.stdin = None
        # The time limit runs from here: the worker may still be loading WeasyPrint.
        self._sent = time.monotonic()
        try:
            # The worker reads all of its input before it prints, so this never blocks for long.
            stdin.write(request)
        except OSError:
            pass  # the worker is gone: result() says why
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def result(self) -> bytes:
        """The PDF bytes of the page sent; RenderError when the worker could not print it."""
        remaining = None
        if self.timeout is not None:
            remaining = max(0.0, self.timeout - (time.monotonic() - (self._sent or time.monotonic())))
        try:
            out, err = self._proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            # _stop (the finalizer) kills the worker: a page that lays out forever ends here.
            assert self.timeout is not None
            raise PrintTimeout(
                f"the PDF took longer than {self.timeout:g} s to print (output.render_timeout); stopped"
            ) from None
        finally:
            self._finalizer()
        _relay(err)
        status, _, body = out.partition(b"\n")
        if status == b"ok":
            return body
        if status == b"error":
            raise RenderError(body.decode("utf-8", "replace"))
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {self._proc.returncode}"]
        raise RenderError(f"PDF printer failed: {detail[0]}")

    def close(self) -> None:
        self._finalizer()


def _relay(err: bytes) -> None:
    """The worker's warnings, logged here: a refused fetch is worth knowing in either process."""
    pdf_log = logging.getLogger(PDF_LOG)
    for line in err.splitlines():
        if line.startswith(WARNING_PREFIX):
            pdf_log.warning("%s", line[len(WARNING_PREFIX):].decode("utf-8", "replace"))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            proc.kill()
        except OSError:
            pass
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def start(formats: Sequence[str], timeout: float | None = None) -> Printer | None:
    """A printer for a run that writes a PDF, when a process of its own is worth it (or, with
    a `timeout`, needed); else None."""
    if "pdf" not in formats or ("weasyprint" in sys.modules and timeout is None):
        return None
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "briefgen.render.printer"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except OSError as exc:
        log.warning("no printer process (%s): printing in-process, without a time limit", exc)
        return None
    return Printer(proc, timeout)


def _serve() -> int:
    """The worker: load WeasyPrint, then print the one page that arrives on stdin."""
    from .pdf import print_pdf

    request = json.loads(sys.stdin.buffer.read() or b"null")
    if request is None:
        return 0  # the brief failed before rendering: nothing to print
    out = sys.stdout.buffer
    try:
        pdf = print_pdf(request["html"], request["title"], request["date"])
    except RenderError as exc:
        out.write(b"error\n" + str(exc).encode("utf-8"))
        return 1
    out.write(b"ok\n" + pdf)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR, format=WARNING_PREFIX.decode() + "%(message)s")
    # briefgen's own warnings (a refused fetch) go to the parent; WeasyPrint's stay quiet.
    logging.getLogger("briefgen").setLevel(logging.WARNING)
    sys.exit(_serve())
