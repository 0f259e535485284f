"""The archive: `<out>/index.html` lists every brief, and `<out>/latest` is the newest one.

Rebuilt from what is on disk after every run, so it is always complete: a brief written
by an older version, or regenerated for an earlier date, is listed like any other.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..config import Config
from ..errors import OutputError
from ..history import brief_folders, read_record
from ..models import BriefRecord
from .files import atomic_write
from .outdir import claim

log = logging.getLogger(__name__)

INDEX = "index.html"
LATEST = "latest"
TEMPLATE = "archive.html"
# Formats the index links to, in the order it shows them.
LINKED = (("html", "HTML"), ("pdf", "PDF"), ("md", "Markdown"), ("json", "JSON"))


@dataclass(frozen=True)
class ArchiveEntry:
    """One brief in the archive: its date, what its JSON says, and its files."""

    date: date
    folder: str
    record: BriefRecord | None
    # Format ("html", "pdf"...) -> path relative to the output folder, for files on disk.
    files: dict[str, str] = field(default_factory=dict)


def entries(out_dir: Path, recorded: Mapping[date, BriefRecord] | None = None) -> list[ArchiveEntry]:
    """Every brief in `out_dir`, newest first. `recorded`: the store's records of the briefs,
    used for those with a JSON file instead of reading it (a large day's JSON takes a
    quarter of a second to parse, and a year of them would be read on every run)."""
    found = []
    recorded = recorded or {}
    for day, folder in reversed(brief_folders(out_dir)):
        stem = f"brief-{folder.name}"
        files = {fmt: f"{folder.name}/{stem}.{fmt}" for fmt, _ in LINKED if (folder / f"{stem}.{fmt}").is_file()}
        record = recorded.get(day) if "json" in files else None
        found.append(ArchiveEntry(day, folder.name, record or read_record(folder / f"{stem}.json"), files))
    return found


def render_index(found: list[ArchiveEntry], config: Config) -> str:
    """The archive page, from `archive.html` (which users may shadow like any template)."""
    from ..render.html import render_page

    return render_page(
        TEMPLATE,
        {"title": config.title, "briefs": found, "latest": found[0] if found else None,
         "formats": LINKED, "distribution": config.output.distribution},
        config,
    )


def write_archive(out_dir: Path, config: Config, recorded: Mapping[date, BriefRecord] | None = None) -> list[Path]:
    """Write `<out>/index.html` and point `<out>/latest` at the newest brief; return both paths.
    `recorded`: the store's records of the briefs (see `entries`)."""
    # Never someone else's index.html or latest/ (the run checked already; this is the last word).
    claim(out_dir)
    _clear_leftovers(out_dir)
    found = entries(out_dir, recorded)
    index = out_dir / INDEX
    atomic_write(index, render_index(found, config).encode("utf-8"))
    written = [index]
    if found:
        written.append(point_latest(out_dir, out_dir / found[0].folder))
    log.info("archive: %s lists %d brief(s)", index, len(found))
    return written


def point_latest(out_dir: Path, folder: Path) -> Path:
    """Make `<out>/latest` the newest brief's folder: a relative symlink, else a copy."""
    link = out_dir / LATEST
    tmp = out_dir / f".{LATEST}.{os.getpid()}.tmp"
    try:
        _remove(tmp)
        try:
            # Relative, so the output folder can be moved or served as it is.
            os.symlink(folder.name, tmp, target_is_directory=True)
        except (OSError, NotImplementedError) as exc:
            # Some file systems (FAT, SMB shares, Windows without the privilege) have no symlinks.
            log.info("no symlink for %s (%s): copying the newest brief instead", link, exc)
            shutil.copytree(folder, tmp)
        if link.is_dir() and not link.is_symlink():
            # A real folder (an earlier copy) cannot be replaced in one rename: move it aside first.
            old = out_dir / f".{LATEST}.{os.getpid()}.old"
            _remove(old)
            os.replace(link, old)
            os.replace(tmp, link)
            _remove(old)
        else:
            os.replace(tmp, link)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"cannot update {link}: {exc.strerror or exc}") from None
    return link


# How old a temporary file of the archive must be to be taken for a dead run's.
LEFTOVER_AGE = 600.0


def _clear_leftovers(out_dir: Path) -> None:
    """Remove the temporary files of archive updates killed mid-way (SIGKILL, power cut).

    Runs of other dates may be updating the archive at this moment, and hold no lock in
    common with this one: only files older than any live update could be are removed."""
    now = time.time()
    for pattern in (f".{INDEX}.*.tmp", f".{LATEST}.*.tmp", f".{LATEST}.*.old"):
        for path in out_dir.glob(pattern):
            try:
                if now - path.lstat().st_mtime > LEFTOVER_AGE:
                    _remove(path)
            except OSError:
                pass  # gone already, or not ours to remove: it is only clutter


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
