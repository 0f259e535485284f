"""`briefgen init`: a new project that works at once, for the user to make their own.

It writes a commented `sources.yaml` (one local folder, one example feed, two example
themes), the JSON Schema editors check it against, an empty `articles/` folder and a
`templates/` folder explaining overrides. It never overwrites a file.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import json_schema, parse_config
from .errors import ConfigError

CONFIG = "sources.yaml"
SCHEMA = "sources.schema.json"
ARTICLES = "articles"
TEMPLATES = "templates"


# What each thing `init` makes is for, as the list it prints says.
PURPOSE = {
    CONFIG: "the configuration: sources, themes (edit them for your topic), schedule",
    SCHEMA: "its JSON Schema, for editors (sources.yaml's first line points at it)",
    ARTICLES: "your articles go here: .txt, .md or .html files",
    f"{TEMPLATES}/README.md": "how to change the brief's look",
}


@dataclass(frozen=True)
class Project:
    """What `init` made, and the commands that take the user from there to a brief."""

    root: Path
    created: list[Path]
    next_steps: list[str]

    def summary(self) -> list[str]:
        """What was made, one line each with what it is for (the folders holding files are implied)."""
        made = [p.relative_to(self.root).as_posix() for p in self.created if p != self.root]
        shown = [m for m in PURPOSE if m in made]
        width = max((len(m) + 1 for m in shown), default=0)
        return [f"{(m + ('/' if m == ARTICLES else '')).ljust(width)}  {PURPOSE[m]}" for m in shown]


def local_timezone() -> str:
    """The machine's IANA time zone when it can be told (TZ, /etc/localtime, /etc/timezone), else UTC."""
    candidates = [os.environ.get("TZ", "").removeprefix(":")]
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for name in candidates:
        if name and not name.startswith("/") and _is_zone(name):
            # "Etc/UTC" and friends read better as plain UTC.
            return "UTC" if name in ("Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "UCT") else name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def config_text(timezone: str) -> str:
    """The commented `sources.yaml` of a new project."""
    template = resources.files("briefgen.skeleton").joinpath(CONFIG).read_text(encoding="utf-8")
    return template.replace("{{timezone}}", timezone)


def init_project(root: Path, timezone: str | None = None) -> Project:
    """Create the project in `root` (made if missing); refuse, changing nothing, if any file exists."""
    timezone = timezone or local_timezone()
    if not _is_zone(timezone):
        raise ConfigError("--timezone", [f"{timezone!r} is not an IANA time zone (e.g. 'Europe/Paris', 'UTC')"])
    text = config_text(timezone)
    # The skeleton must always be a valid config: checked before anything is written.
    from .config.yamlload import safe_load

    parse_config(safe_load(text), source=CONFIG, base_dir=root)
    skeleton = resources.files("briefgen.skeleton")
    files = {
        root / CONFIG: text,
        root / SCHEMA: json.dumps(json_schema(), indent=2) + "\n",
        root / TEMPLATES / "README.md": skeleton.joinpath("templates-README.md").read_text(encoding="utf-8"),
    }
    taken = [p for p in files if p.exists() or p.is_symlink()]
    taken += [p for p in (root / ARTICLES, root / TEMPLATES) if p.exists() and not p.is_dir()]
    if root.exists() and not root.is_dir():
        taken.insert(0, root)
    if taken:
        names = ", ".join(str(p.relative_to(root)) if p != root else str(p) for p in taken)
        raise ConfigError(str(root), [f"{names} already exist{'s' if len(taken) == 1 else ''}: briefgen init "
                                      "never overwrites a file; choose a new folder, e.g. `briefgen init my-brief`"])
    created = []
    try:
        for folder in (root, root / ARTICLES, root / TEMPLATES):
            if not folder.is_dir():
                folder.mkdir(parents=True)
                created.append(folder)
        for path, content in files.items():
            # "x": fails rather than overwrite a file that appeared since the check above.
            with path.open("x", encoding="utf-8") as handle:
                handle.write(content)
            created.append(path)
    except OSError as exc:
        raise ConfigError(str(root), [f"cannot create the project: {exc.strerror or exc}"]) from None
    return Project(root, created, next_steps(root))


def next_steps(root: Path) -> list[str]:
    """Three commands: into the folder, articles into articles/, then the brief."""
    here = root.resolve() == Path.cwd().resolve()
    steps = [] if here else [(f"cd {shlex.quote(str(root))}", "")]
    steps.append((f"cp ~/path/to/some/articles/*.txt {ARTICLES}/", ".txt, .md or .html files on your topic"))
    if here:
        steps.append(("briefgen check", "what each source, theme and the schedule would do"))
    steps.append(("briefgen generate", "writes out/<date>/brief-<date>.html, .pdf, .json, .md"))
    width = max(len(command) for command, _ in steps)
    return [f"{command.ljust(width)}    # {note}" if note else command for command, note in steps]
