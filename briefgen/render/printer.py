"""The PDF printer in a process of its own, started before analysis begins.

WeasyPrint takes most of a second to import (Pango, fonts, cffi) and a cold `briefgen
generate` spends as long again analysing. Started at the top of the pipeline, a printer
process loads WeasyPrint on the other core meanwhile; once the HTML is ready it is printed
there (`pdf.print_pdf`, the same code and the same URL fetcher as in-process), so the
import no longer sits between analysis and the PDF. In a process that has WeasyPrint
loaded already (a scheduler's second brief, the tests) printing stays in-process, unless
`output.render_timeout` sets a limit: only a process of its own can be stopped when time
is up (WeasyPrint's documentation advises a time limit for untrusted HTML). Such a
process is forked, with WeasyPrint loaded already, when that is safe (no other threads);
else it is started afresh like the first.

The protocol on the worker's pipes: one JSON object in (`html`, `title`, `date`), then
"ok\\n" and the PDF bytes out, or "error\\n" and the reason in words; on stderr, one
line per warning (a refused fetch), which the parent logs as its own.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence

from ..errors import RenderError
from ..logs import SafeFormatter

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
        return _answer(out, err, self._proc.returncode)

    def close(self) -> None:
        self._finalizer()


class ForkedPrinter:
    """A printer forked from this process at `send`, with WeasyPrint loaded already: it
    starts in milliseconds, and is killed like a started one when time is up. A process
    with other threads by then cannot fork safely (see `forking`): it starts one afresh."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._started: Printer | None = None
        self._pid = 0
        self._fds: list[int] = []
        self._sent = 0.0
        self._finalizer: weakref.finalize | None = None

    def send(self, html: str, title: str, day: str) -> None:
        if threading.active_count() > 1 or not hasattr(os, "fork"):
            self._started = _spawn(self.timeout)
            if self._started is not None:
                self._started.send(html, title, day)
            return
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            raise RenderError(f"PDF printer failed: cannot fork ({exc.strerror or exc})") from None
        if pid == 0:
            # The child prints, answers and leaves without running the parent's finalisers
            # (a store connection, temporary files).
            code = 1
            try:
                os.close(out_r)
                os.close(err_r)
                code = _print_forked(html, title, day, out_w, err_w)
            finally:
                os._exit(code)
        os.close(out_w)
        os.close(err_w)
        self._pid, self._fds, self._sent = pid, [out_r, err_r], time.monotonic()
        # A brief that fails before asking for the result must not leave the child behind.
        self._finalizer = weakref.finalize(self, _reap, pid, [out_r, err_r])

    def result(self) -> bytes:
        """The PDF bytes of the page sent; RenderError when it could not be printed in time."""
        if self._started is not None:
            return self._started.result()
        if not self._pid:
            raise RenderError("PDF printer failed: no printer process could be started")
        chunks: dict[int, list[bytes]] = {fd: [] for fd in self._fds}
        ends = self._sent + self.timeout
        try:
            with selectors.DefaultSelector() as waiting:
                for fd in self._fds:
                    waiting.register(fd, selectors.EVENT_READ)
                while waiting.get_map():
                    left = ends - time.monotonic()
                    if left <= 0:
                        raise PrintTimeout(
                            f"the PDF took longer than {self.timeout:g} s to print (output.render_timeout); stopped"
                        )
                    for key, _ in waiting.select(left):
                        data = os.read(key.fd, 1 << 16)
                        if data:
                            chunks[key.fd].append(data)
                        else:
                            waiting.unregister(key.fd)
            out, err = (b"".join(chunks[fd]) for fd in self._fds)
        finally:
            status = self.close()
        return _answer(out, err, status)

    def close(self) -> int | None:
        """Stop the child if it still runs and let go of its pipes; its exit status."""
        if self._started is not None:
            self._started.close()
            return None
        return self._finalizer() if self._finalizer is not None else None


def _reap(pid: int, fds: list[int]) -> int:
    """Kill a forked printer (once it has answered, it is gone already), close its pipes,
    and return its exit status."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _print_forked(html: str, title: str, day: str, out: int, err: int) -> int:
    """In the forked child: print the page, answer on `out`, warnings on `err`."""
    from .pdf import print_pdf

    with os.fdopen(err, "w", encoding="utf-8") as warnings, os.fdopen(out, "wb") as answer:
        handler = logging.StreamHandler(warnings)
        # One line per warning, whatever a refused URL holds: the parent reads lines.
        handler.setFormatter(SafeFormatter(WARNING_PREFIX.decode() + "%(message)s"))
        handler.addFilter(lambda record: record.name.startswith("briefgen") and record.levelno >= logging.WARNING)
        # The parent's handlers (a terminal, a log file) are not the child's to write to.
        logging.getLogger().handlers = [handler]
        try:
            pdf = print_pdf(html, title, day)
        except RenderError as exc:
            answer.write(b"error\n" + str(exc).encode("utf-8"))
            return 1
        except Exception as exc:  # a bug: its last line is what the parent reports
            warnings.write(f"{type(exc).__name__}: {exc}".splitlines()[0] + "\n")
            return 1
        answer.write(b"ok\n" + pdf)
        return 0


def _answer(out: bytes, err: bytes, status: int | None) -> bytes:
    """The PDF from a worker's answer, its warnings logged here; RenderError if it failed."""
    _relay(err)
    head, _, body = out.partition(b"\n")
    if head == b"ok":
        return body
    if head == b"error":
        raise RenderError(body.decode("utf-8", "replace"))
    detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {status}"]
    raise RenderError(f"PDF printer failed: {detail[0]}")


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


def start(formats: Sequence[str], timeout: float | None = None) -> Printer | ForkedPrinter | None:
    """A printer for a run that writes a PDF, when a process of its own is worth it (or, with
    a `timeout`, needed); else None."""
    if "pdf" not in formats:
        return None
    if "weasyprint" in sys.modules:
        return ForkedPrinter(timeout) if timeout is not None else None
    return _spawn(timeout)


def _spawn(timeout: float | None) -> Printer | None:
    """A printer process started afresh; None (and a warning) when none can be."""
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
