"""Reading sources.yaml: YAML that a person may have got wrong in ways PyYAML lets pass.

A key given twice is an error naming both lines (PyYAML keeps the last one silently, so
half a section could vanish unnoticed), and an integer too long to convert (Python refuses
more than 4,300 digits) is kept as text for the schema to refuse by its path, instead of
an unexpected ValueError.
"""

from __future__ import annotations

from typing import Any

import yaml

from .yamlload import BoundedLoader, safe_load

MERGE = "tag:yaml.org,2002:merge"


class YamlProblem(Exception):
    """A problem in the file, at a line (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


class _Loader(BoundedLoader):
    """PyYAML's safe loader, bounded against alias bombs and keeping impossible integers
    and dates as text (yamlload), strict about duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Before merges (`<<`) are flattened in: a key a merge brings may be overridden on purpose.
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlProblem(line, f"key {key!r} given twice, on line {seen[key]} and line {line}: keep one")
            seen[key] = line
        return super().construct_mapping(node, deep)


def load_yaml(text: str) -> Any:
    """The document in `text`; raises YamlProblem, or yaml.YAMLError for a syntax error."""
    return safe_load(text, _Loader)
