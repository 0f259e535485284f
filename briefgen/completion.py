"""Shell completion scripts for bash, zsh and fish, generated from the CLI's own parser,
so a new command or flag completes without anyone editing a script."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

SHELLS = ("bash", "zsh", "fish")


@dataclass
class Option:
    """A flag: its spellings, help, and what its value is (None: it takes none)."""

    flags: list[str]
    help: str
    value: str | None  # None, "file", "any", or the fixed choices separated by spaces


@dataclass
class Command:
    """A command path (`sources import`), its help, options and subcommands."""

    path: tuple[str, ...]
    help: str
    options: list[Option] = field(default_factory=list)
    children: list[Command] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # a positional with fixed choices (shells)


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = (), help: str = "") -> Command:
    """The command tree of an argparse parser."""
    node = Command(path, help)
    helps: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                node.children.append(walk(sub, (*path, name), helps.get(name, "")))
        elif action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            if action.nargs == 0:
                value = None
            elif action.choices:
                value = " ".join(str(c) for c in action.choices)
            else:
                value = "file" if action.type is Path else "any"
            node.options.append(Option(list(action.option_strings), action.help or "", value))
        elif action.choices:
            node.choices = [str(c) for c in action.choices]
    return node


def _all(node: Command) -> list[Command]:
    return [node, *(c for child in node.children for c in _all(child))]


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for `shell`."""
    tree = walk(parser)
    prog = parser.prog
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](tree, prog)


def _words(node: Command) -> str:
    words = [c.path[-1] for c in node.children] + node.choices
    words += [f for option in node.options for f in option.flags]
    return " ".join(words)


def _bash(tree: Command, prog: str) -> str:
    func = f"_{prog}_complete"
    cases = []
    for node in _all(tree):
        key = " ".join(node.path)
        cases.append(f'        "{key}") words="{_words(node)}" ;;')
    # The command path is the words so far that name subcommands; the rest are flags and values.
    commands = " ".join(sorted({n.path[-1] for n in _all(tree) if n.path}))
    # A flag's value: its choices, file names, or nothing to suggest.
    values = {}
    for node in _all(tree):
        for option in node.options:
            if option.value is not None:
                for flag in option.flags:
                    values.setdefault(flag, option.value)
    value_cases = []
    for flag, value in sorted(values.items()):
        if value == "file":
            value_cases.append(f'            {flag}) COMPREPLY=($(compgen -f -- "$cur")); return ;;')
        elif value == "any":
            value_cases.append(f"            {flag}) COMPREPLY=(); return ;;")
        else:
            value_cases.append(f'            {flag}) COMPREPLY=($(compgen -W "{value}" -- "$cur")); return ;;')
    return f"""# bash completion for {prog}; load with: source <({prog} completion bash)
{func}() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" path="" word words i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        case " {commands} " in
            *" $word "*) path="${{path:+$path }}$word" ;;
        esac
    done
    case "$path" in
{chr(10).join(cases)}
        *) words="" ;;
    esac
    if [[ "$cur" != -* ]]; then
        case "${{COMP_WORDS[COMP_CWORD-1]}}" in
{chr(10).join(value_cases)}
        esac
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    if [[ ${{#COMPREPLY[@]}} -eq 0 && "$cur" != -* ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F {func} {prog}
"""


def _zsh_quote(text: str) -> str:
    return text.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def _zsh(tree: Command, prog: str) -> str:
    funcs = []
    for node in _all(tree):
        name = "_" + "_".join((prog, *node.path)).replace("-", "_")
        specs = []
        for option in node.options:
            flags = option.flags
            arg = {None: "", "file": ":file:_files", "any": ":value: "}.get(option.value, f":value:({option.value})")
            group = "{" + ",".join(flags) + "}" if len(flags) > 1 else flags[0]
            excl = f"'({' '.join(flags)})'" if len(flags) > 1 else ""
            specs.append(f"{excl}{group}'[{_zsh_quote(option.help)}]{arg}'")
        if node.children:
            described = " ".join(f"'{c.path[-1]}:{_zsh_quote(c.help)}'" for c in node.children)
            cases = "\n".join(
                f"        {c.path[-1]}) {'_' + '_'.join((prog, *c.path)).replace('-', '_')} ;;" for c in node.children
            )
            body = (f"    local -a commands=({described})\n"
                    f"    _arguments -C {' '.join(specs)} '1: :->cmd' '*:: :->args'\n"
                    f"    case $state in\n"
                    f"      cmd) _describe command commands ;;\n"
                    f"      args) case $words[1] in\n{cases}\n      esac ;;\n    esac")
        elif node.choices:
            body = f"    _arguments {' '.join(specs)} '1:shell:({' '.join(node.choices)})'"
        else:
            body = f"    _arguments {' '.join(specs)} '*:file:_files'"
        funcs.append(f"{name}() {{\n    local state\n{body}\n}}")
    return f"#compdef {prog}\n# zsh completion for {prog}; save as _{prog} in a folder of $fpath\n\n" + "\n\n".join(funcs) + f"\n\n_{prog} \"$@\"\n"


def _fish(tree: Command, prog: str) -> str:
    lines = [f"# fish completion for {prog}; save as ~/.config/fish/completions/{prog}.fish", f"complete -c {prog} -f"]
    # fish sees words, not paths: `sources check` also "has seen" `check`, so a top-level
    # command named like a subcommand must rule out the groups that hold its namesake.
    holders: dict[str, list[str]] = {}
    for group in tree.children:
        for child in group.children:
            holders.setdefault(child.path[-1], []).append(group.path[-1])
    for node in _all(tree):
        if node.path:
            seen = " ".join(node.path)
            condition = f"__fish_seen_subcommand_from {node.path[-1]}"
            if len(node.path) > 1:
                condition = f"__fish_seen_subcommand_from {node.path[-2]}; and {condition}"
            elif node.path[-1] in holders:
                condition += f"; and not __fish_seen_subcommand_from {' '.join(holders[node.path[-1]])}"
        else:
            seen, condition = "", "__fish_use_subcommand"
        for child in node.children:
            lines.append(f"complete -c {prog} -n '{condition if node.path else '__fish_use_subcommand'}' "
                         f"-a {child.path[-1]} -d {_fish_quote(child.help)}")
        for choice in node.choices:
            lines.append(f"complete -c {prog} -n '{condition}' -a {choice}")
        for option in node.options:
            parts = [f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}" for flag in option.flags]
            where = f"-n '{condition}' " if seen else ""
            arg = {None: "", "file": " -r -F", "any": " -x"}.get(option.value, f" -x -a {_fish_quote(option.value or '')}")
            lines.append(f"complete -c {prog} {where}{' '.join(parts)}{arg} -d {_fish_quote(option.help)}")
    return "\n".join(lines) + "\n"


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
