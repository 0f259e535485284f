"""The HTML brief's Jinja2 filters that format a brief's own values (citations, dates,
links, scores); `render.html` registers them and documents each one for template authors."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from ..models import Article, Brief
from .dates import local as _local
from .dates import short as _short

log = logging.getLogger(__name__)


@jinja2.pass_context
def cite(ctx: jinja2.runtime.Context, article_ids: str | Iterable[str]) -> str:
    """Citations "[n]" for article ids; links to the source list when autoescaping (HTML)."""
    brief: Brief = ctx["brief"]
    limits = ctx.get("bounds")
    numbers, more = limits.cite(citation_numbers(brief, article_ids)) if limits else (citation_numbers(brief, article_ids), 0)
    if ctx.eval_ctx.autoescape:
        # (A break may fall between two citations, never inside one: see .cites in brief.css.)
        links = "<wbr>".join(_cite_link(n, brief.articles[n - 1]) for n in numbers)
        extra = f'<span class="more-cites">+{more}</span>' if more else ""
        return Markup(f'<span class="cites">{links}{extra}</span>') if links else Markup("")
    return "".join(f"[{n}]" for n in numbers) + (f" +{more}" if more else "")


def _cite_link(number: int, article: Article) -> str:
    label = source_label(article)
    if label is None:
        return f'<a class="cite" href="#src-{number}">[{number}]</a>'
    grade = f'<sup class="grade">{escape(article.reliability)}</sup>' if article.reliability else ""
    tip = escape(f"{article.source} · {label}")
    return f'<a class="cite" href="#src-{number}" title="{tip}">[{number}{grade}]</a>'


def source_label(article: Article) -> str | None:
    """"wire · B": the source's type and reliability grade, or None when neither is known."""
    parts = [article.source_type, article.reliability]
    return " · ".join(p for p in parts if p) or None


def citation_numbers(brief: Brief, article_ids: str | Iterable[str]) -> list[int]:
    """Sorted, distinct citation numbers; an id missing from the source list is logged and dropped."""
    ids = [article_ids] if isinstance(article_ids, str) else list(article_ids)
    found = set()
    for article_id in ids:
        try:
            found.add(brief.citation(article_id))
        except KeyError:
            log.warning("citation of unknown article %s dropped", article_id)
    return sorted(found)


def longdate(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


@jinja2.pass_context
def shortdate(ctx: jinja2.runtime.Context, value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = _local(value, ctx["brief"].timezone)
    return _short(value)


@jinja2.pass_context
def when(ctx: jinja2.runtime.Context, value: datetime) -> str:
    local = _local(value, ctx["brief"].timezone)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def http_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None: anything else must not become a link."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def score(value: float) -> str:
    return f"{value:.1f}"
