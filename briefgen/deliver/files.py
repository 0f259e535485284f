"""Writing a brief's files into `<out>/<date>/`, atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError
from ..pause import pause_at


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            pause_at("write")
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _sync_folder(path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable: the ledger records a brief as done just after its
    files are written, and a power cut must not leave it done with its files gone."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # a platform or file system that cannot open folders: the rename stands as it is
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# A brief's files, in the order they are written.
FORMATS = ("json", "md", "html", "pdf")


def write_brief(out_dir: Path, day: str, rendered: dict[str, bytes], missing: Iterable[str] = ()) -> list[Path]:
    """`<out>/<date>/brief-<date>.<ext>` for each rendered format, in a stable order; an
    earlier file of a `missing` format (asked for, not made) is removed, not left to
    contradict the new brief.

    Call it holding the date's lock (see `ledger.date_lock`)."""
    folder = out_dir / day
    # A run killed mid-write (SIGKILL, power cut) leaves its temporary files behind; the
    # date's lock is held, so any still here are dead, and they go before new ones come.
    if folder.is_dir():
        for fmt in FORMATS:
            for stale in folder.glob(f".brief-{day}.{fmt}.*.tmp"):
                stale.unlink(missing_ok=True)
    for fmt in missing:
        try:
            (folder / f"brief-{day}.{fmt}").unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot remove the earlier brief-{day}.{fmt}: {exc.strerror or exc}") from None
    written = []
    for fmt in FORMATS:
        if fmt in rendered:
            path = folder / f"brief-{day}.{fmt}"
            atomic_write(path, rendered[fmt])
            written.append(path)
    return written
