"""The archive's search on a PostgreSQL store: what `search` asks of SQLite's FTS5, in PostgreSQL's terms.

There, the FTS5 table is a plain table `search_fts (rowid, title, body)` with a GIN index on
`to_tsvector('simple', title || ' ' || body)` (`postgres.ddl`). A query matches through that
very expression, so the index serves it; ranks with `ts_rank_cd` over the title and the text
weighted A and B (titles weigh four times the text, as in `bm25(search_fts, 4.0, 1.0)`); and is
marked with `ts_headline`, for the page of results only, since it reads each text again.

The user's words become a `to_tsquery` expression built here, as `match_expression` builds
FTS5's: every word must match, "quoted words" as a phrase, `word*` as a prefix. Each lexeme
is quoted and made of word characters only, so no text is ever a syntax error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models.archive import MARK_END, MARK_START

# PostgreSQL's configuration without stemming or stop words, as FTS5's unicode61 tokenizer has
# neither; it keeps diacritics, which unicode61 (remove_diacritics 2) folds (`unaccent` is an
# extension a deployment's database may not allow).
CONFIG = "simple"
# The GIN index's own expression (postgres.ddl): any other and PostgreSQL reads every row.
DOCUMENT = "to_tsvector('simple', coalesce(search_fts.title, '') || ' ' || coalesce(search_fts.body, ''))"
WEIGHTED = ("setweight(to_tsvector('simple', coalesce(search_fts.title, '')), 'A')"
            " || setweight(to_tsvector('simple', coalesce(search_fts.body, '')), 'B')")
# ts_rank_cd's weights are {D, C, B, A}; normalisation 1 divides by 1 + log(length), as BM25
# prefers the shorter of two texts that match alike.
WEIGHTS = "'{0.1, 0.1, 0.25, 1.0}'"


def match(param: str) -> str:
    """The WHERE condition: the document matches the tsquery in `param` (a placeholder)."""
    return f"{DOCUMENT} @@ to_tsquery('{CONFIG}', {param})"


def rank(param: str) -> str:
    """How well the document matches, higher first."""
    return f"ts_rank_cd({WEIGHTS}, {WEIGHTED}, to_tsquery('{CONFIG}', {param}), 1)"


def headline(column: str, param: str, options: str) -> str:
    """`column` with the matches of the tsquery in `param` marked; `options` is a placeholder."""
    return f"ts_headline('{CONFIG}', coalesce({column}, ''), to_tsquery('{CONFIG}', {param}), {options})"


def title_options() -> str:
    """ts_headline's options for a whole title, every match marked (FTS5's highlight())."""
    return f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_END}"'


def excerpt_options(words: int, delimiter: str = " … ", start: str = MARK_START, end: str = MARK_END) -> str:
    """ts_headline's options for an excerpt of about `words` words around the matches (FTS5's snippet())."""
    return (f'MaxWords={words}, MinWords={max(words // 2, 1)}, ShortWord=0, MaxFragments=1, '
            f'FragmentDelimiter="{delimiter}", StartSel="{start}", StopSel="{end}"')


def framed(excerpt: str, body: str | None, ellipsis: str = " … ") -> str:
    """An excerpt with an ellipsis where the text goes on before or after it, as FTS5's
    snippet() has (ts_headline gives none)."""
    plain = excerpt.replace(MARK_START, "").replace(MARK_END, "").strip()
    at = (body or "").find(plain) if plain else -1
    if at < 0:  # the text shortened (markup ts_headline left out): no telling where it was
        return excerpt
    before = ellipsis.lstrip() if (body or "")[:at].strip() else ""
    after = ellipsis.rstrip() if (body or "")[at + len(plain):].strip() else ""
    return f"{before}{excerpt.strip()}{after}"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _lexeme(word: str) -> str:
    # Word characters only: nothing in it can end the quotes or be an operator.
    return f"'{word}'"


def tsquery(text: str) -> str:
    """A user's words as a to_tsquery expression every word of which must match: "quoted
    phrases" stay phrases, a trailing * makes a prefix, and nothing else is syntax."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        words = _words(phrase or word)
        if not words:
            continue
        if phrase:
            terms.append("(" + " <-> ".join(_lexeme(w) for w in words) + ")")
        else:
            terms.extend(_lexeme(w) for w in words)
            if word.endswith("*"):
                terms[-1] += ":*"
    return " & ".join(terms)


def any_of(names: Sequence[str]) -> str:
    """A to_tsquery expression matching any of these names, each as a phrase."""
    phrases = ["(" + " <-> ".join(_lexeme(w) for w in _words(n)) + ")" for n in names if _words(n)]
    return "(" + " | ".join(phrases) + ")" if phrases else ""


def both(expression: str, names: str) -> str:
    """Both expressions must match."""
    return f"({expression}) & {names}" if expression and names else expression or names


_STRING_RE = re.compile(r"('(?:[^']|'')*')")


def named(sql: str) -> str:
    """SQLite's `:name` placeholders as psycopg's `%(name)s`, outside string literals (and
    literal `%` doubled, which psycopg would read as a placeholder)."""
    pieces = _STRING_RE.split(sql)
    for n in range(len(pieces)):
        pieces[n] = pieces[n].replace("%", "%%")
        if n % 2 == 0:
            pieces[n] = re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", pieces[n])
    return "".join(pieces)
