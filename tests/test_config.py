from __future__ import annotations

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
