"""Whose the output folder is: briefgen replaces `index.html` and `latest/` only in a folder
it made, never in one that holds someone else's files.

A folder is briefgen's when it holds the marker file `.briefgen-output`, written when
briefgen creates the folder or first finds it empty. Output folders of older versions
have no marker: one is recognised as briefgen's when everything in it has a name briefgen
writes (dated brief folders holding only brief files, `index.html` beside at least one of
them, `latest`, `.briefgen/` and briefgen's temporary files); it then gets its marker.
Anything else stops the run before a file is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ForeignOutputError, OutputError

MARKER = ".briefgen-output"
MARKER_TEXT = (
    "This folder holds briefgen's output: briefgen writes dated briefs here and replaces\n"
    "index.html and latest/ as it likes. Keep other files elsewhere.\n"
)
DATED = re.compile(r"^\d{4}-\d\d-\d\d$")
# What briefgen leaves at the top of the folder besides dated folders (see deliver.archive).
OWN = re.compile(r"^(\.briefgen|latest|index\.html|\.index\.html\..+\.tmp|\.latest\.\d+\.(tmp|old))$")


def claim(out_dir: Path) -> None:
    """Make sure `out_dir` is briefgen's (making it if need be), or raise ForeignOutputError."""
    marker = out_dir / MARKER
    if marker.is_file():
        return
    if out_dir.exists() and not out_dir.is_dir():
        raise ForeignOutputError(f"{out_dir} is a file, not a folder: choose another output folder (output.dir or --out)")
    foreign = strangers(out_dir) if out_dir.is_dir() else []
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise ForeignOutputError(
            f"{out_dir} holds files briefgen did not write ({shown}): briefgen never cleans or overwrites "
            f"such a folder; choose a new or empty output folder (output.dir or --out), or move those files "
            f"away (if the folder is briefgen's after all, create {marker} in it)"
        )
    # Not atomic_write: a torn marker is still a marker, and the brief's own first write is
    # where a crash test stops a run.
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(MARKER_TEXT, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {marker}: {exc.strerror or exc}") from None


def strangers(out_dir: Path) -> list[str]:
    """The entries of a folder without a marker that briefgen would not have written, sorted."""
    found = []
    entries = sorted(out_dir.iterdir(), key=lambda p: p.name)
    dated = [p for p in entries if DATED.match(p.name) and p.is_dir() and not p.is_symlink()]
    for path in entries:
        name = path.name
        if path in dated:
            found += [f"{name}/{p}" for p in _not_briefs(path)]
        elif name == "latest":
            if path.is_symlink():
                if not DATED.match(path.readlink().name):
                    found.append(name)
            elif path.is_dir():
                found += [f"{name}/{p}" for p in _not_briefs(path)]
            else:
                found.append(name)
        elif name == "index.html" and not dated:
            # briefgen writes the index only after a brief: an index with none is someone's page.
            found.append(name)
        elif not OWN.match(name):
            found.append(name)
    return found


def _not_briefs(folder: Path) -> list[str]:
    """What a brief's folder holds that is not a brief's file (brief-<date>.*, .eml, temporaries)."""
    return sorted(p.name for p in folder.iterdir()
                  if not (p.is_file() and re.match(r"^\.?brief-\d{4}-\d\d-\d\d\.", p.name)))
