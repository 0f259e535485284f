"""Korean text marked as such in HTML: the `lang` and `langattr` template filters."""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from ..language import KOREAN, detect, has_hangul

LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}


@jinja2.pass_context
def lang(ctx: jinja2.runtime.Context, text: str) -> str:
    """Text from a source, marked lang="ko" in HTML when it is Korean (line breaking, fonts,
    screen readers); unchanged elsewhere."""
    if not ctx.eval_ctx.autoescape:
        return text
    if not (has_hangul(text) and detect(text) == KOREAN):
        return escape(text)
    if ctx.get("medium") == "print":
        # WeasyPrint (70) does not implement `word-break: keep-all` and would break a Korean
        # word between any two syllables: on the page the PDF is printed from, each word
        # is kept whole by `white-space: nowrap` (.ko-word) and lines break at spaces.
        words = [Markup(f'<span class="ko-word">{escape(w)}</span>') if has_hangul(w) else escape(w) for w in text.split(" ")]
        return Markup(f'<span lang="ko">{Markup(" ").join(words)}</span>')
    return Markup(f'<span lang="ko">{escape(text)}</span>')


def langattr(text: str) -> str:
    """' lang="ko"' for an element holding Korean text, else nothing."""
    return Markup(' lang="ko"') if has_hangul(text) and detect(text) == KOREAN else Markup("")
