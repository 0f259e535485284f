from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.config import json_schema, load_config
from briefgen.errors import ConfigError, ExitStatus

from .conftest import DEFAULT_CONFIG, write

MINIMAL_THEMES = """
themes:
  - key: missiles
    label: Missiles
    terms: [missile]
"""


def test_default_config_is_valid_and_ships_the_three_themes():
    config = load_config(DEFAULT_CONFIG)
    assert [(t.key, t.label) for t in config.themes] == [
        ("missiles", "Missiles"),
        ("drills", "Military drills"),
        ("russia", "Russia ties"),
    ]
    assert config.timezone == "Asia/Seoul"
    assert config.sources[0].window == "all"


def test_three_mistakes_are_all_reported_by_path(tmp_path: Path):
    path = write(tmp_path / "sources.yaml", """
        title: Brief
        timezone: Europe/Nowhere
        sources:
          - name: seeds
            path: seeds/
            windw: all
        themes:
          - key: missiles
            label: Missiles
            terms: [missile]
          - label: Drills
            terms: [drill]
        """)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    problems = info.value.problems
    assert len(problems) == 3, problems
    assert "timezone: 'Europe/Nowhere' is not an IANA time zone (e.g. 'Asia/Seoul')" in problems
    assert "sources[0].windw: unknown key (did you mean 'window'?)" in problems
    assert "themes[1].key: field required" in problems
    assert info.value.status == ExitStatus.CONFIG_ERROR


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    path = write(tmp_path / "sources.yaml", """
        title: Brief
        sources:
          - name: seeds
            path: [unclosed
        """)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "line 5" in str(info.value) or "line 4" in str(info.value)
    assert "YAML syntax error" in str(info.value)


@pytest.mark.parametrize(
    "source, message",
    [
        ("{name: a}", "sources[0]: give exactly one of 'path' or 'url'"),
        ("{name: a, path: x, url: 'https://e.org/f'}", "sources[0]: give exactly one of 'path' or 'url'"),
        ("{name: a, url: 'ftp://e.org/f'}", "sources[0].url: 'ftp://e.org/f' is not an http(s) URL"),
        ("{name: a, path: x, window: weekly}", "sources[0].window: 'weekly' is not a window"),
    ],
)
def test_source_problems(tmp_path: Path, source: str, message: str):
    path = write(tmp_path / "c.yaml", f"sources:\n  - {source}\n" + MINIMAL_THEMES)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems


def test_feed_url_is_accepted(tmp_path: Path):
    path = write(tmp_path / "c.yaml", "sources:\n  - {name: f, url: 'https://example.org/rss'}\n" + MINIMAL_THEMES)
    assert load_config(path).sources[0].url == "https://example.org/rss"


def test_missing_file_and_non_mapping(tmp_path: Path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.yaml")
    path = write(tmp_path / "list.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(path)


def test_duplicate_theme_keys_and_sexagesimal_cutoff(tmp_path: Path):
    path = write(tmp_path / "c.yaml", """
        sources: [{name: a, path: x}]
        themes:
          - {key: m, label: M, terms: [missile]}
          - {key: m, label: N, terms: [drill]}
        brief: {cutoff: 06:30}
        """)
    with pytest.raises(ConfigError, match="duplicate key 'm'"):
        load_config(path)
    ok = write(tmp_path / "ok.yaml", "sources: [{name: a, path: x}]\nbrief: {cutoff: 06:30}\n" + MINIMAL_THEMES)
    assert load_config(ok).brief.cutoff.isoformat() == "06:30:00"


def test_schema_is_published_without_internal_fields():
    schema = json_schema()
    assert {"title", "timezone", "sources", "themes", "brief", "output"} <= set(schema["properties"])
    assert "base_dir" not in schema["properties"]


def test_distribution_line_is_one_line_of_text(tmp_path: Path):
    base = "title: Brief\nsources: [{name: s, path: x}]\n" + MINIMAL_THEMES
    ok = load_config(write(tmp_path / "ok.yaml", base + 'output:\n  distribution: "  Internal —  do not forward "\n'))
    assert ok.output.distribution == "Internal — do not forward"
    blank = load_config(write(tmp_path / "blank.yaml", base + 'output:\n  distribution: "   "\n'))
    assert blank.output.distribution is None
    assert load_config(write(tmp_path / "none.yaml", base)).output.distribution is None
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "bad.yaml", base + 'output:\n  distribution: "line one\\nline two"\n'))
    assert "output.distribution: must be one line of text" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "long.yaml", base + f"output:\n  distribution: {'x' * 121}\n"))
    assert "output.distribution: String should have at most 120 characters" in str(info.value)


# --- Numbers that parse but cannot be used, duplicate keys --------------------------------

EMAIL = {"host": "127.0.0.1", "from": "brief@example.org", "to": ["a@example.org"]}


def _numeric_fields() -> list[tuple[str, ...]]:
    """The path of every number in the schema (integer or float), walked from the JSON Schema
    so that a field added later is covered without touching this test."""
    schema = json_schema()
    defs = schema.get("$defs", {})
    found: list[tuple[str, ...]] = []

    def types(node: dict) -> set[str]:
        kinds = {node.get("type")} if isinstance(node.get("type"), str) else set(node.get("type") or [])
        for option in node.get("anyOf", []):
            kinds |= types(option)
        return kinds - {None}

    def resolve(node: dict) -> dict | None:
        if "$ref" in node:
            return defs[node["$ref"].split("/")[-1]]
        for option in node.get("anyOf", []):
            target = resolve(option)
            if target is not None:
                return target
        return None

    def walk(node: dict, path: tuple[str, ...]) -> None:
        for name, prop in node.get("properties", {}).items():
            here = (*path, name)
            if types(prop) & {"integer", "number"}:
                found.append(here)
            if prop.get("type") == "array" and "$ref" in prop.get("items", {}):
                walk(resolve(prop["items"]) or {}, (*here, "0"))
            elif prop.get("type") == "object" and types(prop.get("additionalProperties", {})) & {"number"}:
                found.append((*here, "*"))
            target = resolve(prop)
            if target is not None:
                walk(target, here)

    walk(schema, ())
    return found


# A valid entry for each list of the config that sources.yaml leaves empty.
LIST_ENTRIES = {"alerts": {"name": "launches", "theme": "missiles", "webhook": "https://hooks.example.org/alert"}}


def _config_with(tmp_path: Path, where: tuple[str, ...], value: object) -> Path:
    import yaml

    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["email"] = dict(EMAIL)
    node: object = data
    for k, part in enumerate(where[:-1]):
        if isinstance(node, list):
            node = node[int(part)]
        elif where[k + 1].isdigit() and part not in node:  # type: ignore[operator]
            # A list the default config leaves out (alerts): one valid entry to put the number in.
            node = node.setdefault(part, [dict(LIST_ENTRIES[part])])  # type: ignore[union-attr]
        else:
            node = node.setdefault(part, {})  # type: ignore[union-attr]
    last = where[-1]
    if last == "*":
        node[next(iter(node))] = value  # type: ignore[index]
    else:
        node[last] = value  # type: ignore[index]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
    # Written by hand: Python itself will not turn a 5,000-digit integer into text.
    text = re.sub(r"'?__HUGE__'?", "9" * 5000, text)
    assert "__HUGE__" not in text
    return write(tmp_path / "sources.yaml", text)


def test_the_walk_finds_the_numbers_of_every_section():
    fields = {".".join(f) for f in _numeric_fields()}
    for expected in ("feeds.connect_timeout", "feeds.max_size", "email.timeout", "schedule.deadline",
                     "themes.0.threshold", "themes.0.terms.*", "output.render_timeout", "brief.max_article_chars"):
        assert expected in fields, sorted(fields)
    assert len(fields) >= 35


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 10**30, -(10**30), "__HUGE__"],
                         ids=["inf", "-inf", "nan", "1e30", "-1e30", "5000-digits"])
def test_a_number_that_cannot_be_used_is_a_config_error_naming_its_field(tmp_path: Path, value: object):
    for where in _numeric_fields():
        path = _config_with(tmp_path, where, value)
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        shown = ".".join(where).replace(".0.", "[0].").replace(".0", "[0]").removesuffix(".*")
        assert shown in str(caught.value), (where, str(caught.value))
        assert "Error" not in str(caught.value) and "Overflow" not in str(caught.value)
        assert len(str(caught.value)) < 400, str(caught.value)


def test_every_number_at_its_largest_allowed_value_still_makes_a_brief(tmp_path: Path):
    # The caps are where they are because beyond them something overflows: at them, nothing does.
    import yaml

    from briefgen.cli import main
    from briefgen.config.base import MAX_NUMBER

    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config = load_config(DEFAULT_CONFIG)
    data["feeds"] = {name: (36500 if name == "stale_days" else f.metadata and next(
        (m.le for m in f.metadata if hasattr(m, "le")), None) or MAX_NUMBER)
        for name, f in type(config.feeds).model_fields.items() if f.annotation in (int, float)}
    data["output"] = {**data.get("output", {}), "render_timeout": MAX_NUMBER, "formats": ["json", "md"]}
    data["brief"] = {**data.get("brief", {}), "max_article_chars": MAX_NUMBER, "max_line_chars": MAX_NUMBER}
    data["schedule"] = {"deadline": MAX_NUMBER, "retry_delay": MAX_NUMBER}
    data["sources"][0]["window"] = "36500d"
    write(tmp_path / "sources.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    for name in ("seeds",):
        (tmp_path / name).symlink_to(DEFAULT_CONFIG.parent / name)
    assert main(["check", "--offline", "-q", "--config", str(tmp_path / "sources.yaml")]) == 0
    assert main(["generate", "-q", "--offline", "--config", str(tmp_path / "sources.yaml"), "--date", "2024-01-17",
                 "--window", "36500d"]) == 0


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path: Path):
    path = write(tmp_path / "sources.yaml", DEFAULT_CONFIG.read_text(encoding="utf-8")
                 + "feeds:\n  read_timeout: 5\n  retries: 2\n  read_timeout: 50\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines, 1) if line.strip() == "read_timeout: 5")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"line {first + 2}: key 'read_timeout' given twice, on line {first} and line {first + 2}" in message
    assert caught.value.status == ExitStatus.CONFIG_ERROR


def test_a_merge_key_may_still_be_overridden(tmp_path: Path):
    # `<<: *anchor` then the same key is YAML's way to override, not a mistake.
    text = DEFAULT_CONFIG.read_text(encoding="utf-8") + (
        "x-timeouts: &t {read_timeout: 5, retries: 1}\nfeeds:\n  <<: *t\n  read_timeout: 50\n")
    path = write(tmp_path / "sources.yaml", text)
    with pytest.raises(ConfigError) as caught:  # x-timeouts is an unknown key, and only that
        load_config(path)
    assert "x-timeouts: unknown key" in str(caught.value) and "twice" not in str(caught.value)
