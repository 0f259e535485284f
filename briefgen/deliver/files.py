"""Writing a brief's files into `<out>/<date>/`, atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError


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
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_brief(out_dir: Path, day: str, rendered: dict[str, bytes], missing: Iterable[str] = ()) -> list[Path]:
    """`<out>/<date>/brief-<date>.<ext>` for each rendered format, in a stable order; an
    earlier file of a `missing` format (asked for, not made) is removed, not left to
    contradict the new brief."""
    folder = out_dir / day
    for fmt in missing:
        try:
            (folder / f"brief-{day}.{fmt}").unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot remove the earlier brief-{day}.{fmt}: {exc.strerror or exc}") from None
    written = []
    for fmt in ("json", "md", "html", "pdf"):
        if fmt in rendered:
            path = folder / f"brief-{day}.{fmt}"
            atomic_write(path, rendered[fmt])
            written.append(path)
    return written
