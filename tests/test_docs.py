"""Documentation cannot rot: every config key, command, flag and exit code is in the README."""

from __future__ import annotations

import argparse

from pydantic import BaseModel

from briefgen.cli import build_parser
from briefgen.config import Config
from briefgen.errors import ExitStatus

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        # A key spelled differently in the file (`from`) is documented as spelled there.
        name = field.alias or name
        keys.append(prefix + name)
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys.extend(_keys(candidate, prefix + name + "."))
    return keys


def test_every_config_key_is_documented():
    missing = [key for key in _keys(Config) if f"`{key.rsplit('.', 1)[-1]}`" not in README]
    assert not missing, f"undocumented config keys: {missing}"


def test_every_command_and_flag_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert f"`briefgen {name}" in README, f"command {name} is not documented"
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in ("--help", "--debug", "--quiet"):
                    assert f"`{flag}" in README or f"[{flag}" in README, f"{name} {flag} is not documented"


def test_every_exit_code_is_documented():
    for status in ExitStatus:
        assert f"| {status.value} | `{status.name}` |" in README, status.name
