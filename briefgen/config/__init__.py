"""The typed, validated schema of `sources.yaml`, and its loader.

Each section's model lives in the module named after what it configures; this module
holds the whole file's model, reads it and describes every problem by path.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ConfigError
from .alerts import AlertRule, WatchConfig
from .base import WINDOW_RE, Model, window_problem
from .brief import FORMATS, BriefConfig, OutputConfig
from .delivery import (
    ADDRESS_RE,
    DEFAULT_SUBJECT,
    DURATION_RE,
    SUBJECT_FIELDS,
    EmailConfig,
    ScheduleConfig,
)
from .sources import SIZE_RE, SIZE_UNITS, SOURCE_TYPES, FeedsConfig, SourceConfig, parse_size
from .storage import StoreConfig
from .themes import ENTITY_KINDS, KEY_RE, EntityConfig, ScopeConfig, ThemeConfig
from .yamlfile import YamlProblem, load_yaml
from .yamlload import AliasBomb

__all__ = [
    "ADDRESS_RE",
    "DEFAULT_SUBJECT",
    "DURATION_RE",
    "ENTITY_KINDS",
    "FORMATS",
    "KEY_RE",
    "SIZE_RE",
    "SIZE_UNITS",
    "SOURCE_TYPES",
    "SUBJECT_FIELDS",
    "WINDOW_RE",
    "AlertRule",
    "BriefConfig",
    "Config",
    "ConfigError",
    "EmailConfig",
    "EntityConfig",
    "FeedsConfig",
    "OutputConfig",
    "ScheduleConfig",
    "SourceConfig",
    "ScopeConfig",
    "StoreConfig",
    "ThemeConfig",
    "WatchConfig",
    "json_schema",
    "load_config",
    "parse_config",
    "parse_size",
    "read_yaml",
    "window_problem",
]


class Config(Model):
    """The whole of `sources.yaml`."""

    name: str | None = Field(
        None,
        min_length=1,
        description="The brief's name in a deployment: its folder `<output.dir>/<name>/<date>/` and its namespace in a shared store; default the config file's name without extension.",
    )
    title: str = Field("Daily Brief", min_length=1, description="Title of every brief.")
    timezone: str = Field("UTC", description="IANA time zone that defines 'today' and the window.")
    sources: list[SourceConfig] = Field(min_length=1, description="Inputs of the brief.")
    themes: list[ThemeConfig] = Field(min_length=1, description="Themes the brief is organised by.")
    scope: ScopeConfig | None = Field(
        None, description="What the brief is about as a whole; articles outside it reach no theme, and give no quote, name, date or other development. None: every article."
    )
    entities: list[EntityConfig] = Field(
        default_factory=list, description="Gazetteer of people, organisations, places and countries."
    )
    brief: BriefConfig = Field(default_factory=BriefConfig, description="What goes into a brief: its window, cut-off and how many points of each kind.")
    output: OutputConfig = Field(default_factory=OutputConfig, description="Where the brief is written, in which formats, with which templates.")
    feeds: FeedsConfig = Field(default_factory=FeedsConfig, description="How feeds are fetched: timeouts, size cap, retries, concurrency.")
    store: StoreConfig | None = Field(
        None,
        description="SQLite file (path or sqlite:///path URL) for articles, feed state and runs; default <output.dir>/.briefgen/briefgen.sqlite3. Or a postgresql:// URL: a shared store, the brief in a schema named after `name` (docs/deployment.md). BRIEFGEN_STORE overrides it. A string is `store.path`; the mapping also says how long articles are kept.",
    )
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig, description="When `briefgen schedule` makes the brief, and how long a run may take.")
    email: EmailConfig | None = Field(None, description="SMTP delivery; without it nothing is emailed.")
    alerts: list[AlertRule] = Field(default_factory=list, description="Flash alerts between briefs (`briefgen watch`): one rule each.")
    watch: WatchConfig = Field(default_factory=WatchConfig, description="How `briefgen watch` polls and retries.")

    # Where the file was read from: relative paths in it are relative to this folder.
    base_dir: Path = Field(default=Path("."), exclude=True)
    # The file itself, for the commands a message suggests (None: not read from a file).
    path: Path | None = Field(default=None, exclude=True)
    # The file's name without extension: the brief's name when `name:` is not given.
    file_stem: str = Field(default="", exclude=True)

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @field_validator("store", mode="before")
    @classmethod
    def _store_path(cls, value: Any) -> Any:
        # `store: path` as it always was: the mapping's `path`.
        return {"path": value} if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. 'Asia/Seoul')") from None
        return value

    @model_validator(mode="after")
    def _unique(self) -> Config:
        for what, keys in (
            ("themes", [t.key for t in self.themes]),
            ("sources", [s.name for s in self.sources]),
            ("alerts", [a.name for a in self.alerts]),
        ):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{what}: duplicate {'key' if what == 'themes' else 'name'} {', '.join(map(repr, dupes))}")
        # One alias naming two entities would merge them: say which, by path.
        owner: dict[str, str] = {}
        problems = []
        for n, entity in enumerate(self.entities):
            for alias in dict.fromkeys([entity.name, *entity.aliases]):
                if alias in owner and owner[alias] != entity.name:
                    problems.append(f"entities[{n}]: {alias!r} already names {owner[alias]!r}")
                owner.setdefault(alias, entity.name)
        keys = {t.key for t in self.themes}
        problems += [f"alerts[{n}].theme: no theme {rule.theme!r} (the themes are {', '.join(sorted(keys))})"
                     for n, rule in enumerate(self.alerts) if rule.theme is not None and rule.theme not in keys]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _retention_covers_windows(self) -> Config:
        # Pruning runs after each brief: a window reaching past the retention would find
        # the next brief's articles gone.
        days = self.retention_days
        windows = [("brief.window", self.brief.window)] + [(f"sources[{n}].window", s.window) for n, s in enumerate(self.sources)]
        for where, window in windows if days is not None else ():
            if window and window != "all" and _window_days(window) > days:
                raise ValueError(f"store.retention_days: {days} days is shorter than {where} ({window}): "
                                 "the next brief would find its articles pruned")
        return self

    @model_validator(mode="after")
    def _output_outside_sources(self) -> Config:
        problem = self.output_problem(self.resolve(self.output.dir))
        if problem:
            raise ValueError(f"output.dir: {problem}")
        return self

    def output_problem(self, out_dir: Path) -> str | None:
        """Why `out_dir` cannot hold briefs, or None: inside a source folder, every brief
        written there would be read back as an article of the next one."""
        out = Path(os.path.abspath(out_dir))
        # By name and by what symbolic links lead to: the same folder under another name is still inside.
        real = Path(os.path.realpath(out_dir))
        for n, source in enumerate(self.sources):
            if source.path is None:
                continue
            root = _folder_of(self.resolve(source.path))
            if root is not None and (out.is_relative_to(root) or real.is_relative_to(os.path.realpath(root))):
                return (f"{out_dir} is inside the folder of sources[{n}] ({source.path}): every brief written "
                        "there would be read back as an article; choose an output folder outside it")
        return None

    @property
    def brief_name(self) -> str:
        """What the brief is called in a deployment and a shared store."""
        return self.name or self.file_stem or "brief"

    @property
    def store_target(self) -> str | None:
        """Where `store:` says the store is (a path or URL), None for the default."""
        # A string when a caller's model_copy put one there (model_copy does not validate).
        return self.store.path if isinstance(self.store, StoreConfig) else self.store

    @property
    def retention_days(self) -> int | None:
        """`store.retention_days`: how many days of articles are kept, None for all."""
        return self.store.retention_days if isinstance(self.store, StoreConfig) else None

    def with_store(self, target: str | None) -> Config:
        """This config on another store (a deployment's, BRIEFGEN_STORE), its other store settings kept."""
        kept = self.store if isinstance(self.store, StoreConfig) else StoreConfig()
        return self.model_copy(update={"store": kept.model_copy(update={"path": target})})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolve(self, relative: str) -> Path:
        """A path from the config, made absolute against the config file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def _window_days(window: str) -> float:
    """A window such as '36h' or '7d' in days."""
    return int(window[:-1]) / (24 if window.endswith("h") else 1)


def _folder_of(path: Path) -> Path | None:
    """The folder a file source reads (a glob's fixed part), or None for a single file."""
    parts = path.parts
    fixed = next((i for i, part in enumerate(parts) if any(c in part for c in "*?[")), None)
    if fixed is not None:
        return Path(os.path.abspath(Path(*parts[:fixed])))
    return Path(os.path.abspath(path)) if path.is_dir() or not path.suffix else None


# What to do about a config problem, said after it (one problem) or after the count (several).
FIX_ONE = "fix it, then `briefgen check`"
FIX_MANY = "fix them, then `briefgen check`"


def load_config(path: str | Path) -> Config:
    """Read, parse and validate a config file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"],
                          "run `briefgen init` to make a project here, or pass --config PATH") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot read: {exc}"], "check the file's permissions and encoding (UTF-8)") from None
    data = read_yaml(path, text)
    return parse_config(data, source=str(path), base_dir=path.resolve().parent, path=path, file_stem=path.stem)


def read_yaml(path: Path, text: str, hint: str = FIX_ONE) -> Any:
    """The document in a file briefgen's operator writes (the config, a deployment file):
    alias bombs, a key given twice and syntax errors are a ConfigError naming the line."""
    try:
        return load_yaml(text)
    except YamlProblem as exc:
        raise ConfigError(str(path), [str(exc)], hint) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = exc.problem or exc.context or "syntax error"
        what = problem if isinstance(exc, AliasBomb) else f"YAML syntax error: {problem}"
        raise ConfigError(str(path), [f"{where}: {what}"], hint) from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), [f"YAML error: {exc}"], hint) from None


def parse_config(
    data: Any, source: str = "<config>", base_dir: Path | None = None, path: Path | None = None, file_stem: str = "",
) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(source, ["the file must be a mapping of keys (title, sources, themes...)"],
                          "`briefgen init` writes a commented example")
    try:
        return Config.model_validate({**data, "base_dir": base_dir or Path("."), "path": path, "file_stem": file_stem})
    except ValidationError as exc:
        problems = [_describe(err) for err in exc.errors()]
        raise ConfigError(source, problems, FIX_ONE if len(problems) == 1 else FIX_MANY) from None


def _describe(err: dict[str, Any]) -> str:
    loc = tuple(err["loc"])
    path = _path(loc)
    kind = err["type"]
    if kind == "missing":
        return f"{path}: field required"
    if kind == "extra_forbidden":
        known = _fields_at(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        suffix = f" (did you mean '{hint[0]}'?)" if hint else f" (known keys: {', '.join(known)})"
        return f"{path}: unknown key{suffix}"
    if kind in ("int_parsing_size", "finite_number"):
        return f"{path}: not a number that can be used (too large, infinite or NaN)"
    message = err["msg"].removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at a location, for 'did you mean' hints."""
    model: Any = Config
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return []
    return [f.alias or name for name, f in model.model_fields.items() if not f.exclude]


def json_schema() -> dict[str, Any]:
    """The published schema of sources.yaml."""
    schema = Config.model_json_schema()
    schema.get("properties", {}).pop("base_dir", None)
    schema.get("properties", {}).pop("path", None)
    schema.get("properties", {}).pop("file_stem", None)
    return schema
