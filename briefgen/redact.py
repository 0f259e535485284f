"""Secrets blotted out of text before it is shown, logged or stored.

A server may repeat the SMTP password back in any shape: as given, in the base64 of
AUTH PLAIN or LOGIN (at any offset of a longer blob), URL- or HTML-encoded, escaped
as Python or JSON would, in another case, or cut across the lines of a multi-line
reply. One pattern per shape matches all of these, whatever whitespace or line breaks
fall between its characters, so the scrub must run on the text as it came, before
anything collapses whitespace or cuts it short: a password cut in half by truncation
is no longer recognisable as one.

A URL may carry a secret of its own: a private feed's `?token=`, `?api_key=` or
`?sig=`, a password in `user:password@`, or a key as the user name (`<key>@`).
`shown_url` is the form of a URL that may be shown to people (a brief, its JSON, a page,
a terminal); the real URL is only ever used to fetch.

This module imports nothing of briefgen: logging, the CLI, config, ingest, render, the
store and delivery all call it.
"""

from __future__ import annotations

import base64
import re
import threading
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

MARK = "[password]"
# What stands for the value of a secret URL parameter or a URL's password.
HIDDEN = "***"
# Query parameters whose value is a secret, by name (lower case, "-" read as "_")...
SECRET_PARAMS = frozenset({
    "token", "access_token", "api_key", "apikey", "key", "auth", "authorization", "password", "passwd", "pwd",
    "secret", "sig", "signature", "session", "sid", "credential", "credentials",
})
# ...or by a part of their name: `refresh_token`, `client_secret`, `x_api_key`, and the
# signed URLs of cloud stores (`X-Amz-Signature`, `X-Amz-Credential`, `X-Goog-Signature`).
SECRET_PARTS = ("token", "secret", "password", "apikey", "api_key", "signature", "credential")
# A parameter ends at & or at ;, which some servers still read as a separator.
_PARAM_RE = re.compile(r"([^&;=]*)=([^&;]*)")
_URL_RE = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.I)
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


def is_secret_param(name: str) -> bool:
    """Whether a URL parameter of this name (as written, percent-encoded or not) holds a secret."""
    key = unquote_plus(name).strip().lower().replace("-", "_")
    return key in SECRET_PARAMS or any(part in key for part in SECRET_PARTS)


# A key written into a path segment or under a parameter name not listed above: a UUID, or
# a long run of letters and digits that switches between them often (hex and base64 keys
# do; words, dates and article slugs do not: "north-korea-fires-missiles-2024-01-17").
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_KEY_CHARS_RE = re.compile(r"[A-Za-z0-9_\-]+")
_SWITCH_RE = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
KEY_LENGTH, KEY_SWITCHES = 20, 4


_WORD_RE = re.compile(r"(?:^|[-_])[A-Za-z]{4,}(?=[-_]|$)")


def looks_like_key(value: str) -> bool:
    """Whether a path segment or a parameter's value looks like a key, whatever its name (a
    file name's extension aside: `<uuid>.xml`)."""
    stem = _stem(unquote(value))
    if _UUID_RE.fullmatch(stem):
        return True
    # A slug's words ("rss2-all-articles-2024v2") make it no key.
    if not _KEY_CHARS_RE.fullmatch(stem) or _WORD_RE.search(stem):
        return False
    bare = stem.replace("-", "").replace("_", "")
    return len(bare) >= KEY_LENGTH and len(_SWITCH_RE.findall(bare)) >= KEY_SWITCHES


def _secret_value(name: str, value: str) -> bool:
    return bool(value) and value != HIDDEN and (is_secret_param(name) or looks_like_key(value))


def _hide_params(text: str) -> str:
    """A query or fragment with the values of its secret parameters (by name, or by looks) as
    ***, all else as written."""
    return _PARAM_RE.sub(lambda m: f"{m.group(1)}={HIDDEN}" if _secret_value(m.group(1), m.group(2)) else m.group(), text)


def _stem(segment: str) -> str:
    return segment.rsplit(".", 1)[0] if "." in segment else segment


def _hide_path(path: str) -> str:
    """A URL's path with each segment that looks like a key as *** (its extension kept)."""
    return "/".join(HIDDEN + segment[len(_stem(segment)):] if looks_like_key(segment) else segment
                    for segment in path.split("/"))


def shown_url(url: str) -> str:
    """`url` as it may be shown to people: the values of secret-looking query (and fragment)
    parameters, path segments that look like keys and the password of its user info (or
    its user name, when it has no password) replaced by ***; everything else, the order and
    spelling of the other parameters included, as written. Applying it twice changes nothing."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        # Unreadable, so its secrets cannot be told from the rest: show only its scheme.
        scheme = url.split("://", 1)[0] if "://" in url else ""
        return f"{scheme}://{HIDDEN}" if scheme.isalnum() else HIDDEN
    netloc = parts.netloc
    user, at, host = netloc.rpartition("@")
    if password is not None and password != HIDDEN:
        netloc = f"{user.split(':', 1)[0]}:{HIDDEN}@{host}"
    elif at and password is None and user and user != HIDDEN:
        # A user name with no password is most often the key itself (`https://<token>@host/`).
        netloc = f"{HIDDEN}@{host}"
    path = _hide_path(parts.path)
    query = _hide_params(parts.query)
    fragment = _hide_params(parts.fragment)
    if (netloc, path, query, fragment) == (parts.netloc, parts.path, parts.query, parts.fragment):
        return url
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def shown_target(target: str) -> str:
    """A source's target (a feed URL or a file path) as it may be shown: URLs through `shown_url`."""
    return shown_url(target) if "://" in target else target


def url_secrets(url: str, shortest: int = _MIN_CORE) -> list[str]:
    """The secrets `shown_url` hides in `url`, as written and decoded, longest first: either
    may be quoted back in a server's or a library's error message."""
    try:
        parts = urlsplit(url)
        # The user name is a secret when it stands alone (`<key>@`), as `shown_url` hides it.
        found = [(parts.password if parts.password is not None else parts.username) or ""]
    except ValueError:
        return []
    for piece in (parts.query, parts.fragment):
        found += [m.group(2) for m in _PARAM_RE.finditer(piece) if _secret_value(m.group(1), m.group(2))]
    found += [_stem(segment) for segment in parts.path.split("/") if looks_like_key(segment)]
    # A value shorter than `shortest` would blot out ordinary words in a free-running message.
    values = {v for s in found if s and s != HIDDEN for v in (s, unquote(s), unquote_plus(s))}
    return sorted((v for v in values if len(v) >= shortest), key=len, reverse=True)


def hide_url_secrets(text: str, url: str | None = None) -> str:
    """`text` (an error message, a reason) with every URL in it as `shown_url` shows it and,
    when `url` is given, its secrets removed wherever they stand alone."""
    text = _URL_RE.sub(lambda m: shown_url(m.group()), text)
    for secret in url_secrets(url) if url else ():
        text = text.replace(secret, HIDDEN)
    return text
