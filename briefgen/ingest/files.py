"""Local articles: .txt, .md and .html files, with optional YAML front matter."""

from __future__ import annotations

import codecs
import glob
import hashlib
import logging
import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from zoneinfo import ZoneInfo

import yaml

from ..config import Config, SourceConfig
from ..config.yamlload import AliasBomb, safe_load
from ..models import (
    DATE_FILE_MODIFIED,
    DATE_FRONT_MATTER,
    DATE_HTML_METADATA,
    Article,
    EmbeddedPost,
    IngestResult,
    SourceNote,
)
from ..sanitise import printable
from . import limits
from .clean import clean_lines, embedded_posts, infer_title, split_lines
from .entries import http_link
from .limits import Limits
from .pagedate import metadata_date

if TYPE_CHECKING:
    from . import IngestContext

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
FRONT_MATTER_KEYS = {"title", "date", "published", "url", "source", "author"}
# Six short keys need a few hundred characters; PyYAML, pure Python, takes seconds per
# hundred thousand, and the caps on an article's text apply only after its front matter.
MAX_FRONT_MATTER = 64 * 1024


def read_sources(sources: Sequence[SourceConfig], config: Config, context: IngestContext) -> IngestResult:
    """Every `path` source, one after the other; one that fails outright becomes a note."""
    result = IngestResult()
    for source in sources:
        try:
            part = read_files(source, config)
        except Exception as exc:  # noqa: BLE001 - any failure of one source is reported, not raised
            log.warning("source %s failed: %s", source.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            result.notes.append(SourceNote(source.name, source.path or "", f"failed: {exc}"))
            continue
        result.articles.extend(part.articles)
        result.notes.extend(part.notes)
    return result


def read_files(source: SourceConfig, config: Config) -> IngestResult:
    """Every supported file a `path` source names; each bad file becomes a note, not an error."""
    assert source.path is not None
    articles: list[Article] = []
    notes: list[SourceNote] = []
    files = _expand(config.resolve(source.path))
    if not files:
        notes.append(SourceNote(source.name, source.path, "no file matches this path"))
    cap = config.feeds.max_items
    if len(files) > cap:
        # A folder of tens of thousands of files must not cost every later stage (and the
        # PDF) what a feed of that size is spared: the newest files are read, as for feeds.
        kept = set(sorted(files, key=_modified, reverse=True)[:cap])
        notes.append(SourceNote(source.name, source.path,
                                f"{len(files) - cap:,} of {len(files):,} files left out: only the newest {cap:,} "
                                "are read (feeds.max_items)", "warning"))
        log.warning("%s: %d of %d files left out (feeds.max_items %d)", source.name, len(files) - cap, len(files), cap)
        files = [f for f in files if f in kept]
    for file in files:
        try:
            article, cuts = read_file(file, source, config)
        except ArticleError as exc:
            log.warning("%s: %s", file, exc)
            notes.append(SourceNote(source.name, shown(file, config), str(exc)))
            continue
        if cuts:
            log.warning("%s: %s", file, "; ".join(cuts))
            notes.append(SourceNote(source.name, shown(file, config), "cut to size: " + "; ".join(cuts), "warning"))
        articles.append(article)
    return IngestResult(articles, notes)


def _modified(file: Path) -> float:
    try:
        return file.lstat().st_mtime
    except OSError:
        return 0.0


class ArticleError(Exception):
    """A file that cannot become an article, with the reason in words."""


def _expand(target: Path) -> list[Path]:
    if any(ch in str(target) for ch in "*?["):
        matches = [Path(p) for p in glob.glob(str(target), recursive=True)]
        return sorted(p for p in matches if p.is_file())
    if target.is_dir():
        # Broken links are listed too, so that they are reported rather than silently missed.
        return sorted(
            p for p in target.rglob("*")
            if (p.is_file() or p.is_symlink()) and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
        )
    if target.exists() or target.is_symlink():
        return [target]
    return []


def _display(file: Path, config: Config) -> str:
    try:
        # abspath, not resolve: a symlinked article keeps the name the user gave it.
        return Path(os.path.abspath(file)).relative_to(config.base_dir.resolve()).as_posix()
    except ValueError:
        return str(file)


def shown(file: Path, config: Config) -> str:
    """A file's name as a brief shows it: anyone may name a file, so what a terminal or a
    reader would not see (an escape sequence, a bidi override) is shown as an escape."""
    return printable(_display(file, config))


def article_id(file: Path, config: Config) -> str:
    """Stable across runs: derived from the file's path relative to the config file."""
    return "a" + hashlib.sha1(_display(file, config).encode("utf-8")).hexdigest()[:11]


def read_file(file: Path, source: SourceConfig, config: Config) -> tuple[Article, list[str]]:
    """The article a file holds, within the caps of `limits`, and what had to be cut, in words."""
    caps = Limits.of(config)
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise ArticleError(f"unsupported file type {suffix or '(none)'}: use .txt, .md or .html")
    # Nothing past what the caps could keep is read: a file of gigabytes in a source folder
    # costs what one at the caps does (4 bytes per character at most in UTF-8).
    most = 4 * (caps.text * limits.RAW_FACTOR + MAX_FRONT_MATTER + 16) + 3
    try:
        with file.open("rb") as handle:
            raw = _head(handle, most + 1)
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from None
    truncated = len(raw) > most
    try:
        # A cut may split a character's bytes: the incomplete tail is left, not an error.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw[:most], final=not truncated)
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8 (invalid byte at offset {exc.start}); convert it to UTF-8") from None
    if not text.strip():
        raise ArticleError("empty file")

    meta, body = _front_matter(text, file)
    body, too_long = limits.raw(body, caps)
    html_meta: dict[str, Any] = {}
    page_date = None
    if suffix in HTML_SUFFIXES:
        page_date = metadata_date(body, config.tz)
        body, html_meta = _html_text(body)
        if not body.strip():
            raise ArticleError("no article text found in the HTML")

    lines = split_lines(body)
    title = meta.get("title") or html_meta.get("title")
    if title:
        title, long_title = limits.title(str(title), caps)
    else:
        title, lines = infer_title(lines)
        long_title = False
    paragraphs = clean_lines(lines)
    if not paragraphs:
        raise ArticleError("no text left after cleaning")
    text, cuts = limits.paragraphs("\n\n".join(paragraphs), caps)
    if (too_long or truncated) and not cuts:
        cuts.append(f"text cut at {caps.text:,} characters")
    if truncated:
        cuts.append(f"file over {most:,} bytes: the rest not read")
    if long_title:
        cuts.append(f"a title over {caps.title:,} characters was cut")

    tz = config.tz
    published = _when(meta.get("published", meta.get("date")), tz, file)
    basis = DATE_FRONT_MATTER if published else None
    if published is None and page_date is not None:
        published, basis = page_date, DATE_HTML_METADATA
    modified = _modified_at(file, tz, published)
    if published is None:
        basis = DATE_FILE_MODIFIED
    display = shown(file, config)
    # Front matter is content too: its names are one line, scrubbed and capped like titles.
    source_name = limits.title(str(meta["source"]), caps)[0] if meta.get("source") else ""
    author = meta.get("author") or html_meta.get("author")
    author = limits.title(str(author), caps)[0] if author else None
    article = Article(
        id=article_id(file, config),
        source=source_name or source.name,
        title=title,
        text=text,
        path=display,
        # Only a web address is kept: a javascript: or file: URL is no link to follow.
        url=http_link(str(meta["url"]) if meta.get("url") else html_meta.get("url")),
        published=published,
        # The modification time also stands for when the file was first seen, which is
        # what places an undated file in a brief's window; it never becomes `published`.
        first_seen=modified,
        modified=modified,
        date_basis=basis,
        author=author or None,
        window=source.window,
        guid=display,
        origin=source.name,
        embeds=tuple(EmbeddedPost(post, when, by) for post, when, by in embedded_posts(lines)),
    )
    return article, cuts


def _head(handle: BinaryIO, most: int) -> bytes:
    """At most `most` bytes of a file, a megabyte at a time: `read(most)` would allocate
    `most` bytes at once, and the caps may be set as high as a config allows."""
    pieces: list[bytes] = []
    while most > 0:
        piece = handle.read(min(most, 1 << 20))
        if not piece:
            break
        pieces.append(piece)
        most -= len(piece)
    return b"".join(pieces)


def _front_matter(text: str, file: Path) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    if len(match.group(1)) > MAX_FRONT_MATTER:
        raise ArticleError(f"front matter over {MAX_FRONT_MATTER:,} characters: not read (it holds only title:, "
                           "date:, url:, source:, author:)")
    try:
        meta = safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 2}" if mark else ""
        what = exc.problem if isinstance(exc, AliasBomb) else "YAML syntax error"
        raise ArticleError(f"front matter{where}: {what}") from None
    if not isinstance(meta, dict):
        raise ArticleError("front matter must be a mapping (title:, date:, url:...)")
    unknown = sorted(set(map(str, meta)) - FRONT_MATTER_KEYS)
    if unknown:
        log.info("%s: front matter keys ignored: %s", file, ", ".join(unknown))
    return meta, text[match.end():]


def _when(value: Any, tz: ZoneInfo, file: Path) -> datetime | None:
    """A front-matter date; naive values are read in the config's time zone."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ArticleError(f"date {value!r} is not an ISO date like 2024-01-16 or 2024-01-16T08:00:00+09:00") from None
    if not limits.in_calendar(moment):
        raise ArticleError(f"date {value!s} is outside the years briefgen reads "
                           f"({limits.FIRST_YEAR} to {limits.LAST_YEAR})")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _modified_at(file: Path, tz: ZoneInfo, published: datetime | None) -> datetime:
    """The file's modification time; a time no calendar holds (a copy from a broken clock)
    makes a file without a date of its own unusable, and is replaced by its date otherwise."""
    try:
        moment = datetime.fromtimestamp(file.stat().st_mtime, tz).replace(microsecond=0)
    except (OverflowError, OSError, ValueError):
        moment = None
    if moment is not None and limits.in_calendar(moment):
        return moment
    if published is not None:
        return published
    raise ArticleError("its modification time is outside the years briefgen reads "
                       f"({limits.FIRST_YEAR} to {limits.LAST_YEAR}) and it has no date: add `date:` to its front matter")


def _html_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main text of an HTML page (boilerplate dropped) and its title/url/author metadata;
    its date is `pagedate.metadata_date`'s to find."""
    import trafilatura  # heavy: only for HTML inputs

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        # trafilatura looks for a date too, which is not used: the cheap way, no text search.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        return _plain_html_text(html), {}
    meta = {"title": doc.title, "url": doc.url, "author": doc.author}
    return doc.text, {k: v for k, v in meta.items() if v}


def _plain_html_text(html: str) -> str:
    """Fallback when the extractor finds no main content: all visible text, one block per element."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # lxml raises several unrelated types on junk input
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    blocks = (el.text_content().strip() for el in tree.iter("p", "li", "h1", "h2", "h3", "blockquote", "td"))
    return "\n".join(b for b in blocks if b)
