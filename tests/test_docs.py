"""Documentation cannot rot: the reference pages match the code, and every config key,
command, option, exit code and JSON field is documented in docs/."""

from __future__ import annotations

import argparse
import ast
import difflib
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from briefgen import docs
from briefgen.cli import build_parser
from briefgen.config import Config
from briefgen.errors import ExitStatus

from .conftest import ROOT

DOCS = ROOT / "docs"
RUN = "run `make docs` and commit the result"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# --- the generated pages ------------------------------------------------------------------


def test_generated_pages_are_up_to_date():
    texts, _ = docs.build(DOCS)
    for name, text in texts.items():
        old = page(name)
        if old != text:
            diff = "".join(list(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), f"docs/{name}", "generated"))[:40])
            pytest.fail(f"docs/{name} is out of date with the code: {RUN}\n{diff}")


def test_the_code_documents_itself():
    """A config key without a description, an option without help, an exit code without
    its comment: the generated pages would have a hole."""
    _, undocumented = docs.build(DOCS)
    assert not undocumented, "undocumented in the code:\n" + "\n".join(undocumented)


# --- everything is in the pages (guards the generator too) --------------------------------


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key of sources.yaml by its full path, walked here independently of the generator."""
    keys = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        # A key spelled differently in the file (`from`) is documented as spelled there.
        path = prefix + (field.alias or name)
        keys.append(path)
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                is_list = getattr(field.annotation, "__origin__", None) is list
                keys.extend(_keys(candidate, path + ("[]." if is_list else ".")))
    return keys


def test_every_config_key_is_documented():
    text = page("configuration.md")
    missing = [key for key in _keys(Config) if f"| `{key}` |" not in text]
    assert not missing, f"config keys missing from docs/configuration.md ({RUN}): {missing}"


def _commands(parser: argparse.ArgumentParser, prog: str = "briefgen"):
    """Every command and subcommand with its parser; an alias is documented under its command."""
    yield prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: list[argparse.ArgumentParser] = []
            for name, sub in action.choices.items():
                if not any(sub is s for s in seen):
                    seen.append(sub)
                    yield from _commands(sub, f"{prog} {name}")


def _section(text: str, heading: str) -> str:
    """The text under a heading, up to the next heading of any level."""
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


def test_every_command_and_option_is_documented():
    text = page("cli.md")
    top = _section(text, "`briefgen`")
    for who, parser in _commands(build_parser()):
        section = _section(text, f"`{who}`")
        assert section, f"`{who}` has no section in docs/cli.md ({RUN})"
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            # The logging options every command repeats (default SUPPRESS) are documented once, at the top.
            shared = action.option_strings and action.default is argparse.SUPPRESS \
                and not isinstance(action, argparse._VersionAction)
            names = action.option_strings or ([action.metavar] if isinstance(action.metavar, str) else [])
            for name in names:
                assert re.search(rf"^\| `[^`]*{re.escape(name)}\b", top if shared else section, re.M), \
                    f"{who} {name} is not documented in docs/cli.md ({RUN})"


def test_every_exit_code_is_documented():
    text = page("cli.md")
    for status in ExitStatus:
        row = re.search(rf"^\| {status.value} \| `{status.name}` \| (.+) \|$", text, re.M)
        assert row and row.group(1).strip(), f"exit code {status.value} {status.name} is not documented"


def _json_fields() -> set[str]:
    """Every key the JSON writer puts in a brief: the string keys of its dict literals."""
    tree = ast.parse((ROOT / "briefgen" / "render" / "jsonout.py").read_text(encoding="utf-8"))
    return {key.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)}


def test_every_json_field_is_documented():
    text = page("json.md")
    # A field is written `name`, a list `name[]`, a nested one `parent[].name`.
    missing = sorted(f for f in _json_fields() if not re.search(rf"[`.]{f}(\[\])?`", text))
    assert len(_json_fields()) > 50  # the walk found the writer's fields
    assert not missing, f"JSON fields missing from docs/json.md: {missing}"


# --- links and the picture ----------------------------------------------------------------

LINK_RE = re.compile(r"\]\(([^)\s]+)\)")


def _outside_code(text: str) -> list[str]:
    """The lines of a Markdown text that are not inside a fenced code block."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def _anchors(path: Path) -> set[str]:
    headings = [line.lstrip("#").strip() for line in _outside_code(path.read_text(encoding="utf-8"))
                if line.startswith("#")]
    return {docs.anchor(h.replace("`", "")) for h in headings}


MARKDOWN = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("source", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_resolve(source: Path):
    for line in _outside_code(source.read_text(encoding="utf-8")):
        for target in LINK_RE.findall(line):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: not checked offline
            file, _, fragment = target.partition("#")
            path = (source.parent / file).resolve() if file else source
            assert path.exists(), f"{source.name}: link to missing {target}"
            if fragment and path.suffix == ".md":
                assert fragment in _anchors(path), f"{source.name}: no heading for {target}"


def test_every_page_is_linked_from_the_readme_and_the_index():
    readme, index = (ROOT / "README.md").read_text(encoding="utf-8"), page("index.md")
    for path in DOCS.glob("*.md"):
        if path.name != "index.md":
            assert f"docs/{path.name})" in readme, f"README.md does not link docs/{path.name}"
            assert f"({path.name})" in index, f"docs/index.md does not link {path.name}"


def test_the_picture_of_a_brief_is_there():
    picture = DOCS / "brief.png"
    assert picture.exists(), f"docs/brief.png is missing: {RUN}"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "(docs/brief.png)" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- the generator's prose blocks -----------------------------------------------------------


def test_prose_is_kept_and_placed_by_its_key(tmp_path: Path):
    texts, _ = docs.build(tmp_path)  # no pages yet: every block empty
    cli = texts["cli.md"].replace("<!-- prose briefgen check -->\n",
                                  "<!-- prose briefgen check -->\nHand-written.\n\n")
    (tmp_path / "cli.md").write_text(cli, encoding="utf-8")
    again, _ = docs.build(tmp_path)
    assert again["cli.md"] == cli
    assert "Hand-written." in _section(again["cli.md"], "`briefgen check`")


def test_prose_whose_place_is_gone_stops_the_generator(tmp_path: Path):
    (tmp_path / "cli.md").write_text("<!-- prose briefgen gone -->\nText.\n<!-- /prose -->\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="briefgen gone"):
        docs.build(tmp_path)


def test_a_prose_block_it_cannot_read_stops_the_generator(tmp_path: Path):
    (tmp_path / "cli.md").write_text("<!-- prose intro -->\nText.\n<!-- /prose-->\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not closed"):
        docs.build(tmp_path)
