"""The archive's search on a PostgreSQL store: what `search` asks of SQLite's FTS5, in PostgreSQL's terms.

There, the FTS5 table is a plain table `search_fts (rowid, title, body)` (`postgres.ddl`)
whose column `doc` holds each document's words as a tsvector, the title's weighted A and the
text's B, under a GIN index (the migration `pgsearch`). A query matches `doc`, ranks with
`ts_rank_cd` (titles weigh four times the text, as in `bm25(search_fts, 4.0, 1.0)`), and is
marked with `ts_headline`, for the page of results only, since that reads each text again.

The user's words become a tsquery as `match_expression` makes FTS5's: every word must
match, "quoted words" as a phrase, `word*` as a prefix, nothing else is syntax. Each word
and phrase goes to PostgreSQL's own parser as a parameter (`phraseto_tsquery`), so that it
is split as the documents were ("Hwasong-18" is `hwasong <-> -18` in both) and no text is
ever a syntax error; the query comes back as text, to be cast (`::tsquery`) wherever used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models.archive import MARK_END, MARK_START

# PostgreSQL's configuration without stemming or stop words, as FTS5's unicode61 tokenizer has
# neither; it keeps diacritics, which unicode61 (remove_diacritics 2) folds (`unaccent` is an
# extension a deployment's database may not allow). The `doc` column is made with it.
CONFIG = "simple"
# ts_rank_cd's weights are {D, C, B, A}; normalisation 1 divides by 1 + log(length), as BM25
# prefers the shorter of two texts that match alike.
WEIGHTS = "'{0.1, 0.1, 0.25, 1.0}'"


def match(param: str) -> str:
    """The WHERE condition: the document matches the tsquery text in `param` (a placeholder)."""
    return f"search_fts.doc @@ {param}::tsquery"


def rank(param: str) -> str:
    """How well the document matches, higher first."""
    return f"ts_rank_cd({WEIGHTS}, search_fts.doc, {param}::tsquery, 1)"


def headline(column: str, param: str, options: str) -> str:
    """`column` with the matches of the tsquery in `param` marked; `options` is a placeholder."""
    return f"ts_headline('{CONFIG}', coalesce({column}, ''), {param}::tsquery, {options})"


def query(text: str, names: Sequence[str] = ()) -> tuple[str, list[str]]:
    """A statement that makes the tsquery for the user's words and, when given, any of `names`
    (each a phrase), and its parameters; it answers the tsquery as text, '' when nothing is left."""
    terms: list[str] = []
    params: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        words = _words(phrase or word)
        if not words:
            continue
        if word.endswith("*"):
            # A prefix is a lexeme of ours: word characters only, nothing to escape.
            terms.append(f"to_tsquery('{CONFIG}', %s)")
            params.append(" & ".join(f"'{w}'" for w in words) + ":*")
        else:
            terms.append(f"phraseto_tsquery('{CONFIG}', %s)")
            params.append(phrase or word)
    alternatives = [n for n in names if _words(n)]
    if alternatives:
        terms.append("(" + " || ".join(f"phraseto_tsquery('{CONFIG}', %s)" for _ in alternatives) + ")")
        params.extend(alternatives)
    if not terms:
        return "SELECT ''", []
    return f"SELECT ({' && '.join(terms)})::text", params


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
    # Punctuation alone is kept (ts_headline ends at the last word, before its full stop).
    before, after = (body or "")[:at], (body or "")[at + len(plain):]
    before = ellipsis.lstrip() if re.search(r"\w", before) else before.lstrip()
    after = ellipsis.rstrip() if re.search(r"\w", after) else after.rstrip()
    return f"{before}{excerpt.strip()}{after}"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


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
