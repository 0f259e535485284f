"""A feed's XML as text before it is parsed: entity declarations looked for in the text the
parser will read (whatever charset the feed declares), and UTF-8 with a stray bad byte
repaired rather than read whole as another charset."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

# The XML declaration's encoding, read in an ASCII-compatible view of the first bytes.
DECLARED_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
# Spelled as XML spells it, but looked for in any case: a parser may be lenient.
ENTITY_RE = re.compile(r"<!\s*ENTITY", re.I)
UTF8 = {"utf-8", "utf8", "utf_8"}
# How '<?xm' looks in each encoding family without a byte order mark (XML 1.0, appendix F).
FAMILIES = {
    b"\x00\x00\x00\x3c": "utf-32-be", b"\x3c\x00\x00\x00": "utf-32-le",
    b"\x00\x3c\x00\x3f": "utf-16-be", b"\x3c\x00\x3f\x00": "utf-16-le",
    b"\x4c\x6f\xa7\x94": "cp037",
}
BOMS = ((codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"))


class EntityDeclared(Exception):
    """The feed's DTD declares entities."""


def family(body: bytes) -> tuple[str | None, int]:
    """The encoding family the first bytes show (a BOM or '<?xm' in it), and the BOM's length."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name, len(bom)
    return FAMILIES.get(body[:4]), 0


def declared(body: bytes) -> str | None:
    """The encoding the XML declaration names, read in the family the first bytes show."""
    name, bom = family(body)
    head = body[bom:bom + 1024]
    if name and name != "utf-8":
        try:
            head = head.decode(name, "replace").encode("ascii", "replace")
        except LookupError:
            return None
    match = DECLARED_RE.match(head)
    return match.group(1).decode("ascii").lower() if match else None


def http_charset(headers: Mapping[str, str]) -> str | None:
    match = CHARSET_RE.search(headers.get("content-type", ""))
    return match.group(1).lower() if match else None


def repair_utf8(body: bytes, headers: Mapping[str, str]) -> tuple[bytes, int]:
    """A feed that says it is UTF-8 (its declaration and header agree, or say nothing) but
    holds invalid bytes: each bad sequence becomes U+FFFD and the rest is kept as written,
    where a parser would read the whole document as windows-1252 or latin-2. Returns the
    bytes to parse and how many sequences were replaced (0: `body` as it was)."""
    name, bom = family(body)
    if name not in (None, "utf-8"):
        return body, 0
    said = {declared(body), http_charset(headers)} - {None}
    if not said <= UTF8:
        return body, 0
    try:
        body.decode("utf-8")
        return body, 0
    except UnicodeDecodeError:
        pass
    text = body[bom:].decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.count("\ufffd".encode())
    return text.encode("utf-8"), max(bad, 1)


def readings(body: bytes, headers: Mapping[str, str]) -> list[str]:
    """The document as text in every reading a parser may take: what feedparser decodes it
    to, and the family and encoding its first bytes and declaration name."""
    from feedparser.encodings import convert_to_utf8

    texts = [convert_to_utf8(dict(headers), body, {}).decode("utf-8", "replace")]
    name, bom = family(body)
    for codec in dict.fromkeys(c for c in (name, declared(body), http_charset(headers)) if c):
        try:
            texts.append(body[bom:].decode(codec, "replace"))
        except LookupError:
            continue
    return texts


def refuse_entities(body: bytes, headers: Mapping[str, str] | None = None) -> None:
    """EntityDeclared when a feed's DTD declares entities, in any reading of it: checked in
    the decoded text, so UTF-7, UTF-16 or EBCDIC cannot hide a declaration from a byte search."""
    for text in readings(body, headers or {}):
        if _declares(text):
            raise EntityDeclared


class _Prolog(Exception):
    """The root element began: the DTD, where entities are declared, is behind us."""


def _declares(text: str) -> bool:
    """Whether the prolog declares an entity. Expat reads the prolog (and nothing beyond the
    root element's start tag); a prolog it cannot read is searched as text."""
    import xml.parsers.expat

    if not ENTITY_RE.search(text):
        return False
    declared_any: list[str] = []

    def entity(name: str, *args: object) -> None:
        declared_any.append(name)
        raise _Prolog

    def start(name: str, attrs: object) -> None:
        raise _Prolog

    parser = xml.parsers.expat.ParserCreate("utf-8")
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    # Never fetch an external DTD or entity, whatever the document asks.
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(XML_DECLARATION_RE.sub("", text.lstrip("\ufeff"), count=1).encode("utf-8"), True)
    except _Prolog:
        return bool(declared_any)
    except (xml.parsers.expat.ExpatError, ValueError):
        return True  # the text holds a declaration and expat cannot say where: refused
    return False
