"""The store on PostgreSQL: the same queries and migrations as SQLite, translated at the dialect level.

The store modules write SQLite's SQL. Rather than keep a second copy of every query, a
connection here takes each statement as written and translates it once (cached): `?`
placeholders, `INSERT OR IGNORE` / `INSERT OR REPLACE` as `ON CONFLICT`, identifiers that
PostgreSQL reserves (`end`) quoted, SQLite's implicit `rowid` made an explicit column, and
`cursor.lastrowid` answered by `RETURNING`. What the translation needs to know of each
table (its primary key, its row-id column) is read from the migrations themselves, so a
table added by a new migration works on PostgreSQL with no code here. What has no SQLite
equivalent (the search's stored word vector) a migration writes for PostgreSQL alone, on
`-- postgresql:` lines that SQLite reads as comments (`migrations.postgres_only`).

Each brief lives in a schema of its own (its namespace), as each brief has its own SQLite
file; writers of one namespace take turns on a transaction-level advisory lock, as SQLite's
`BEGIN IMMEDIATE` makes them, so every read-then-write the store does keeps its meaning.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..redact import shown_url, url_secrets
from .migrations import BEFORE_POSTGRES, MIGRATIONS, postgres_only, statements

SCHEMES = ("postgresql://", "postgres://")

# Column names the store uses that PostgreSQL reserves; written lower-case in queries
# (SQL keywords in briefgen are upper-case, so `CASE ... END` is left alone).
RESERVED = ("end",)

_STRING_RE = re.compile(r"('(?:[^']|'')*')")
_RESERVED_RE = re.compile(r"\b(" + "|".join(RESERVED) + r")\b")
_INSERT_RE = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)\s*\(([^)]*)\)", re.I | re.S)
_CREATE_RE = re.compile(r"^\s*CREATE\s+TABLE\s+(\w+)\s*\((.*)\)\s*$", re.I | re.S)
_ALTER_ADD_RE = re.compile(r"^\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.I)
_FTS_RE = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+(\w+)\s+USING\s+fts5\s*\((.*)\)\s*$", re.I | re.S)
_BACKFILL_RE = re.compile(r"^\s*INSERT\b.*\bSELECT\b", re.I | re.S)


def is_url(target: object) -> bool:
    """Whether a store target names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL with its passwords replaced by ***: the only form that reaches a log or a message."""
    # The same rule as a feed's URL: libpq takes the password in the query too (password=, sslpassword=).
    return shown_url(url)


def describe(exc: BaseException, url: str) -> str:
    """An error from the driver as one line, the URL's passwords taken out wherever they appear."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for secret in url_secrets(url, shortest=1) if url.startswith(SCHEMES) else ():
        text = text.replace(secret, "***")
    return text


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key for these names."""
    return int.from_bytes(hashlib.sha256("\x00".join(parts).encode()).digest()[:8], "big", signed=True)


def schema_name(namespace: str) -> str:
    """The PostgreSQL schema of a namespace (a brief's name), as a safe identifier."""
    slug = re.sub(r"[^a-z0-9_]+", "_", namespace.lower()).strip("_") or "brief"
    digest = hashlib.sha256(namespace.encode()).hexdigest()[:6]
    # A short hash keeps two names that slug alike ("Seoul desk", "seoul_desk") apart.
    return f"brief_{slug[:40]}_{digest}"


@dataclass(frozen=True)
class Table:
    """What the translation needs to know of a table."""

    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    # SQLite's INTEGER PRIMARY KEY column (an alias of rowid), made BIGSERIAL here; else None.
    serial: str | None


@functools.cache
def tables() -> dict[str, Table]:
    """Every table the migrations create, with the columns later migrations add."""
    found: dict[str, Table] = {}
    for script in MIGRATIONS:
        for statement in statements(script):
            created = _CREATE_RE.match(statement)
            if created:
                found[created.group(1)] = _table(created.group(1), created.group(2))
                continue
            added = _ALTER_ADD_RE.match(statement)
            if added and added.group(1) in found:
                table = found[added.group(1)]
                found[table.name] = Table(table.name, (*table.columns, added.group(2)), table.primary_key, table.serial)
    return found


def _table(name: str, body: str) -> Table:
    columns: list[str] = []
    key: tuple[str, ...] = ()
    serial = None
    for line in _split_top(body):
        line = line.strip()
        match = re.match(r"PRIMARY\s+KEY\s*\(([^)]*)\)", line, re.I)
        if match:
            key = tuple(c.strip() for c in match.group(1).split(","))
            continue
        if not line or re.match(r"(UNIQUE|CHECK|FOREIGN|CONSTRAINT)\b", line, re.I):
            continue
        column = line.split()[0]
        columns.append(column)
        if re.search(r"\bPRIMARY\s+KEY\b", line, re.I):
            key = (column,)
            if re.match(r"\w+\s+INTEGER\s+PRIMARY\s+KEY", line, re.I):
                serial = column
    return Table(name, tuple(columns), key, serial)


def _split_top(body: str) -> list[str]:
    """A CREATE TABLE body split at its top-level commas."""
    parts, depth, current = [], 0, ""
    for char in body:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _quote(column: str) -> str:
    return f'"{column}"' if column in RESERVED else column


def _tokens(sql: str) -> str:
    """Placeholders and reserved names translated outside string literals."""
    pieces = _STRING_RE.split(sql)
    for n in range(0, len(pieces), 2):
        code = pieces[n].replace("%", "%%").replace("?", "%s")
        pieces[n] = _RESERVED_RE.sub(r'"\1"', code)
    return "".join(pieces)


@dataclass(frozen=True)
class Statement:
    text: str
    # The column whose value `lastrowid` reports (an INSERT into a table with a serial key).
    returning: str | None = None


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> Statement:
    """One SQLite statement as PostgreSQL runs it."""
    text = _tokens(sql.strip())
    insert = _INSERT_RE.match(sql)
    if insert is None:
        return Statement(text)
    mode, name, column_list = insert.group(1), insert.group(2), insert.group(3)
    text = re.sub(r"^\s*INSERT\s+OR\s+\w+\s+INTO", "INSERT INTO", text, flags=re.I)
    table = tables().get(name)
    if mode and mode.upper() == "IGNORE":
        return Statement(text + " ON CONFLICT DO NOTHING")
    if mode and mode.upper() == "REPLACE":
        if table is None or not table.primary_key:
            raise ValueError(f"INSERT OR REPLACE into {name}: no primary key known from the migrations")
        columns = [c.strip() for c in column_list.split(",")]
        rest = [c for c in columns if c not in table.primary_key]
        conflict = ", ".join(_quote(c) for c in table.primary_key)
        if not rest:
            return Statement(f"{text} ON CONFLICT ({conflict}) DO NOTHING")
        update = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in rest)
        return Statement(f"{text} ON CONFLICT ({conflict}) DO UPDATE SET {update}")
    if table is not None and re.search(r"\bDO\s+UPDATE\s+SET\b", text, re.I):
        return Statement(_qualify_updates(text, table))
    if table is not None and table.serial and "RETURNING" not in text.upper() and "ON CONFLICT" not in text.upper():
        return Statement(f"{text} RETURNING {table.serial}", returning=table.serial)
    return Statement(text)


def _qualify_updates(text: str, table: Table) -> str:
    """Columns named bare on the right of `DO UPDATE SET col = ...` qualified by their table:
    SQLite reads them as the existing row's, PostgreSQL finds them ambiguous with EXCLUDED's."""
    match = re.search(r"\bDO\s+UPDATE\s+SET\b", text, re.I)
    assert match is not None
    head, tail = text[: match.end()], text[match.end():]
    where = re.search(r"\bWHERE\b", tail, re.I)
    body, rest = (tail[: where.start()], tail[where.start():]) if where else (tail, "")
    columns = "|".join(re.escape(c) for c in sorted(table.columns, key=len, reverse=True))
    bare = re.compile(rf"(?<![.\w\"])\b({columns})\b(?!\s*\()")
    parts = []
    for assignment in _split_top(body):
        target, _, value = assignment.partition("=")
        pieces = _STRING_RE.split(value)
        for n in range(0, len(pieces), 2):
            pieces[n] = bare.sub(rf"{table.name}.\1", pieces[n])
        parts.append(f"{target}={''.join(pieces)}")
    return head + ",".join(parts) + rest


def ddl(script: str, number: int | None = None) -> list[str]:
    """A migration's statements as PostgreSQL runs them: SQLite's types and implicit rowid made
    explicit, an FTS5 table as a plain table with a full-text index, then the statements for
    PostgreSQL alone (`migrations.postgres_only`). `number` (1-based): the
    back-fills of migrations older than PostgreSQL stores are left out, having nothing to fill."""
    out: list[str] = []
    for statement in statements(script):
        if number is not None and number <= BEFORE_POSTGRES and _BACKFILL_RE.match(statement):
            continue
        fts = _FTS_RE.match(statement)
        if fts:
            name = fts.group(1)
            columns = [c.strip() for c in _split_top(fts.group(2)) if c.strip() and "=" not in c]
            out.append(f"CREATE TABLE {name} (rowid BIGINT PRIMARY KEY, {', '.join(f'{c} TEXT' for c in columns)})")
            text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
            out.append(f"CREATE INDEX {name}_text ON {name} USING GIN (to_tsvector('simple', {text}))")
            continue
        created = _CREATE_RE.match(statement)
        text = re.sub(r"\bREAL\b", "DOUBLE PRECISION", statement)
        text = re.sub(r"\bINTEGER\s+PRIMARY\s+KEY\b", "BIGSERIAL PRIMARY KEY", text, flags=re.I)
        out.append(_tokens(text).replace("%%", "%"))
        if created and tables()[created.group(1)].serial is None:
            # SQLite numbers every row (`ORDER BY rowid` is insertion order); here a column does.
            out.append(f"ALTER TABLE {created.group(1)} ADD COLUMN rowid BIGSERIAL")
    # Written in PostgreSQL's own dialect: not translated.
    return out + postgres_only(script)


class Row(tuple):  # type: ignore[type-arg]
    """A result row read by position or by column name, as sqlite3.Row is."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            key = self._index[key]
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    index = {column.name: n for n, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


class Cursor:
    """What `execute` returns: rows to fetch or iterate, `lastrowid` and `rowcount`."""

    def __init__(self, cursor: Any, returning: str | None):
        self._cursor = cursor
        self.lastrowid: int | None = None
        self.rowcount = cursor.rowcount
        if returning is not None:
            row = cursor.fetchone()
            self.lastrowid = int(row[0]) if row else None

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class Connection:
    """A psycopg connection that takes SQLite's SQL, in autocommit mode (transactions are explicit)."""

    def __init__(self, url: str, schema: str, application: str):
        import psycopg

        self.schema = schema
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory,
                                   application_name=application[:63], connect_timeout=10)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        statement = translate(sql)
        cursor = self.raw.cursor()
        cursor.execute(statement.text, tuple(params) if not isinstance(params, dict) else params)
        return Cursor(cursor, statement.returning)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        text = translate(sql).text.removesuffix(f" RETURNING {translate(sql).returning}")
        batch = [tuple(r) for r in rows]
        if batch:
            with self.raw.cursor() as cursor:
                cursor.executemany(text, batch)

    def run(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        """A statement in PostgreSQL's own dialect, untranslated (placeholders `%s` or `%(name)s`)."""
        cursor = self.raw.cursor()
        cursor.execute(sql, params if isinstance(params, dict) else tuple(params) if params else None)
        return Cursor(cursor, None)

    def close(self) -> None:
        self.raw.close()
