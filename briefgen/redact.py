"""Secrets blotted out of text before it is shown, logged or stored.

A server may repeat the SMTP password back in any shape: as given, in the base64 of
AUTH PLAIN or LOGIN (at any offset of a longer blob), URL- or HTML-encoded, escaped
as Python or JSON would, in another case, or cut across the lines of a multi-line
reply. One pattern per shape matches all of these, whatever whitespace or line breaks
fall between its characters, so the scrub must run on the text as it came, before
anything collapses whitespace or cuts it short: a password cut in half by truncation
is no longer recognisable as one.

This module imports nothing of briefgen: logging, the CLI, the store and delivery all
call it.
"""

from __future__ import annotations

import base64
import re
import threading

MARK = "[password]"
# What may fall between two characters of an echoed secret: whitespace, a line break
# with the code and enhanced status an SMTP reply starts each of its lines with, and
# the escaped forms of line breaks (a repr, a JSON string).
# Each alternative matches what no other does (a newline only through the first, the space
# after a status through the second), so a long run of gaps cannot backtrack exponentially.
_GAP = r"(?:\n(?:\d{3}[ -])?(?:[245]\.\d{1,3}\.\d{1,3})?|[^\S\n]|\\[rnt])*"
# Base64 cores shorter than this would blot out ordinary words.
_MIN_CORE = 4

_lock = threading.Lock()
_patterns: dict[str, list[re.Pattern[str]]] = {}


def register(secret: str | None) -> None:
    """Remember `secret`: from now on `scrub` removes it, in every form, from any text."""
    if not secret:
        return
    with _lock:
        if secret not in _patterns:
            _patterns[secret] = patterns(secret)


def forget_all() -> None:
    """Forget every registered secret (for tests that need a clean slate)."""
    with _lock:
        _patterns.clear()


def scrub(text: str, extra: str | None = None) -> str:
    """`text` with every registered secret (and `extra`) replaced by [password]."""
    with _lock:
        found = [p for ps in _patterns.values() for p in ps]
    if extra:
        found = found + (_patterns.get(extra) or patterns(extra))
    if not found or not text:
        return text
    # Text already scrubbed keeps its marks: only what lies between them is scrubbed again.
    pieces = text.split(MARK)
    for n, piece in enumerate(pieces):
        for pattern in found:
            piece = pattern.sub(MARK, piece)
        pieces[n] = piece
    return MARK.join(pieces)


def patterns(secret: str) -> list[re.Pattern[str]]:
    """The patterns that find `secret` in any of the shapes a server or a library may give it."""
    plain = _GAP.join(_char(c) for c in secret)
    found = [re.compile(plain, re.IGNORECASE)]
    raw = secret.encode("utf-8")
    for core in _base64_cores(raw):
        found.append(re.compile(_GAP.join(_b64_char(c) for c in core)))
    return found


def _char(c: str) -> str:
    """One character of a secret, in each way it may be written."""
    forms = [re.escape(c)]
    if c.isspace():
        forms += [r"\s", r"\+"]
    encoded = c.encode("utf-8")
    forms.append("".join(f"%{b:02x}" for b in encoded))
    forms.append(f"&#{ord(c)};|&#x{ord(c):x};")
    if c in "\"'\\/":
        # Escaped by a repr or a JSON string.
        forms.append(r"\\{1,2}" + re.escape(c))
    if c in "&<>\"'":
        names = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
        forms.append(f"&{names[c]};")
    if ord(c) < 0x20 or ord(c) > 0x7E:
        forms.append(re.escape(c.encode("unicode_escape").decode("ascii")))
    return "(?:" + "|".join(forms) + ")"


def _b64_char(c: str) -> str:
    # The URL-safe alphabet writes - and _ for + and /.
    return {"+": "[+-]", "/": "[/_]"}.get(c, re.escape(c))


def _base64_cores(raw: bytes) -> list[str]:
    """The base64 characters that depend on `raw` alone, at each of the three offsets it
    may start at within a longer blob (AUTH PLAIN puts the login and two NULs before it)."""
    cores = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii").rstrip("=")
        first = -(-8 * offset // 6)  # characters holding any bit of the padding
        last = 8 * (offset + len(raw)) // 6  # characters holding only the secret's bits end here
        core = encoded[first:last]
        if len(core) >= _MIN_CORE:
            cores.append(core)
    return cores
