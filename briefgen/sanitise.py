"""The one place that decides which characters from content may reach a reader, a terminal
or a log, and how a URL is shown in a log.

Feeds and files are written by strangers. Control characters and escape sequences can set
a terminal's title, clear the screen or forge a log line; bidi controls make text read
differently from what it says; zero-width and tag characters hide text inside text.
`scrub` is for content text, `one_line` for titles, names and links, `printable` for
anything written to a terminal or log (it shows what it escapes, so an operator sees it).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# C0 controls but tab, line feed and carriage return; DEL; C1 controls (CSI, OSC... in
# 8-bit form); bidi embeddings, overrides, isolates and marks (LRM, RLM, ALM); zero-width
# space, word joiner and invisible operators, BOM; interlinear annotations; tag characters.
_HIDDEN = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f"
)
UNSAFE_RE = re.compile(f"[{_HIDDEN}]")
# Zero-width (non-)joiners shape Persian, Indic scripts and emoji in running text, but a
# title, name or link needs neither, and they can hide a difference between two of them.
JOINERS_RE = re.compile("[\u200c\u200d]")
# What `printable` escapes: the above, every line end, and the joiners.
ESCAPE_RE = re.compile(f"[{_HIDDEN}\t\n\r\u200c\u200d\u2028\u2029\x85]")
URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s\"'<>]+", re.I)


def scrub(text: str) -> str:
    """Content text without control, bidi, zero-width or tag characters (tab and line ends kept)."""
    return UNSAFE_RE.sub("", text)


def one_line(text: str) -> str:
    """A title, name or link: scrubbed, joiners dropped, all whitespace runs as one space."""
    return " ".join(JOINERS_RE.sub("", scrub(text)).split())


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, lines: bool = False) -> str:
    """Text safe to write to a terminal or a log: every control, bidi, invisible and (unless
    `lines`) line-ending character shown as an escape (ESC as \\x1b), so nothing from content
    can move the cursor, retitle the terminal or start a line that looks like ours."""
    if lines:
        return "\n".join(ESCAPE_RE.sub(_escape, line) for line in text.split("\n"))
    return ESCAPE_RE.sub(_escape, text)


def url_for_log(url: str) -> str:
    """scheme://host[:port]/path of a URL: no user name or password, query or fragment,
    which is where feed tokens and credentials live."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unreadable URL>"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    hidden = "?\u2026" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")) + hidden


def redact_urls(text: str) -> str:
    """Every URL in `text` as `url_for_log` shows it."""
    return URL_RE.sub(lambda m: url_for_log(m.group()), text)
