"""The reference pages written from the code: `python -m briefgen.docs` (what `make docs` runs).

docs/configuration.md comes from the config models, docs/cli.md from the argument parser
and ExitStatus. The generator owns each page's layout, so a key or command added in the
code gets its place in the right order; hand-written text lives in prose blocks,

    <!-- prose KEY -->
    ...
    <!-- /prose -->

which are read back from the page and put where KEY belongs in the new text. A prose
block whose KEY no longer exists stops the run rather than losing its text.
`--picture` also renders docs/brief.png, page 1 of the seeds' brief.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, Literal

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .cli import build_parser
from .config import Config
from .errors import ExitStatus

# Run from the root of a clone, as `make docs` does.
DOCS = Path("docs")
CONFIG = Path("sources.yaml")
PAGES = ("configuration.md", "cli.md")

PROSE_RE = re.compile(r"<!-- prose (?P<key>[^>]+?) -->\n(?P<text>.*?)<!-- /prose -->\n", re.S)
NOTICE = ("<!-- Written by `make docs` (python -m briefgen.docs) from {source}. "
          "Edit only between prose markers; the rest is replaced. -->")


@dataclass
class Page:
    """A page being written: its lines, the prose blocks kept from the old text, what is undocumented."""

    prose: dict[str, str]
    lines: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    undocumented: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def slot(self, key: str) -> None:
        """The hand-written text for `key` (empty at first), between its markers."""
        self.used.add(key)
        self.add(f"<!-- prose {key} -->", *self.prose.get(key, "").splitlines(), "<!-- /prose -->", "")

    def text(self) -> str:
        orphans = sorted(set(self.prose) - self.used)
        if orphans:
            raise SystemExit(f"docs: prose blocks with no place any more: {', '.join(orphans)}; "
                             "move their text elsewhere and remove the markers")
        return "\n".join(self.lines).rstrip("\n") + "\n"


def read_prose(text: str) -> dict[str, str]:
    """The prose blocks of a page by key; a block the pattern cannot read would be lost, so it stops the run."""
    blocks = list(PROSE_RE.finditer(text))
    keys = [m["key"] for m in blocks]
    if text.count("<!-- prose ") != len(blocks) or len(set(keys)) != len(keys):
        raise SystemExit("docs: a prose block is not closed by `<!-- /prose -->` on a line of its own, "
                         "or two blocks share a key; fix the page by hand")
    return {m["key"]: m["text"] for m in blocks}


def cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped, and outside `code` no <tags> or *emphasis*."""
    parts = " ".join(str(text).split()).split("`")
    for n in range(0, len(parts), 2):
        parts[n] = parts[n].replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")
    return "`".join(parts).replace("|", "\\|")


# --- docs/configuration.md ----------------------------------------------------------------


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The section model a field holds (directly, in a list or as an optional), if any."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _kind(annotation: Any) -> str:
    """A field's type in words: 'integer', 'list of strings', 'one of `a`, `b`'..."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return " or ".join(_kind(a) for a in rest)
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin is list:
        inner = _kind(args[0]) if args else "anything"
        return f"list of: {inner}" if inner.startswith("one of") else f"list of {inner}s"
    if origin is dict:
        return f"mapping of {_kind(args[0])} to {_kind(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    names = {str: "string", int: "integer", float: "number", bool: "boolean", time: "time (HH:MM)"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _limits(info: FieldInfo) -> str:
    """The bounds pydantic checks, in words."""
    rules = {type(rule): rule for rule in info.metadata}
    unit = "items" if _is_list(info.annotation) else "characters"
    words = []
    if Ge in rules and Le in rules:
        words.append(f"{rules[Ge].ge} to {rules[Le].le}")
    else:
        words += [f"≥ {rules[Ge].ge}"] if Ge in rules else []
        words += [f"≤ {rules[Le].le}"] if Le in rules else []
    words += [f"> {rules[Gt].gt}"] if Gt in rules else []
    words += [f"< {rules[Lt].lt}"] if Lt in rules else []
    if MinLen in rules:
        least = rules[MinLen].min_length
        words.append("not empty" if least == 1 else f"at least {least} {unit}")
    words += [f"at most {rules[MaxLen].max_length} {unit}"] if MaxLen in rules else []
    words += [f"matching `{rule.pattern}`" for rule in info.metadata if getattr(rule, "pattern", None)]
    return ", ".join(words)


def _type(info: FieldInfo) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    schema_types = extra.get("type")
    if isinstance(schema_types, list):
        # The file may spell the value otherwise than the model holds it ("30m" for 1800).
        kind = " or ".join(str(t) for t in schema_types)
    else:
        kind = _kind(info.annotation)
    limits = _limits(info)
    return f"{kind}; {limits}" if limits else kind


def _value(value: Any) -> str:
    """A default as it would be written in the YAML file."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, list | tuple):
        return "`[" + ", ".join(str(v) for v in value) + "]`"
    if isinstance(value, dict):
        return "`{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        return "its keys' defaults" if isinstance(value, BaseModel) else _value(value)
    if info.default is PydanticUndefined:
        return "required"
    return _value(info.default)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def config_keys(model: type[BaseModel] = Config, prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every key of the config file, by its full path (`sources[].url`), parents before children."""
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        # A key spelled differently in the file (`from`) is documented as spelled there.
        path = prefix + (info.alias or name)
        yield path, info
        sub = _model_of(info.annotation)
        if sub is not None:
            yield from config_keys(sub, path + ("[]." if _is_list(info.annotation) else "."))


def _sections(model: type[BaseModel], path: str) -> Iterator[tuple[str, type[BaseModel]]]:
    """Each model of the file with the path of its key ('' for the whole file), depth first."""
    yield path, model
    for name, info in model.model_fields.items():
        sub = _model_of(info.annotation)
        if sub is not None and not info.exclude:
            key = (path + "." if path else "") + (info.alias or name)
            yield from _sections(sub, key + ("[]" if _is_list(info.annotation) else ""))


def configuration_page(prose: dict[str, str]) -> Page:
    page = Page(prose)
    page.add("# Configuration reference", "", NOTICE.format(source="briefgen/config/"), "")
    page.slot("intro")
    for path, model in _sections(Config, ""):
        heading = f"`{path}`" if path else "Top-level keys"
        page.add(f"## {heading}", "")
        doc = inspect.getdoc(model) or ""
        page.add(doc.splitlines()[0] if doc else "", "")
        page.add("| key | type | default | meaning |", "|---|---|---|---|")
        for name, info in model.model_fields.items():
            if info.exclude:
                continue
            key = (path + ("." if path else "")) + (info.alias or name)
            sub = _model_of(info.annotation)
            section = key + ("[]" if _is_list(info.annotation) else "") if sub else None
            kind = _type(info)
            if section:
                kind += f" (see [`{section}`](#{anchor(section)}))"
            if not info.description:
                page.undocumented.append(f"config key {key}: no description")
            page.add(f"| `{key}` | {cell(kind)} | {cell(_default(info))} | {cell(info.description or '')} |")
        page.add("")
        page.slot(path or "top")
    return page


# --- docs/cli.md --------------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str | None, argparse.ArgumentParser]]:
    """A parser's commands in the order they were added: name, help, parser (aliases once)."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                out.append((choice.dest, choice.help, action.choices[choice.dest]))
    return out


def _usage(parser: argparse.ArgumentParser) -> str:
    # A fixed width: the page must not depend on the terminal that ran `make docs`.
    formatter = argparse.HelpFormatter(parser.prog, width=88)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _default_text(action: argparse.Action) -> str:
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        return "off" if action.default is False else "on"
    if action.default in (None, argparse.SUPPRESS) or isinstance(action, argparse._VersionAction):
        return ""
    value = action.default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def _invocation(action: argparse.Action, formatter: argparse.HelpFormatter) -> str:
    """`--config, -c CONFIG`: every spelling, then what it takes (written here, not by
    argparse, whose own form changed in Python 3.13)."""
    if not action.option_strings:
        return formatter._format_args(action, action.dest)
    takes = formatter._format_args(action, action.dest.upper()) if action.nargs != 0 else ""
    return " ".join(filter(None, [", ".join(action.option_strings), takes]))


def _options(parser: argparse.ArgumentParser, who: str, page: Page) -> None:
    formatter = argparse.HelpFormatter(parser.prog, width=88)
    rows = []
    shared = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings and action.default is argparse.SUPPRESS and not isinstance(action, argparse._VersionAction):
            # The logging options, repeated on every command so they may follow it: their
            # table is the top-level one, and a default of "SUPPRESS" means nothing to a reader.
            shared = True
            continue
        invocation = _invocation(action, formatter)
        if not action.help:
            page.undocumented.append(f"{who} {invocation}: no help text")
        meaning = formatter._expand_help(action) if action.help else ""
        if action.choices and not isinstance(action.choices, dict):
            meaning += " (one of " + ", ".join(f"`{c}`" for c in action.choices) + ")"
        rows.append(f"| `{cell(invocation)}` | {cell(_default_text(action))} | {cell(meaning)} |")
    if rows:
        page.add("| option | default | meaning |", "|---|---|---|", *rows, "")
    if shared and who != "briefgen":
        page.add("It also takes the [logging options](#briefgen) `-v`, `-q`, `--debug` and `--log-format`.", "")


def _command(parser: argparse.ArgumentParser, who: str, summary: str | None, page: Page, top_epilog: str | None) -> None:
    # `briefgen` and its commands are chapters; `briefgen sources import` is a section of `sources`.
    depth = min(max(2, len(who.split())), 4)
    page.add(f"{'#' * depth} `{who}`", "")
    text = parser.description or summary
    if not text:
        page.undocumented.append(f"{who}: no description or help")
    page.add(text or "", "", "```", _usage(parser), "```", "")
    if parser.epilog and parser.epilog != top_epilog:
        page.add(parser.epilog, "")
    _options(parser, who, page)
    children = _subcommands(parser)
    if children:
        page.add("| command | what it does |", "|---|---|")
        for name, help_text, _ in children:
            if not help_text:
                page.undocumented.append(f"{who} {name}: no help text")
            page.add(f"| [`{who} {name}`](#{anchor(f'{who} {name}')}) | {cell(help_text or '')} |")
        page.add("")
    page.slot(who)
    for name, help_text, child in children:
        _command(child, f"{who} {name}", help_text, page, top_epilog)


def exit_codes() -> list[tuple[int, str, str]]:
    """(code, name, meaning) of every ExitStatus; the meaning is the comment beside it in errors.py."""
    source = inspect.getsource(ExitStatus)
    comments = dict(re.findall(r"^\s*(\w+)\s*=\s*\d+\s*#\s*(.+)$", source, re.M))
    return [(s.value, s.name, comments.get(s.name, "")) for s in ExitStatus]


def cli_page(prose: dict[str, str]) -> Page:
    page = Page(prose)
    parser = build_parser()
    page.add("# Command-line reference", "", NOTICE.format(source="briefgen/cli.py and briefgen/errors.py"), "")
    page.slot("intro")
    _command(parser, parser.prog, None, page, parser.epilog)
    page.add("## Exit codes", "", "| code | name | when |", "|---|---|---|")
    for code, name, meaning in exit_codes():
        if not meaning:
            page.undocumented.append(f"exit code {code} {name}: no comment in briefgen/errors.py")
        page.add(f"| {code} | `{name}` | {cell(meaning)} |")
    page.add("")
    page.slot("exit codes")
    return page


# --- writing ------------------------------------------------------------------------------


def build(docs: Path = DOCS) -> tuple[dict[str, str], list[str]]:
    """The new text of each generated page (keeping the prose of the pages in `docs`), and
    what the code leaves undocumented."""
    makers = {"configuration.md": configuration_page, "cli.md": cli_page}
    texts, undocumented = {}, []
    for name in PAGES:
        old = docs / name
        page = makers[name](read_prose(old.read_text(encoding="utf-8")) if old.exists() else {})
        texts[name] = page.text()
        undocumented += page.undocumented
    return texts, undocumented


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefgen.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DOCS, help="the folder of the pages (default: ./docs)")
    parser.add_argument("--picture", action="store_true", help="also draw brief.png there (needs pdftoppm)")
    parser.add_argument("--config", type=Path, default=CONFIG, help="config of the pictured brief (default: ./sources.yaml)")
    args = parser.parse_args(argv)
    args.docs.mkdir(parents=True, exist_ok=True)
    texts, undocumented = build(args.docs)
    for name, text in texts.items():
        path = args.docs / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"docs: wrote {path}")
    if args.picture:
        from .docpicture import picture

        print(f"docs: drew {picture(args.docs, args.config)}")
    for problem in undocumented:
        print(f"docs: undocumented: {problem}", file=sys.stderr)
    return 1 if undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
