"""Turning raw article text into clean paragraphs: no bare links, embeds or in-text headings."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from .limits import in_calendar, scrub

URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.I)
# "— TRT World (@trtworld) January 16, 2024": the signature line of an embedded post.
ATTRIBUTION_RE = re.compile(r"^[\u2014\u2013-]{1,2}\s*[^()]{1,80}\(@\w{1,30}\)")
# The date at the end of such a line: "January 16, 2024", "Jan 16, 2024" or "16 January 2024".
POST_DATE_RE = re.compile(r"(?:([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})|(\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4}))\s*$")
POST_BY_RE = re.compile(r"^[\u2014\u2013-]{1,2}\s*(.*?\(@\w{1,30}\))")
SENTENCE_END = tuple('.!?:;"\u201d\u2019\u2026)')
ODD_SPACE_RE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
INVISIBLE_RE = re.compile(r"[\u200b\ufeff]")
SPACES_RE = re.compile(r" {2,}")
WHITESPACE_RUN_RE = re.compile(r"\s{2,}")
MARKER_RE = re.compile(r"^(?:[-*+]\s+|>\s*|\d+\.\s+)")  # list and quote markers
HEADING_WORD_RE = re.compile(r"[A-Za-z][\w'-]*")
TITLE_MAX_WORDS = 15
TITLE_MAX_CHARS = 120


def normalise(text: str) -> str:
    """NFC, no-break and odd spaces as plain spaces, Windows line ends as \\n, and no
    control or bidi characters (see `sanitise.scrub`)."""
    text = unicodedata.normalize("NFC", scrub(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = ODD_SPACE_RE.sub(" ", text)
    return INVISIBLE_RE.sub("", text)


def split_lines(body: str) -> list[str]:
    """Logical lines: hard-wrapped lines are joined, blank lines separate blocks."""
    lines: list[str] = []
    previous_blank = True
    for raw in normalise(body).split("\n"):
        line = SPACES_RE.sub(" ", raw).strip()
        if not line:
            previous_blank = True
            continue
        # A line that starts in lower case after an unfinished one is a hard wrap.
        if lines and not previous_blank and not lines[-1].endswith(SENTENCE_END) and line[:1].islower():
            lines[-1] += " " + line
        else:
            lines.append(line)
        previous_blank = False
    return lines


def infer_title(lines: list[str]) -> tuple[str, list[str]]:
    """A short first line is the title; otherwise the first sentence, shortened."""
    if not lines:
        return "Untitled", lines
    first = lines[0].lstrip("#").strip()
    if len(lines) > 1 and _short(first) and not is_link_or_embed(first):
        return first, lines[1:]
    sentence = re.split(r"(?<=[.!?])\s+", first, maxsplit=1)[0]
    return shorten(sentence, 90), lines


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def _short(line: str) -> bool:
    return len(line) <= TITLE_MAX_CHARS and len(line.split()) <= TITLE_MAX_WORDS


def is_link_or_embed(line: str) -> bool:
    bare = URL_RE.sub("", line).strip(" -\u2014\u2013|")
    return not bare or bool(ATTRIBUTION_RE.match(line))


def is_heading(line: str, last: bool) -> bool:
    """An in-text heading: short, no sentence punctuation, and text follows it."""
    if last or not _short(line) or len(line.split()) > 8:
        return False
    if line.endswith(SENTENCE_END) or line.startswith("#"):
        return line.startswith("#")
    words = HEADING_WORD_RE.findall(line)
    return bool(words) and sum(w[0].isupper() for w in words) >= max(1, len(words) // 2)


def clean_lines(lines: list[str]) -> list[str]:
    """Paragraph texts without bare links, post attributions, headings and markdown noise."""
    out: list[str] = []
    for n, line in enumerate(lines):
        text = URL_RE.sub("", line)
        # is_link_or_embed(line), its links taken out once for both.
        if not text.strip(" -\u2014\u2013|") or ATTRIBUTION_RE.match(line) or is_heading(line, last=n == len(lines) - 1):
            continue
        text = MARKER_RE.sub("", text)
        text = WHITESPACE_RUN_RE.sub(" ", text).strip()
        if text:
            out.append(text)
    return out


# Elements that end a line of text; everything else is inline.
BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6"
    " header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
# Never text: code, styling, embedded objects.
DROP_TAGS = "//script|//style|//noscript|//template|//iframe|//object|//embed|//svg|//math|//head"
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TAG_RE = re.compile(r"<[a-zA-Z/!?][^>]*>")


def looks_like_html(text: str) -> bool:
    return bool(TAG_RE.search(text))


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment, one block per paragraph: no tags, scripts,
    styles or comments survive, entities are decoded."""
    import lxml.html

    html = CONTROL_RE.sub("", html)
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several unrelated types on junk input
        return _strip_tags(html)
    for bad in root.xpath(DROP_TAGS):
        bad.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = element.tag.lower()
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    return _strip_tags(text) if looks_like_html(text) else text


def _strip_tags(text: str) -> str:
    """Last resort for markup lxml cannot parse, or markup escaped twice: drop anything tag-like."""
    import html as htmllib

    return TAG_RE.sub(" ", htmllib.unescape(TAG_RE.sub(" ", text)))


def embedded_posts(lines: list[str]) -> list[tuple[str, date, str]]:
    """(cleaned post text, date, author) for each embedded post whose signature line is dated.

    The signature line itself is dropped from the text (it is not prose), but its date is
    often the only full date an article carries: the timeline uses it as an anchor."""
    posts = []
    for n, line in enumerate(lines):
        if n == 0 or not ATTRIBUTION_RE.match(line):
            continue
        when = _post_date(line)
        # Cleaned exactly as in the article (a line follows it, so it is not the last one).
        body = clean_lines([lines[n - 1], line])
        if when is None or not body:
            continue
        by = POST_BY_RE.match(line)
        posts.append((body[0], when, by.group(1).strip() if by else ""))
    return posts


def _post_date(line: str) -> date | None:
    match = POST_DATE_RE.search(line)
    if not match:
        return None
    if match.group(1):
        month, day, year = match.group(1), match.group(2), match.group(3)
    else:
        day, month, year = match.group(4), match.group(5), match.group(6)
    for fmt in ("%B %d %Y", "%b %d %Y"):
        try:
            when = datetime.strptime(f"{month} {day} {year}", fmt).date()
        except ValueError:
            continue
        return when if in_calendar(when) else None
    return None
