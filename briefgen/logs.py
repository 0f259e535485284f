"""Where the CLI's log lines go and how they look: plain text (coloured only on a terminal)
or one JSON object per line for daemons and log collectors."""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from datetime import UTC, datetime
from typing import Any, TextIO

from .redact import scrub
from .sanitise import printable, redact_urls

# Library chatter (fontTools, weasyprint) is noise unless --debug asks for everything.
NOISY = ("fontTools", "weasyprint", "trafilatura", "htmldate", "httpx", "httpcore")
FORMATS = ("text", "json")

# SGR colours per level name; the message itself stays the terminal's own colour.
COLOURS = {"DEBUG": "2", "INFO": "36", "WARNING": "33", "ERROR": "1;31", "CRITICAL": "1;31"}


def use_colour(stream: TextIO) -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, level: str, colour: bool) -> str:
    return f"\033[{COLOURS[level]}m{text}\033[0m" if colour else text


def safe_message(record: logging.LogRecord) -> str:
    """A record's message as one line with nothing from content that could act on a
    terminal or forge a line, and every URL without credentials or query (the HTTP
    libraries' own request lines included)."""
    return redact_urls(printable(scrub(record.getMessage())))


def safe_traceback(text: str) -> str:
    """A traceback keeps its lines; what content put in its messages is escaped."""
    return redact_urls(printable(scrub(text), lines=True))


class SafeFormatter(logging.Formatter):
    """A plain %-style format whose message and traceback are made safe as ours are (for
    the scheduler's run processes and the PDF printer, which keep their own formats)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = safe_message(record)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        return safe_traceback(super().formatException(ei))


class TextFormatter(logging.Formatter):
    """`briefgen: message`; warnings and errors say so, `detail` adds level and logger."""

    def __init__(self, colour: bool, detail: bool):
        super().__init__()
        self.colour = colour
        self.detail = detail

    def format(self, record: logging.LogRecord) -> str:
        message = safe_message(record)
        if self.detail:
            head = f"{paint(record.levelname, record.levelname, self.colour)} {record.name}: "
        elif record.levelno >= logging.WARNING:
            head = "briefgen: " + paint(record.levelname.lower(), record.levelname, self.colour) + ": "
        else:
            head = "briefgen: "
        text = head + message
        if record.exc_info and self.detail:
            text += "\n" + safe_traceback(self.formatException(record.exc_info))
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": safe_message(record),
        }
        if record.exc_info:
            entry["traceback"] = safe_traceback(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes, as logging's last resort does:
    a caller that swaps stderr (a test capturing it) never leaves us writing to a closed one."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def setup(*, verbose: bool = False, quiet: bool = False, debug: bool = False, fmt: str = "text",
          stream: TextIO | None = None) -> None:
    """Configure the root logger for one CLI run (replacing whatever a previous run set)."""
    level = logging.DEBUG if debug or verbose else logging.ERROR if quiet else logging.INFO
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    stream = stream or sys.stderr
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter(use_colour(stream), detail=debug or verbose))
    root = logging.getLogger()
    for old in root.handlers[:]:
        # Only our own handlers: pytest's log capture (and an embedding program's) stays.
        if getattr(old, "_briefgen", False):
            root.removeHandler(old)
    handler._briefgen = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.ERROR)


def error_line(message: str, fmt: str = "text", stream: TextIO | None = None) -> None:
    """The one line a failed command ends with: `briefgen: error: ...`, or a JSON object."""
    stream = stream or sys.stderr
    message = redact_urls(printable(scrub(message), lines=True))
    if fmt == "json":
        entry = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "level": "error",
                 "logger": "briefgen", "message": message}
        print(json.dumps(entry, ensure_ascii=False), file=stream)
    else:
        print("briefgen: " + paint("error", "ERROR", use_colour(stream)) + ": " + message, file=stream)


def scrub_tracebacks() -> None:
    """--debug lets an exception go up to Python's own printer: it too prints no secret."""
    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        sys.stderr.write(scrub("".join(traceback.format_exception(kind, value, tb))))

    sys.excepthook = hook
