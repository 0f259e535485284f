"""`briefgen sources import FILE.opml`: the feeds of an OPML file (as feed readers export
them) appended to the config file as text, so its comments and layout stay as they were."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..config import Config, load_config, parse_config
from ..config.yamlload import safe_load
from ..errors import ConfigError
from ..sanitise import one_line

SOURCES_KEY_RE = re.compile(r"^sources:[ \t]*(?:#.*)?$", re.M)
TOP_LEVEL_RE = re.compile(r"^[^\s#\-]")
ITEM_RE = re.compile(r"^([ \t]*)- ", re.M)


@dataclass(frozen=True)
class OpmlFeed:
    name: str
    url: str


def read_opml(path: Path) -> list[OpmlFeed]:
    """Every outline with an http(s) `xmlUrl`, in document order, without repeats."""
    from lxml import etree

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read: {exc.strerror or exc}"]) from None
    # No entity expansion, no network: an OPML file is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise ConfigError(str(path), ["not an OPML file (no <opml> root element)"])
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        attrs = {k.lower(): (v or "").strip() for k, v in outline.attrib.items()}
        url = attrs.get("xmlurl", "")
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or url in seen:
            continue
        seen.add(url)
        # An OPML file is someone else's: its names become config lines and log lines.
        name = one_line(attrs.get("title") or attrs.get("text") or "") or parts.netloc
        feeds.append(OpmlFeed(name, url))
    return feeds


def import_opml(config_path: Path, opml_path: Path) -> tuple[list[OpmlFeed], list[OpmlFeed]]:
    """Add the OPML file's feeds that the config lacks; return (added, already there).

    The new entries are inserted as text at the end of the `sources:` list, and the
    result is validated before the file is replaced (atomically)."""
    from ..deliver.files import atomic_write

    config = load_config(config_path)
    text = config_path.read_text(encoding="utf-8")
    known_urls = {s.url for s in config.sources if s.url}
    names = {s.name for s in config.sources}
    added: list[OpmlFeed] = []
    skipped: list[OpmlFeed] = []
    for feed in read_opml(opml_path):
        if feed.url in known_urls:
            skipped.append(feed)
            continue
        name = _unique(feed.name, names)
        names.add(name)
        added.append(OpmlFeed(name, feed.url))
    if not added:
        return added, skipped
    updated = _insert_sources(text, added, opml_path.name, str(config_path))
    _validate(updated, config, str(config_path))
    atomic_write(config_path, updated.encode("utf-8"))
    return added, skipped


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _insert_sources(text: str, feeds: list[OpmlFeed], origin: str, where: str) -> str:
    match = SOURCES_KEY_RE.search(text)
    if match is None:
        raise ConfigError(where, ["sources: cannot add feeds as text: write 'sources:' as a block list, one '- name: ...' entry per line"])
    lines = text[match.end():].split("\n")[1:]
    start_line = text[: match.end()].count("\n") + 1
    end = len(lines)
    for i, line in enumerate(lines):
        if TOP_LEVEL_RE.match(line):
            end = i
            break
    # Blank lines and column-0 comments just before the next key belong to that key.
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    block = "\n".join(lines[:end])
    item = ITEM_RE.search(block)
    indent = item.group(1) if item else "  "
    entries = [f"{indent}# Imported from {origin}"]
    for feed in feeds:
        # JSON strings are valid YAML double-quoted scalars: any name or URL is safe.
        entries.append(f"{indent}- name: {json.dumps(feed.name, ensure_ascii=False)}")
        entries.append(f"{indent}  url: {json.dumps(feed.url, ensure_ascii=False)}")
    all_lines = text.split("\n")
    at = start_line + end
    return "\n".join(all_lines[:at] + entries + all_lines[at:])


def _validate(text: str, config: Config, where: str) -> None:
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(where, [f"adding the feeds would break the file's YAML ({exc}); nothing was changed"]) from None
    try:
        new = parse_config(data, source=where, base_dir=config.base_dir)
    except ConfigError as exc:
        raise ConfigError(where, [*exc.problems, "nothing was changed"]) from None
    if len(new.sources) <= len(config.sources):
        raise ConfigError(where, ["sources: the new entries did not land in the sources list; nothing was changed"])
