"""The config layer sits at the bottom: briefgen.config imports nothing of briefgen above it.

Only itself, briefgen.errors (a leaf that imports nothing of briefgen), the standard
library and third-party packages. Checked twice: by reading every import statement in
briefgen/config/ (function-level imports included, which a run may never reach), and by
importing the config in a fresh interpreter, loading a config that runs every validator,
and looking at sys.modules.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from .conftest import DEFAULT_CONFIG, ROOT

PACKAGE = ROOT / "briefgen"
ALLOWED = ("briefgen.config", "briefgen.errors")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def briefgen_imports(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every briefgen module a module's text imports, wherever the statement is."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "briefgen")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] == "briefgen":
                found.add(target)
    return found


def _outside(names: set[str]) -> list[str]:
    return sorted(n for n in names if n != "briefgen" and not any(n == a or n.startswith(a + ".") for a in ALLOWED))


def test_no_file_of_the_config_layer_imports_above_it():
    files = sorted((PACKAGE / "config").rglob("*.py"))
    assert len(files) >= 5
    for path in files:
        names = briefgen_imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
        assert not _outside(names), f"{path.relative_to(ROOT)} imports {_outside(names)}"
    # errors.py, which the config may import, is a leaf.
    errors = PACKAGE / "errors.py"
    assert not briefgen_imports(errors.read_text(encoding="utf-8"), "briefgen.errors") - {"briefgen"}


def test_the_check_sees_an_import_inside_a_function():
    # The circle this test guards against: a validator importing the scheduler when it runs.
    source = "def _cron(value):\n    from ..schedule import cron_trigger\n    return cron_trigger(value)\n"
    assert _outside(briefgen_imports(source, "briefgen.config.delivery")) == ["briefgen.schedule"]
    assert _outside(briefgen_imports("from . import base\nfrom ..errors import ConfigError\n",
                                     "briefgen.config.delivery")) == []


def test_loading_a_config_loads_nothing_of_briefgen_above_the_config(tmp_path):
    # Every section present, so every validator runs (the cron line's included).
    config = tmp_path / "sources.yaml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text += ("\nschedule:\n  cron: '30 0 6 * * 1-5'\n  deadline: 30m\n"
             "email:\n  host: 127.0.0.1\n  from: brief@example.org\n  to: [a@example.org]\n")
    config.write_text(text, encoding="utf-8")
    probe = ("import json, sys\nfrom briefgen.config import load_config\n"
             f"load_config({str(config)!r})\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'briefgen')))\n")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "briefgen.config.cron" in loaded
    assert not _outside(loaded), f"loading a config imported {_outside(loaded)}"
