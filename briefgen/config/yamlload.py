"""YAML read safely for every file briefgen reads (the config, article front matter,
feedback and labelled sets): aliases may not make a small file huge.

PyYAML builds an alias as a second reference to the same object, so loading a
"billion laughs" file is quick; what explodes is whatever walks it later (validation,
str(), JSON). So the composed node graph is measured first, each alias counted as the
whole of what it stands for, and a document whose aliases add more than `ALIAS_BUDGET`
is refused before any object, let alone any text, is made from it.
"""

from __future__ import annotations

from typing import Any

import yaml

# Nodes plus scalar characters that aliases may add to a document. Real configs use a
# handful of aliases for shared settings; a bomb asks for billions.
ALIAS_BUDGET = 1_000_000


class AliasBomb(yaml.MarkedYAMLError):
    """A document whose aliases would expand past `ALIAS_BUDGET` (or into themselves)."""


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that measures a document's expansion before constructing it."""

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            measure(node)
        return node


# Python will not turn an integer of more than 4,300 decimal digits (about 14,000 bits) into text.
PRINTABLE_INT_BITS = 14_000


def _as_text_if_unbuildable(build: Any) -> Any:
    """PyYAML's constructor `build`, keeping as text what matches its pattern but cannot be
    built or used: an integer of 4,300 digits or more (Python refuses to convert it, from
    decimal or, from hex, back to text), a date like 2024-13-45. The schema or the reader
    then refuses it by name (and a title of 5,000 digits is only a strange title), instead
    of a ValueError from nowhere."""

    def construct(loader: BoundedLoader, node: yaml.ScalarNode) -> Any:
        try:
            value = build(loader, node)
        except (ValueError, OverflowError):
            return str(node.value)
        if isinstance(value, int) and value.bit_length() > PRINTABLE_INT_BITS:
            return str(node.value)
        return value

    return construct


BoundedLoader.add_constructor("tag:yaml.org,2002:int", _as_text_if_unbuildable(yaml.SafeLoader.construct_yaml_int))
BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp",
                              _as_text_if_unbuildable(yaml.SafeLoader.construct_yaml_timestamp))


def measure(root: yaml.Node) -> int:
    """The document's size with every alias expanded; AliasBomb past the budget."""
    plain = _weights(root)
    expanded: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in expanded:
            return expanded[key]
        if key in open_nodes:
            raise AliasBomb(None, None, "an alias refers to the node that holds it", node.start_mark)
        open_nodes.add(key)
        total = _own(node)
        for child in _children(node):
            total += size(child)
            if total > plain + ALIAS_BUDGET:
                raise AliasBomb(None, None, f"aliases expand the document past {ALIAS_BUDGET:,} nodes and characters"
                                " (a 'billion laughs'); refused", node.start_mark)
        open_nodes.discard(key)
        expanded[key] = total
        return total

    return size(root)


def _own(node: yaml.Node) -> int:
    return 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _weights(root: yaml.Node) -> int:
    """The document's size with each node counted once, as written."""
    seen: set[int] = set()
    total = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        total += _own(node)
        stack.extend(_children(node))
    return total


def safe_load(text: str, loader: type[BoundedLoader] | None = None) -> Any:
    """yaml.safe_load, refusing alias bombs (AliasBomb, a yaml.MarkedYAMLError) and nesting
    too deep to walk (yaml.YAMLError); `loader` may be a stricter BoundedLoader."""
    try:
        return yaml.load(text, Loader=loader or BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError("nested too deeply to read") from None
