"""The deployment file: where the shared store is, where briefs go, which briefs there are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from ..config import Config, _describe, load_config, read_yaml
from ..config.base import Model
from ..errors import ConfigError
from ..store.postgres import is_url, redact

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Model(Model):
    """Strict about keys, and about numbers no timer can use (inf, NaN, past 10^9), as sources.yaml is."""


class DeploymentOutput(_Model):
    dir: str = Field("out", description="Folder (a shared filesystem) the briefs go to, as <dir>/<brief>/<date>/.")


class WorkerSettings(_Model):
    concurrency: int = Field(8, ge=1, le=256, description="Jobs one worker runs at once (feed fetches mostly wait on the network).")
    heartbeat: float = Field(10.0, gt=0, description="Seconds between a worker's signs of life in the database.")
    stalled_after: float = Field(
        60.0, gt=0,
        description="Seconds without a sign of life after which a worker is taken for dead and its jobs are run again by another.",
    )
    retries: int = Field(5, ge=0, le=100, description="Further attempts of a failed job, with a growing wait between them.")
    fetch_wait: float = Field(
        600.0, gt=0, description="Seconds a brief build waits for the cycle's feed fetches done by other workers before doing them itself.",
    )
    catch_up: bool = Field(
        True,
        description=("Whether a tick starts today's brief whose scheduled time passed while no worker was alive "
                     "(once per date, as `briefgen schedule` does on start); false leaves a missed firing missed."),
    )


class DeploymentFile(_Model):
    """The whole of a deployment file."""

    store: str = Field(description="The shared store: a postgresql:// URL (required). BRIEFGEN_STORE overrides it.")
    output: DeploymentOutput = Field(default_factory=DeploymentOutput, description="Where briefs are written.")
    briefs: list[str] | str = Field(
        description="Brief configs: a list of paths, or one folder of *.yaml files; relative to the deployment file."
    )
    worker: WorkerSettings = Field(default_factory=WorkerSettings, description="How workers run their jobs.")
    name: str | None = Field(
        None, description="The deployment's name: its queue, kept apart from every other deployment's; default the file's name."
    )

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        if not is_url(value):
            raise ValueError(f"{redact(value)!r} is not a postgresql:// URL")
        return value


@dataclass(frozen=True)
class Brief:
    """One brief of a deployment: its name, config file and config."""

    name: str
    path: Path
    config: Config


@dataclass(frozen=True)
class Deployment:
    """A deployment file, read, with every brief's config loaded."""

    name: str
    path: Path
    store: str
    output: Path
    briefs: tuple[Brief, ...]
    worker: WorkerSettings

    def brief(self, name: str) -> Brief:
        for brief in self.briefs:
            if brief.name == name:
                return brief
        raise KeyError(name)

    def out_dir(self, brief: Brief) -> Path:
        return self.output / brief.name


def load_deployment(path: str | Path, *, store: str | None = None) -> Deployment:
    """Read a deployment file and every brief config it names; ConfigError lists every problem,
    each by file and field."""
    import os

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"], "pass --deployment PATH") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot read: {' '.join(str(exc).split())}"]) from None
    # Read as sources.yaml is: aliases bounded, a key given twice named by both its lines.
    data = read_yaml(path, text, "fix it, then `briefgen check --deployment`")
    if not isinstance(data, dict):
        raise ConfigError(str(path), ["the file must be a mapping of keys (store, output, briefs)"])
    chosen = store or os.environ.get("BRIEFGEN_STORE")
    if chosen:
        data = {**data, "store": chosen}
    try:
        settings = DeploymentFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(str(path), [_describe(_scrub(err)) for err in exc.errors()]) from None
    base = path.resolve().parent
    files = _brief_files(settings.briefs, base)
    problems: list[str] = []
    briefs: list[Brief] = []
    if not files:
        problems.append("briefs: no brief config found")
    for file in files:
        try:
            config = load_config(file)
        except ConfigError as exc:
            # Each problem named by its file and field.
            problems.extend(f"{exc.source}: {p}" for p in exc.problems)
            continue
        name = config.brief_name
        if not NAME_RE.match(name):
            problems.append(f"{file}: name: {name!r} must be letters, digits, '.', '_' or '-' (it names a folder)")
            continue
        briefs.append(Brief(name, file, config))
    names = [b.name for b in briefs]
    for dupe in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"briefs: two briefs are named {dupe!r} (give one a `name:`)")
    if problems:
        raise ConfigError(str(path), problems, "fix them, then `briefgen check --deployment`")
    output = Path(settings.output.dir).expanduser()
    return Deployment(
        name=settings.name or path.stem,
        path=path,
        store=settings.store,
        output=output if output.is_absolute() else base / output,
        briefs=tuple(briefs),
        worker=settings.worker,
    )


def _brief_files(briefs: list[str] | str, base: Path) -> list[Path]:
    if isinstance(briefs, str):
        folder = Path(briefs).expanduser()
        folder = folder if folder.is_absolute() else base / folder
        return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else [folder]
    return [(Path(b).expanduser() if Path(b).expanduser().is_absolute() else base / b) for b in briefs]


def _scrub(err: Any) -> Any:
    """A validation error without the input value: a store URL's password must not be shown."""
    return {**err, "input": None}
