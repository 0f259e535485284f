"""The brief as Markdown, from `brief.md.j2`, with article text kept from breaking the structure."""

from __future__ import annotations

import re
from urllib.parse import quote

from ..config import Config
from ..models import Brief
from .html import render_template

TEMPLATE = "brief.md.j2"

# Characters that start emphasis, code, links, raw HTML or table cells anywhere in a line.
_INLINE = re.compile(r"([\\`*\[\]<>|])")
# An underscore only emphasises at a word edge; snake_case stays readable.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# What would turn a line into a heading, quote, list item, rule or fence.
_LINE_START = re.compile(r"^(\s*)([#>+\-=~]|\d+[.)])")


def md(text: object) -> str:
    """Text escaped for Markdown: one line, no live markup, no raw HTML."""
    line = " ".join(str(text).split())
    line = _INLINE.sub(r"\\\1", line)
    line = _UNDERSCORE.sub(r"\\_", line)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), line)


def _escape_start(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def md_url(url: str) -> str:
    """An http(s) URL as an autolink; spaces and angle brackets would end it early."""
    return "<" + quote(url, safe="/:?#[]@!$&'()*+,;=~%-._") + ">"


def render_markdown(brief: Brief, config: Config) -> str:
    """The brief as a Markdown document."""
    return render_template(TEMPLATE, brief, config, extra_filters={"md": md, "md_url": md_url}, medium="text")
